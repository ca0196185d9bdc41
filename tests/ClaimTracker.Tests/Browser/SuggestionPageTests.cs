using System.Net;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// A curator curates a new article in the reader from its suggestions alone: accepting with a key or a click,
/// editing in place, dismissing, accepting a whole paragraph; the keyboard alone; axe-core on the new controls.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SuggestionPageTests(ApiFactory api, Chromium chromium, ITestOutputHelper output) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private static string Word() => new([.. Samples.Unique().Take(8).Select(c => (char)('a' + (char.IsDigit(c) ? c - '0' : c - 'a' + 10)))]);

    private sealed record Article(HttpClient Curator, string Key, long SourceId, string Force, string Agency);

    /// <summary>A seed-like report (invented) about subjects of the test's own, by a curator of its own.</summary>
    private async Task<Article> ArticleAsync()
    {
        var key = (await ApiKeys.CreateAsync(api.Db, $"sg-page-{Samples.Unique()}")).Key;
        var curator = api.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var tag = Word();
        var name = char.ToUpperInvariant(tag[0]) + tag[1..];
        var force = $"Kestrel Brigade {name}";
        var agency = $"Varden Agency {name}";
        await curator.CreateSubjectAsync(force);
        await curator.CreateSubjectAsync(agency);
        var body = "[Invented report for tests: not a real article.]\n\n" +
            $"The {force} has about 2,500 troops in the valley, the {agency} reported. Hundreds of attacks targeted the {force} since 2023.\n\n" +
            $"The withdrawal will be complete by September 2026, the {agency} said.\n\n" +
            $"Seven {force} soldiers were wounded in a raid on August 29.\n\n" +
            "About 40 rockets hit the depot, where 300 troops are stationed.";
        var source = await curator.CreateSourceAsync(Samples.Source(body: body, published: "2024-09-18"));
        return new Article(curator, key, source.GetProperty("id").GetInt64(), force, agency);
    }

    /// <summary>Every action the curator takes in the page, counted.</summary>
    private sealed class Actions(IPage page)
    {
        public int Clicks { get; private set; }
        public int Keys { get; private set; }

        public async Task PressAsync(string key) { Keys++; await page.Keyboard.PressAsync(key); }

        public async Task TypeAsync(string text) { Keys += text.Length; await page.Keyboard.TypeAsync(text); }

        public async Task ClickAsync(ILocator target) { Clicks++; await target.ClickAsync(); }
    }

    private static async Task<JsonElement> OpenSuggestionsAsync(HttpClient client, long sourceId) =>
        (await client.GetJsonAsync($"/sources/{sourceId}/suggestions?state=open")).GetProperty("items");

    /// <summary>Waits until the text has at most this many suggestion marks: a new claim's passage may cover others too.</summary>
    private static Task AtMostAsync(IPage page, int count) =>
        page.WaitForFunctionAsync("n => document.querySelectorAll('#article-text mark.sg').length <= n && document.querySelector('main[data-ready]')", count);

    private static async Task<bool> FocusedIsSuggestionAsync(IPage page, string? id = null) =>
        await page.EvaluateAsync<bool>("id => { const e = document.activeElement; return !!e && e.matches('mark.sg') && (!id || e.dataset.suggestion === id); }", id);

    [Fact]
    public async Task A_curator_curates_an_article_from_its_suggestions_alone_and_the_actions_are_counted()
    {
        var a = await ArticleAsync();
        var planned = await OpenSuggestionsAsync(api.CreateClient(), a.SourceId);
        Assert.True(planned.GetArrayLength() >= 6, $"the article should give at least six suggestions: {planned}");

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        await web.GotoAsync("/");
        await web.EnterKeyAsync(a.Key);
        await web.GotoAsync($"/?view=reader&source={a.SourceId}");
        var marks = page.Locator("#article-text mark.sg");
        await Expect(marks.First).ToBeVisibleAsync();
        Assert.InRange(await marks.CountAsync(), planned.GetArrayLength() - 2, planned.GetArrayLength());
        await Expect(page.Locator("#suggestion-keys")).ToContainTextAsync("A accepts it");
        var axe = await AxeAsync(page, "reader with suggestions");

        var actions = new Actions(page);
        // From the top of the page, Tab to the first suggestion.
        await page.Locator("#source-picker").FocusAsync();
        for (var i = 0; i < 40 && !await FocusedIsSuggestionAsync(page); i++) await actions.PressAsync("Tab");
        Assert.True(await FocusedIsSuggestionAsync(page), "Tab reaches the first suggestion");

        var made = 0;
        var dismissed = 0;
        var edited = 0;
        var paragraphUsed = false;
        var clickUsed = false;
        while (await marks.CountAsync() > 0)
        {
            // What the curator reads on the screen: the marked suggestions, each with its card's fields.
            var drawn = (await marks.EvaluateAllAsync<string[]>("ms => ms.map(m => m.dataset.suggestion)")).ToHashSet();
            var all = await OpenSuggestionsAsync(api.CreateClient(), a.SourceId);
            var open = JsonSerializer.SerializeToElement(all.EnumerateArray().Where(s => drawn.Contains(s.GetProperty("id").GetString()!)).ToArray());
            var focusedId = await page.EvaluateAsync<string?>("() => document.activeElement?.dataset?.suggestion ?? null");
            var current = open.EnumerateArray().FirstOrDefault(s => s.GetProperty("id").GetString() == focusedId);
            Assert.True(current.ValueKind == JsonValueKind.Object, $"the focus is on an open suggestion (on {focusedId})");
            var id = current.GetProperty("id").GetString()!;
            var missing = current.GetProperty("missing").EnumerateArray().Select(m => m.GetString()).ToList();
            var paragraph = current.GetProperty("paragraph").GetInt32();
            var completeInParagraph = open.EnumerateArray().Count(s => s.GetProperty("paragraph").GetInt32() == paragraph && s.GetProperty("missing").GetArrayLength() == 0);
            var before = await marks.CountAsync();

            if (missing.Count == 0 && completeInParagraph >= 2 && !paragraphUsed)
            {
                // A whole paragraph at once.
                await actions.PressAsync("p");
                paragraphUsed = true;
                made += completeInParagraph;
                await AtMostAsync(page, before - completeInParagraph);
            }
            else if (missing.Count == 0 && !clickUsed)
            {
                // With the mouse: the mark opens its card, whose button accepts it (the preview shows first).
                await actions.ClickAsync(page.Locator($"mark.sg[data-suggestion='{id}']"));
                var card = page.Locator(".sg-card");
                await Expect(card.Locator(".sg-preview")).Not.ToContainTextAsync("Checking");
                axe.AddRange(await AxeAsync(page, "suggestion card"));
                await actions.ClickAsync(card.GetByRole(AriaRole.Button, new() { Name = "Accept (A)" }));
                clickUsed = true;
                made++;
                await AtMostAsync(page, before - 1);
            }
            else if (missing.Count == 0)
            {
                await actions.PressAsync("a");
                made++;
                await AtMostAsync(page, before - 1);
            }
            else if (missing.SequenceEqual(["subject"]))
            {
                // Edited in place: the form opens on the subject, which the curator types.
                await actions.PressAsync("e");
                var subject = page.Locator(".sg-edit").GetByLabel("Subject (a name or alias)");
                await Expect(subject).ToBeFocusedAsync();
                axe.AddRange(await AxeAsync(page, "suggestion edit form"));
                await actions.TypeAsync(a.Force);
                edited++;
                await actions.PressAsync("Enter");
                made++;
                await AtMostAsync(page, before - 1);
            }
            else
            {
                await actions.PressAsync("d");
                dismissed++;
                await AtMostAsync(page, before - 1);
            }
            await web.ViewReadyAsync("reader");
            if (await marks.CountAsync() > 0)
            {
                await page.WaitForFunctionAsync("() => document.activeElement?.matches('mark.sg')");
            }
        }

        // Every claim made is a draft on a passage of the article, and nothing is left to curate.
        var claims = (await api.CreateClient().GetJsonAsync($"/claims?source={a.SourceId}&limit=200")).GetProperty("items");
        Assert.Equal(made, claims.GetArrayLength());
        Assert.All(claims.EnumerateArray(), c => Assert.Equal("draft", c.GetProperty("status").GetString()));
        Assert.Contains(claims.EnumerateArray(), c => c.GetProperty("property").GetProperty("key").GetString() == "troop_count"
            && c.GetProperty("value").GetProperty("amount").GetDecimal() == 2500m && c.GetProperty("assertedBy").GetProperty("name").GetString() == a.Agency);
        Assert.True(paragraphUsed && clickUsed, "the paragraph and the click were both used");
        var left = await OpenSuggestionsAsync(api.CreateClient(), a.SourceId);
        // What the reader cannot mark (words inside a claim's passage, or shared with another suggestion) stays in the list.
        Assert.True(left.GetArrayLength() <= 2, $"every marked suggestion was decided: {left}");
        var total = actions.Clicks + actions.Keys;
        output.WriteLine($"Curated from suggestions alone: {made} draft claims and {dismissed} dismissals with {total} actions " +
            $"({actions.Clicks} clicks, {actions.Keys} keys, of which {edited * a.Force.Length} typed {edited} edited subject(s)); {left.GetArrayLength()} left unmarked: " +
            $"{(double)total / made:0.00} actions per claim.");
        await web.ScreenshotAsync("suggestions-curated");
        Assert.True(axe.Count == 0, string.Join("\n", axe));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_keyboard_alone_moves_between_suggestions_opens_one_closes_it_with_escape_and_dismisses_it()
    {
        var a = await ArticleAsync();
        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        await web.GotoAsync("/");
        await web.EnterKeyAsync(a.Key);
        await web.GotoAsync($"/?view=reader&source={a.SourceId}");
        var first = page.Locator("#article-text mark.sg").First;
        var second = page.Locator("#article-text mark.sg").Nth(1);
        await first.FocusAsync();
        await page.Keyboard.PressAsync("n");
        await Expect(second).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+N");
        await Expect(first).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("Enter");
        var card = page.Locator(".sg-card");
        await Expect(card).ToBeVisibleAsync();
        await Expect(first).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("Escape");
        await Expect(card).ToHaveCountAsync(0);
        await Expect(first).ToBeFocusedAsync();

        // Edit, then Escape: nothing is written and the focus comes back.
        await page.Keyboard.PressAsync("e");
        await Expect(page.Locator(".sg-edit")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".sg-edit")).ToHaveCountAsync(0);
        await Expect(first).ToBeFocusedAsync();

        var id = await first.GetAttributeAsync("data-suggestion");
        var count = await page.Locator("#article-text mark.sg").CountAsync();
        await page.Keyboard.PressAsync("d");
        await Expect(page.Locator("#article-text mark.sg")).ToHaveCountAsync(count - 1);
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync("Dismissed");
        await page.WaitForFunctionAsync("() => document.activeElement?.matches('mark.sg')");
        var list = await api.CreateClient().GetJsonAsync($"/sources/{a.SourceId}/suggestions?state=dismissed");
        Assert.Equal(id, list.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(0, (await api.CreateClient().GetJsonAsync($"/claims?source={a.SourceId}")).GetProperty("items").GetArrayLength());
        web.AssertNoErrors();
    }

    [Fact]
    public async Task Without_a_key_the_reader_shows_no_suggestions()
    {
        var a = await ArticleAsync();
        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        await web.GotoAsync($"/?view=reader&source={a.SourceId}");
        await Expect(web.Page.Locator("#article-title")).ToBeVisibleAsync();
        await Expect(web.Page.Locator("mark.sg")).ToHaveCountAsync(0);
        web.AssertNoErrors();
    }

    private static async Task<List<string>> AxeAsync(IPage page, string where)
    {
        var result = await page.RunAxe(new AxeRunOptions { ResultTypes = [ResultType.Violations] });
        return [.. result.Violations.Where(v => v.Impact is "serious" or "critical")
            .SelectMany(rule => rule.Nodes.Select(node => $"[{where}] {rule.Id} ({rule.Impact}): {rule.Help}. {node.Target}: {node.Html}"))];
    }
}
