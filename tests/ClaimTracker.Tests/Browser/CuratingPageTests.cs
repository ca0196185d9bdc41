using System.Net;
using System.Text.RegularExpressions;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>The web page as a curator uses it: a key entered once, conflicts settled, sources and claims added.</summary>
[Trait("Category", "EndToEnd")]
public sealed class CuratingPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private Task<WebPage> OpenAsync() => chromium.OpenAsync(api.CreateClient().BaseAddress!);

    private async Task<string> NewKeyAsync() => (await ApiKeys.CreateAsync(api.Db, $"page-curator-{Samples.Unique()}")).Key;

    /// <summary>A conflict of the test's own: about 2,500 troops against 3,000, in a world no other test sees.</summary>
    private async Task<(World World, long Conflict)> ConflictAsync()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));
        return (world, b.GetProperty("conflicts")[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_curator_enters_a_key_once_and_resolves_a_conflict_with_a_note()
    {
        var (world, conflictId) = await ConflictAsync();
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/?view=conflicts");
        var conflict = page.Locator($"#conflict-{conflictId}");
        await Expect(conflict.Locator(".side-a .value-main")).ToHaveTextAsync("about 2,500 troops");
        await Expect(conflict.Locator(".side-b .value-main")).ToHaveTextAsync("3,000 troops");
        await Expect(conflict.Locator(".side-b .side-who")).ToHaveTextAsync(world.Asserter);
        await Expect(conflict.Locator(".side-b .quote-exact")).ToHaveTextAsync("3,000 US troops remained");

        await web.EnterKeyAsync(await NewKeyAsync());
        await conflict.GetByLabel("Note (needed to resolve)").FillAsync("The later count is the better supported.");
        await conflict.GetByRole(AriaRole.Radio, new() { Name = $"B: {world.Asserter}" }).CheckAsync();
        await conflict.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();

        await Expect(conflict.Locator(".conflict-meta .badge")).ToHaveTextAsync("resolved");
        await Expect(conflict.Locator(".flash")).ToContainTextAsync("Resolved.");
        await Expect(conflict.Locator(".side-b")).ToHaveClassAsync(new Regex("is-preferred"));
        await Expect(conflict.Locator(".conflict-note")).ToContainTextAsync("The later count is the better supported.");
        await web.ScreenshotAsync("conflict-resolved");

        var stored = await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}");
        Assert.Equal("resolved", stored.GetProperty("status").GetString());
        Assert.Equal("The later count is the better supported.", stored.GetProperty("note").GetString());
        Assert.Equal(stored.GetProperty("claims")[1].GetProperty("id").GetInt64(), stored.GetProperty("preferredClaimId").GetInt64());
        // The key was kept: a new page in the same browser context still has it.
        await web.GotoAsync("/?view=conflicts&status=resolved");
        await Expect(page.Locator("#key-label")).ToHaveTextAsync("Curator key set");
        web.AssertNoErrors();
    }

    [Fact]
    public async Task Resolving_without_a_note_shows_the_servers_reason_in_words()
    {
        var (_, conflictId) = await ConflictAsync();
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=conflicts&conflict={conflictId}");
        await web.EnterKeyAsync(await NewKeyAsync());

        var conflict = page.Locator($"#conflict-{conflictId}");
        await conflict.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();

        var problem = conflict.Locator(".problem");
        await Expect(problem).ToBeVisibleAsync();
        await Expect(problem).ToHaveAttributeAsync("role", "alert");
        await Expect(problem.Locator(".problem-status")).ToHaveTextAsync("422 · Cannot be carried out");
        await Expect(problem.Locator(".problem-title strong")).ToHaveTextAsync("The request cannot be carried out.");
        await Expect(problem.Locator(".problem-errors")).ToHaveTextAsync("note: is required to resolve a conflict: say how it was resolved.");
        await Expect(problem.Locator(".problem-id")).ToContainTextAsync("Request id");
        await web.ScreenshotAsync("error");

        var stored = await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}");
        Assert.Equal("open", stored.GetProperty("status").GetString());
        web.AssertNoErrors(apiErrors: true);
    }

    [Fact]
    public async Task A_wrong_key_shows_the_401_title_and_a_malformed_figure_the_400_reason()
    {
        var (_, conflictId) = await ConflictAsync();
        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=conflicts&conflict={conflictId}");
        await web.EnterKeyAsync("ct_not-a-real-key");

        await page.Locator($"#conflict-{conflictId}").GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();

        var problem = page.Locator($"#conflict-{conflictId} .problem");
        await Expect(problem.Locator(".problem-status")).ToHaveTextAsync("401 · Not authorised");
        await Expect(problem.Locator(".problem-title strong")).ToHaveTextAsync("A curator API key is required.");
        await Expect(problem.Locator(".problem-detail")).ToHaveTextAsync("The API key is unknown or revoked.");
        await Expect(problem.Locator(".problem-hint")).ToContainTextAsync("Enter a valid curator key");
        Assert.Equal("open", (await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}")).GetProperty("status").GetString());

        await web.GotoAsync("/?view=figures&value=lots");
        var badFigure = page.Locator(".figure-results .problem");
        await Expect(badFigure.Locator(".problem-title strong")).ToHaveTextAsync("The request is not valid.");
        await Expect(badFigure.Locator(".problem-errors")).ToHaveTextAsync("value: must be a number, such as 2500 or 2,500.");
        web.AssertNoErrors(apiErrors: true);
    }

    [Fact]
    public async Task A_curator_pastes_a_source_anchors_a_claim_from_a_selection_and_sees_its_conflict_at_once()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var title = $"Pasted report {Samples.Unique()}";
        // Emoji before the passage: the API counts code points, the browser UTF-16 units.
        var body = $"Update 🇮🇶🪖 from Baghdad.\n\nOfficials now say 3,000 US troops remain in the country, up from earlier counts. [{Samples.Unique()}]";
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/?view=reader");
        await web.EnterKeyAsync(await NewKeyAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add source" }).ClickAsync();
        var sourceForm = page.Locator("dialog[open]");
        await sourceForm.GetByLabel("Title").FillAsync(title);
        await sourceForm.GetByLabel("Outlet").FillAsync("Test Wire");
        await sourceForm.GetByLabel("Published").FillAsync("2024-09");
        await sourceForm.GetByLabel("Text").FillAsync(body);
        await sourceForm.GetByRole(AriaRole.Button, new() { Name = "Add source" }).ClickAsync();
        await Expect(page.Locator("#article-title")).ToHaveTextAsync(title);
        await Expect(page.Locator(".flash-ok")).ToContainTextAsync($"Added “{title}”");
        Assert.Equal(body, await page.Locator("#article-text").TextContentAsync());

        // Select the words as a user would, then make them a claim.
        Assert.True(await page.EvaluateAsync<bool>(SelectText, "3,000 US troops remain"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create a claim from this passage…" }).ClickAsync();
        var form = page.Locator("dialog.form-dialog[open]");
        await Expect(form.Locator(".form-passage blockquote")).ToHaveTextAsync("3,000 US troops remain");
        await form.GetByLabel("Subject: what the claim is about").FillAsync(world.Subject);
        await form.GetByLabel("Property").SelectOptionAsync("troop_count");
        await Expect(form.GetByLabel("Amount")).ToHaveValueAsync("3,000");
        await form.GetByLabel("Asserted by").FillAsync(world.Asserter);
        await form.GetByLabel("Holds at (optional)").FillAsync("2024-09");
        await web.ScreenshotAsync("claim-form", fullPage: false);
        await form.GetByRole(AriaRole.Button, new() { Name = "Create claim" }).ClickAsync();

        // The write's answer lists the conflict it opened: the page says so at once, with the way to it.
        var flash = page.Locator(".flash-conflict");
        await Expect(flash).ToContainTextAsync("opened 1 conflict");
        await Expect(flash.Locator("a")).ToHaveTextAsync(new Regex(@"^Conflict \d+$"));
        var card = page.Locator("#claim-panel .claim-card");
        await Expect(card.Locator(".value-main")).ToHaveTextAsync("3,000 troops");
        await Expect(card.Locator(".conflicts")).ToContainTextAsync("about 2,500 troops");
        var mark = page.Locator("mark.hl.is-selected");
        await Expect(mark).ToHaveTextAsync("3,000 US troops remain");
        await Expect(mark).ToHaveClassAsync(new Regex("hl-conflict"));
        await web.ScreenshotAsync("curate");

        var conflicts = await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&status=open");
        var opened = Assert.Single(conflicts.GetProperty("items").EnumerateArray());
        var claims = opened.GetProperty("claims").EnumerateArray().ToList();
        var added = claims.Single(c => c.GetProperty("value").GetProperty("amount").GetDouble() == 3000);
        var evidence = added.GetProperty("evidence")[0];
        Assert.Equal("3,000 US troops remain", evidence.GetProperty("exact").GetString());
        // Code points: the two flags' regional indicators and the helmet are one each, not two.
        var expectedStart = body[..body.IndexOf("3,000", StringComparison.Ordinal)].EnumerateRunes().Count();
        Assert.Equal(expectedStart, evidence.GetProperty("start").GetInt32());

        await flash.Locator("a").ClickAsync();
        await web.ViewReadyAsync("conflicts");
        await Expect(page.Locator("article.conflict .side-b .quote-exact")).ToHaveTextAsync("3,000 US troops remain");
        web.AssertNoErrors();
    }

    // The words may span several text nodes: a suggestion's mark splits "3,000" from the words after it.
    private const string SelectText = """
        needle => {
          const root = document.getElementById('article-text');
          const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
          const nodes = [];
          let text = '';
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            nodes.push({ node, at: text.length });
            text += node.data;
          }
          const at = text.indexOf(needle);
          if (at < 0) return false;
          const place = offset => {
            const hit = nodes.findLast(n => n.at <= offset && offset <= n.at + n.node.data.length);
            return [hit.node, offset - hit.at];
          };
          const range = document.createRange();
          range.setStart(...place(at));
          range.setEnd(...place(at + needle.length));
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          return true;
        }
        """;

    [Fact]
    public async Task A_figure_stated_by_more_articles_than_a_page_holds_shows_the_rest_on_request()
    {
        // A figure no other test states, in 52 articles: one more than a page of 50 and then some.
        var figure = Random.Shared.Next(100_000_000, 900_000_000);
        for (var i = 0; i < 52; i++)
        {
            var world = await World.CreateAsync(api);
            await world.CreateClaimAsync(("value", new { kind = "quantity", amount = figure, unit = "troops" }));
        }
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync($"/?view=figures&value={figure}");
        await Expect(page.Locator(".result-summary")).ToContainTextAsync("52 articles support");
        await Expect(page.Locator(".figure-source")).ToHaveCountAsync(50);
        var more = page.GetByRole(AriaRole.Button, new() { Name = "Show more articles (50 of 52 shown)" });
        await more.ClickAsync();

        await Expect(page.Locator(".figure-source")).ToHaveCountAsync(52);
        await Expect(page.Locator(".figure-more button")).ToHaveCountAsync(0);
        var titles = await page.Locator(".figure-source-title").AllTextContentsAsync();
        Assert.Equal(52, titles.Distinct().Count());
        web.AssertNoErrors();
    }
}
