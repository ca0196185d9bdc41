using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static ClaimTracker.Tests.Browser.AccessibilityTests;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// The judgments the API makes, as the page shows them: how sure a conflict is, as of when a claim holds and through
/// whom, the whole a part belongs to, a figure as the report words it, the voices that support a claim, a wire copy's
/// original, and whether a claim states a figure or only admits it. Every report here is INVENTED (outlets, officials,
/// figures and dates alike), written through the API by the test itself.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class JudgmentPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private Task<WebPage> OpenAsync() => chromium.OpenAsync(api.CreateClient().BaseAddress!);

    private static async Task<(long Id, string Title)> ReportAsync(HttpClient curator, string body, string? published, string outlet,
        long? republishesSourceId = null, string? republishesAgency = null)
    {
        var source = Samples.Source(body: $"{body} [{Samples.Unique()}]", outlet: outlet, published: published);
        if (published is null) source["published"] = null;
        if (republishesSourceId is not null) source["republishesSourceId"] = republishesSourceId;
        if (republishesAgency is not null) source["republishesAgency"] = republishesAgency;
        var created = await curator.CreateSourceAsync(source);
        return (created.GetProperty("id").GetInt64(), created.GetProperty("title").GetString()!);
    }

    private static object Evidence(long sourceId, string exact) => new[] { new { sourceId, exact } };

    private static object Count(decimal amount, string unit = "troops") => new { kind = "quantity", amount, unit };

    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    /// <summary>A possible conflict (an undated page's count against a dated one) and a certain one, in worlds of their own.</summary>
    private async Task<(long Possible, string Reason, long Certain)> ConflictsAsync()
    {
        var world = await World.CreateAsync(api);
        var page = await ReportAsync(world.Curator, "(Invented) About us: the mission has 9,000 troops in Iraq.", null, "Invented Mission Page");
        var dated = await ReportAsync(world.Curator, "(Invented) There are 2,500 US troops in Iraq, the ministry said.", "2024-09-02", "Invented Wire");
        await world.CreateClaimAsync(("validAt", null), ("value", Count(2500)), ("evidence", Evidence(dated.Id, "2,500 US troops")));
        var undated = await world.CreateClaimAsync(("validAt", null), ("value", Count(9000)), ("evidence", Evidence(page.Id, "9,000 troops")));
        var possible = Assert.Single(undated.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("possible", possible.GetProperty("certainty").GetString());

        var other = await World.CreateAsync(api);
        await other.CreateClaimAsync();
        var b = await other.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", other.Asserter), ("evidence", other.Evidence("3,000 US troops remained")));
        var certain = Assert.Single(b.GetProperty("conflicts").EnumerateArray());
        Assert.Equal("certain", certain.GetProperty("certainty").GetString());
        return (Id(possible), possible.GetProperty("certaintyReason").GetString()!, Id(certain));
    }

    [Fact]
    public async Task A_conflict_shows_how_sure_it_is_and_why_and_the_board_filters_by_certainty_from_the_keyboard()
    {
        var (possibleId, reason, certainId) = await ConflictsAsync();
        await using var web = await OpenAsync();
        var page = web.Page;
        var found = new List<string>();

        // The conflict's own page: the badge, and the reason in words.
        await web.GotoAsync($"/?view=conflicts&conflict={possibleId}");
        var possible = page.Locator($"#conflict-{possibleId}");
        await Expect(possible.Locator(".conflict-certainty .badge")).ToHaveTextAsync("possible");
        await Expect(possible.Locator(".certainty-reason")).ToHaveTextAsync($"Possible, not certain: {reason}");
        // Why it is only possible shows on the sides too: one count is dated by its report, the other by nothing.
        await Expect(possible.Locator(".side dd.as-of")).ToHaveTextAsync(
            ["2 September 2024, from the report’s date", "undated: neither the claim nor its reports give a date"]);
        found.AddRange(await AxeAsync(page, "a possible conflict"));

        await web.GotoAsync($"/?view=conflicts&conflict={certainId}");
        await Expect(page.Locator($"#conflict-{certainId} .conflict-certainty .badge")).ToHaveTextAsync("certain");
        await Expect(page.Locator($"#conflict-{certainId} .certainty-reason")).ToHaveTextAsync("The two cannot both be true.");

        // The board shows both until the filter narrows it; the filter is labelled and works with Tab and Enter.
        await web.GotoAsync("/?view=conflicts");
        await Expect(page.Locator($"#conflict-{possibleId} .conflict-certainty .badge")).ToHaveTextAsync("possible");
        await Expect(page.Locator($"#conflict-{certainId} .conflict-certainty .badge")).ToHaveTextAsync("certain");
        var filter = page.GetByRole(AriaRole.Navigation, new() { Name = "Certainty" });
        await Expect(filter.GetByRole(AriaRole.Link, new() { Name = "Certain and possible" })).ToHaveAttributeAsync("aria-current", "page");
        await FocusTopAsync(page);
        await TabToAsync(page, filter.GetByRole(AriaRole.Link, new() { Name = "Possible only" }));
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("conflicts");
        await Expect(page).ToHaveURLAsync(new Regex("view=conflicts&certainty=possible$"));
        await Expect(page.Locator($"#conflict-{possibleId}")).ToBeVisibleAsync();
        await Expect(page.Locator($"#conflict-{certainId}")).ToHaveCountAsync(0);
        Assert.All(await page.Locator(".conflict-certainty .badge").AllTextContentsAsync(), b => Assert.Equal("possible", b));
        await Expect(page.Locator("#conflicts-count")).ToContainTextAsync("possible open conflict");
        await Expect(filter.GetByRole(AriaRole.Link, new() { Name = "Possible only" })).ToHaveAttributeAsync("aria-current", "page");
        found.AddRange(await AxeAsync(page, "conflicts board, possible only"));
        await web.ScreenshotAsync("conflicts-possible");

        await FocusTopAsync(page);
        await TabToAsync(page, filter.GetByRole(AriaRole.Link, new() { Name = "Certain only" }));
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("conflicts");
        await Expect(page).ToHaveURLAsync(new Regex("certainty=certain$"));
        await Expect(page.Locator($"#conflict-{certainId}")).ToBeVisibleAsync();
        await Expect(page.Locator($"#conflict-{possibleId}")).ToHaveCountAsync(0);
        Assert.All(await page.Locator(".conflict-certainty .badge").AllTextContentsAsync(), b => Assert.Equal("certain", b));
        // Changing the status keeps the certainty chosen.
        await Expect(page.Locator(".tabs .tab", new() { HasText = "Resolved" })).ToHaveAttributeAsync("href", "/?view=conflicts&status=resolved&certainty=certain");
        found.AddRange(await WalkAsync(page, "conflicts board, certain only"));

        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task A_claim_card_shows_its_as_of_time_attribution_chain_expression_whole_and_supporters()
    {
        var curator = await api.CuratorClientAsync();
        var agency = $"Invented Press {Samples.Unique()}";
        var gazetteVoice = $"Invented Ministry {Samples.Unique()}";
        await curator.CreateSubjectAsync(agency);
        await curator.CreateSubjectAsync(gazetteVoice);
        var raid = $"Invented raid {Samples.Unique()}";
        await curator.CreateSubjectAsync(raid);
        var post = $"Invented Post {Samples.Unique()}";
        var paper = await ReportAsync(curator,
            "(Invented) Ninety people were killed in the raid. Invented Press, citing a senior invented official, said more than 40 of them were fighters.",
            "2024-09", post);
        var gazette = await ReportAsync(curator, "(Invented) The ministry said 90 people died in the raid.", "2024-09-21", $"Invented Gazette {Samples.Unique()}");

        async Task<JsonElement> ClaimAsync(object body) => await (await curator.PostJsonAsync("/claims", body)).ReadJsonAsync(HttpStatusCode.Created);
        var whole = await ClaimAsync(new { subject = raid, property = "killed", value = Count(90, "people"), evidence = Evidence(paper.Id, "Ninety people were killed") });
        await ClaimAsync(new { subject = raid, property = "killed", value = Count(90, "people"), assertedBy = gazetteVoice, evidence = Evidence(gazette.Id, "90 people died") });
        var part = await ClaimAsync(new
        {
            subject = raid, property = "killed", value = new { kind = "quantity", expression = "more than 40", unit = "people" },
            evidence = Evidence(paper.Id, "more than 40 of them were fighters"), partOf = Id(whole),
            attribution = new object[] { new { subject = agency }, new { anonymous = "a senior invented official" } },
        });
        Assert.Equal("published", part.GetProperty("asOf").GetProperty("basis").GetString());

        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={paper.Id}&claim={Id(part)}");
        var card = page.Locator($"#claim-panel .claim-card[data-claim-id='{Id(part)}']");
        await Expect(card.Locator(".value-main")).ToHaveTextAsync("at least 41 people");
        await Expect(card.Locator(".value-expression")).ToContainTextAsync("Stated as: more than 40");
        await Expect(card.Locator("dd.as-of")).ToHaveTextAsync("September 2024, from the report’s date");
        await Expect(card.Locator("dd.attribution")).ToHaveTextAsync($"{post}, citing {agency}, citing a senior invented official (unnamed source)");
        await Expect(card.Locator(".voice-anonymous")).ToHaveTextAsync("a senior invented official (unnamed source)");
        await Expect(card.Locator("dd.asserted-by")).ToHaveTextAsync("a senior invented official");
        await Expect(card.Locator("dd.part-of")).ToHaveTextAsync($"the whole: 90 people (claim {Id(whole)})");
        await Expect(card.Locator(".conflicts")).ToHaveCountAsync(0);
        var found = await AxeAsync(page, "reader, a part's claim card");
        await web.ScreenshotAsync("claim-card-judgments", fullPage: false);

        // The whole, one link away: two voices support it, named.
        await card.Locator("dd.part-of a.whole-link").ClickAsync();
        await web.ViewReadyAsync("reader");
        var wholeCard = page.Locator($"#claim-panel .claim-card[data-claim-id='{Id(whole)}']");
        await Expect(wholeCard.Locator(".value-main")).ToHaveTextAsync("90 people");
        await Expect(wholeCard.Locator(".support-count strong")).ToHaveTextAsync("2 independent voices");
        var supporters = await wholeCard.Locator(".supporters .supporter").AllTextContentsAsync();
        Assert.Equal([gazetteVoice, post], supporters.Order());
        await Expect(wholeCard.Locator("dd.part-of")).ToHaveCountAsync(0);
        await Expect(wholeCard.Locator("dd.attribution")).ToHaveCountAsync(0);

        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task A_wire_copy_says_whose_story_it_republishes_with_a_link_to_the_original()
    {
        var curator = await api.CuratorClientAsync();
        var wire = $"Invented Wire Service {Samples.Unique()}";
        await curator.CreateSubjectAsync(wire);
        var original = await ReportAsync(curator, "(Invented) BAGHDAD - About 2,500 US troops remain in Iraq, officials said.", "2024-09-18", wire);
        var copy = await ReportAsync(curator, "(Invented) BAGHDAD (Wire) - About 2,500 US troops remain in Iraq, officials said.", "2024-09-18",
            "Invented Daily", republishesSourceId: original.Id);
        var credited = await ReportAsync(curator, "(Invented) About 2,500 US troops remain in Iraq, the wire reported.", "2024-09-19",
            "Invented Gazette", republishesAgency: wire);

        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={credited.Id}");
        await Expect(page.Locator(".article-head .republishes")).ToHaveTextAsync(
            $"A copy of a story by {wire} (not stored here); what it says in its own voice counts as the agency’s voice.");

        await web.GotoAsync($"/?view=reader&source={copy.Id}");
        var line = page.Locator(".article-head .republishes");
        await Expect(line).ToContainTextAsync($"A copy of {original.Title}");
        var found = await AxeAsync(page, "reader, a wire copy");
        await FocusTopAsync(page);
        await TabToAsync(page, line.GetByRole(AriaRole.Link, new() { Name = original.Title }));
        await page.Keyboard.PressAsync("Enter");
        await web.ViewReadyAsync("reader");
        await Expect(page.Locator("#article-title")).ToHaveTextAsync(original.Title);
        await Expect(page.Locator(".article-head .republishes")).ToHaveCountAsync(0);

        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_figure_look_up_labels_each_claim_states_or_admits_and_sets_the_admitting_ones_back()
    {
        var world = await World.CreateAsync(api);
        var report = await ReportAsync(world.Curator, "(Invented) Officials put the force at 6,130 soldiers; a think tank said about 6,000.", "2024-09-21", "Invented Monitor");
        var states = await world.CreateClaimAsync(("value", Count(6130, "soldiers")), ("evidence", Evidence(report.Id, "6,130 soldiers")));
        var admits = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 6000, approximation = "approximate", unit = "soldiers" }),
            ("assertedBy", world.Asserter), ("evidence", Evidence(report.Id, "about 6,000")));

        await using var web = await OpenAsync();
        var page = web.Page;
        await web.GotoAsync("/?view=figures&value=6130");
        var claims = page.Locator(".figure-claim");
        await Expect(claims).ToHaveCountAsync(2);
        Assert.Equal([Id(states).ToString(), Id(admits).ToString()],
            await claims.EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.claimId)"));
        await Expect(claims.Nth(0)).ToHaveAttributeAsync("data-how", "states");
        await Expect(claims.Locator(".figure-how .badge")).ToHaveTextAsync(["states", "admits"]);
        await Expect(claims.Locator(".figure-how")).ToHaveTextAsync(["states It states 6,130.", "admits Its range only admits 6,130; it does not state it."]);
        await Expect(claims.Nth(1)).ToHaveAttributeAsync("data-how", "admits");
        await Expect(claims.Nth(1).Locator(".value-main")).ToHaveTextAsync("about 6,000 soldiers");

        // Visibly secondary: set in from the claim that states it, on a ground of its own, in smaller type.
        var stating = (await claims.Nth(0).BoundingBoxAsync())!;
        var admitting = (await claims.Nth(1).BoundingBoxAsync())!;
        Assert.True(admitting.X > stating.X + 10, $"states at x={stating.X}, admits at x={admitting.X}");
        var sizes = await claims.Locator(".value-main").EvaluateAllAsync<double[]>("es => es.map(e => parseFloat(getComputedStyle(e).fontSize))");
        Assert.True(sizes[1] < sizes[0], $"value sizes {string.Join(", ", sizes)}");
        var ground = await claims.Nth(1).EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor");
        Assert.NotEqual("rgba(0, 0, 0, 0)", ground);

        var found = await AxeAsync(page, "figure look-up, states and admits");
        await web.ScreenshotAsync("figures-admits");
        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }
}
