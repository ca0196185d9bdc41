using ClaimTracker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static ClaimTracker.Tests.Browser.AccessibilityTests;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// The reconciled figure on a quantity claim's card: the lowest, the highest and the consensus of the reports, with
/// their voices and passages. Every report here is INVENTED (outlets and figures alike), written through the API by the test.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReconciledPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private static async Task<long> ReportAsync(HttpClient curator, string body, string outlet) =>
        (await curator.CreateSourceAsync(Samples.Source(body: $"{body} [{Samples.Unique()}]", outlet: outlet, published: "2024-09-20")))
        .GetProperty("id").GetInt64();

    [Fact]
    public async Task A_quantity_claims_card_shows_the_lowest_the_highest_and_the_consensus_with_their_passages()
    {
        var world = await World.CreateAsync(api);
        var herald = $"Invented Herald {Samples.Unique()}";
        var first = await ReportAsync(world.Curator, "(Invented) The US has 2,500 troops in Iraq, officials said.", herald);
        var second = await ReportAsync(world.Curator, "(Invented) Some 2,500 US troops are in Iraq.", $"Invented Courier {Samples.Unique()}");
        var third = await ReportAsync(world.Curator, "(Invented) A lawmaker said 3,000 US troops remain.", $"Invented Tribune {Samples.Unique()}");
        async Task<long> ClaimAsync(long source, decimal amount, string exact) =>
            (await world.CreateClaimAsync(("value", new { kind = "quantity", amount, unit = "troops" }),
                ("evidence", new[] { new { sourceId = source, exact } }))).GetProperty("id").GetInt64();
        var claim = await ClaimAsync(first, 2500, "2,500 troops");
        await ClaimAsync(second, 2500, "2,500 US troops");
        await ClaimAsync(third, 3000, "3,000 US troops remain");

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={first}&claim={claim}");
        var panel = page.Locator($"#claim-panel .claim-card[data-claim-id='{claim}'] section.reconciled");

        await Expect(panel.Locator("h4")).ToHaveTextAsync("Reconciled figure");
        await Expect(panel.Locator(".reconciled-lowest .reconciled-amount")).ToHaveTextAsync("2,500 troops");
        await Expect(panel.Locator(".reconciled-highest .reconciled-amount")).ToHaveTextAsync("3,000 troops");
        await Expect(panel.Locator(".reconciled-highest .reconciled-voices")).ToHaveTextAsync(" · 1 independent voice stating it");
        await Expect(panel.Locator(".reconciled-consensus .reconciled-amount")).ToHaveTextAsync("2,500 troops");
        await Expect(panel.Locator(".reconciled-consensus .reconciled-voices")).ToHaveTextAsync(" · 2 independent voices supporting it");
        await Expect(panel.Locator(".reconciled-over")).ToHaveTextAsync("Over 3 claims in 3 independent voices · 2024-09");
        await Expect(panel.Locator(".reconciled-tie")).ToHaveCountAsync(0);

        // The passages behind the consensus, one click away.
        await panel.Locator(".reconciled-consensus summary").ClickAsync();
        var passages = panel.Locator(".reconciled-consensus .reconciled-passage");
        await Expect(passages).ToHaveCountAsync(2);
        await Expect(passages.First).ToBeVisibleAsync();
        await Expect(passages.Locator("q")).ToHaveTextAsync(["2,500 troops", "2,500 US troops"]);
        await Expect(passages.First.Locator("strong")).ToHaveTextAsync(herald);

        var found = await AxeAsync(page, "reader, a claim card with its reconciled figure");
        await web.ScreenshotAsync("claim-card-reconciled", fullPage: false);
        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task A_tie_is_shown_as_a_tie()
    {
        var world = await World.CreateAsync(api);
        var a = await ReportAsync(world.Curator, "(Invented) Officials said 2,500 troops.", $"Invented Globe {Samples.Unique()}");
        var b = await ReportAsync(world.Curator, "(Invented) Officials said 3,000 troops.", $"Invented Star {Samples.Unique()}");
        var claim = (await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit = "troops" }),
            ("evidence", new[] { new { sourceId = a, exact = "2,500 troops" } }))).GetProperty("id").GetInt64();
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, unit = "troops" }),
            ("evidence", new[] { new { sourceId = b, exact = "3,000 troops" } }));

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        await web.GotoAsync($"/?view=reader&source={a}&claim={claim}");
        var panel = web.Page.Locator($"#claim-panel .claim-card[data-claim-id='{claim}'] section.reconciled");

        await Expect(panel.Locator(".reconciled-tie")).ToContainTextAsync("as many voices support 3,000 troops");
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_card_says_which_unit_is_weighed_and_switches_to_another_unit_of_the_period()
    {
        var world = await World.CreateAsync(api);
        // INVENTED: a wire brief that counts troops and contractors, and a ministry's statement in "service members".
        var brief = await ReportAsync(world.Curator,
            "(Invented) BAGHDAD (Invented Wire) - About 2,500 US troops and some 900 contractors remain in Iraq, two US officials said.",
            $"Invented Wire {Samples.Unique()}");
        var statement = await ReportAsync(world.Curator,
            "(Invented) The Department has 3,000 service members deployed to Iraq in support of the coalition mission.",
            $"Invented Defense Department {Samples.Unique()}");
        async Task<long> ClaimAsync(long source, decimal amount, string unit, string exact) =>
            (await world.CreateClaimAsync(("value", new { kind = "quantity", amount, unit }),
                ("evidence", new[] { new { sourceId = source, exact } }))).GetProperty("id").GetInt64();
        var troops = await ClaimAsync(brief, 2500, "troops", "About 2,500 US troops");
        var contractors = await ClaimAsync(brief, 900, "contractors", "some 900 contractors");
        await ClaimAsync(statement, 3000, "service members", "3,000 service members");

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        await web.GotoAsync($"/?view=reader&source={brief}&claim={troops}");
        var panel = page.Locator($"#claim-panel .claim-card[data-claim-id='{troops}'] section.reconciled");

        // The troops and the service members, never the contractors.
        await Expect(panel.Locator(".reconciled-unit")).ToHaveTextAsync("Weighed in troops (also written service members)");
        await Expect(panel.Locator(".reconciled-lowest .reconciled-amount")).ToHaveTextAsync("2,500 troops");
        await Expect(panel.Locator(".reconciled-highest .reconciled-amount")).ToHaveTextAsync("3,000 troops");
        await Expect(panel.Locator(".reconciled-units")).ToHaveTextAsync("Also counted in: contractors (1 claim)");

        var found = await AxeAsync(page, "reader, a reconciled figure with another unit to switch to");
        await panel.ScrollIntoViewIfNeededAsync();
        await web.ScreenshotAsync("claim-card-reconciled-units", fullPage: false);
        await panel.Locator(".reconciled-switch").ClickAsync();

        await Expect(panel.Locator(".reconciled-unit")).ToHaveTextAsync("Weighed in contractors");
        await Expect(panel.Locator(".reconciled-lowest .reconciled-amount")).ToHaveTextAsync("900 contractors");
        await Expect(panel.Locator(".reconciled-highest .reconciled-amount")).ToHaveTextAsync("900 contractors");
        await Expect(panel.Locator(".reconciled-over")).ToHaveTextAsync("Over 1 claim in 1 independent voice · 2024-09");
        await Expect(panel.Locator(".reconciled-units")).ToHaveTextAsync("Also counted in: troops (2 claims)");
        // The button pressed is gone: the focus is on the unit now weighed, not lost to the page.
        await Expect(panel.Locator(".reconciled-unit")).ToBeFocusedAsync();

        // And back again, from the keyboard.
        await panel.Locator(".reconciled-switch").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(panel.Locator(".reconciled-unit")).ToHaveTextAsync("Weighed in troops (also written service members)");

        // A contractor claim's own card weighs the contractors from the start.
        await web.GotoAsync($"/?view=reader&source={brief}&claim={contractors}");
        var own = page.Locator($"#claim-panel .claim-card[data-claim-id='{contractors}'] section.reconciled");
        await Expect(own.Locator(".reconciled-unit")).ToHaveTextAsync("Weighed in contractors");
        await Expect(own.Locator(".reconciled-consensus .reconciled-amount")).ToHaveTextAsync("900 contractors");

        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }
}
