using System.Text.RegularExpressions;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// The web page over the seed corpus, as a reader uses it: nothing here writes, so every test sees the seed as
/// shipped (the curating tests have a database of their own).
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReadingPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private const string April = "No Sign of US Withdrawal from Iraq After PM Visits Washington";
    private const string September = "Iraqi PM Says End Date for US-Led Anti-ISIS Coalition Will Be Announced Soon";

    private Task<WebPage> OpenAsync(int width = 1280, int height = 900) =>
        chromium.OpenAsync(api.CreateClient().BaseAddress!, width, height);

    private async Task<long> SourceIdAsync(string title)
    {
        var sources = await api.CreateClient().GetJsonAsync("/sources?limit=200");
        return sources.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("title").GetString() == title).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Looking_up_2500_from_the_start_page_lists_both_seed_articles_with_their_passages()
    {
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Which reports support a figure?" })).ToBeVisibleAsync();
        await web.ScreenshotAsync("home");
        await page.GetByLabel("A figure to look up").FillAsync("2,500");
        await page.GetByLabel("A figure to look up").PressAsync("Enter");
        await web.ViewReadyAsync("figures");

        await Expect(page).ToHaveURLAsync(new Regex(@"view=figures&value=2%2C500$"));
        await Expect(page.Locator(".result-summary")).ToContainTextAsync("2 articles support 2,500");
        await Expect(page.Locator(".figure-source-title")).ToHaveTextAsync([April, September]);
        var passages = page.Locator(".figure-passage .quote-exact");
        await Expect(passages).ToHaveTextAsync(["The US has about 2,500 troops in Iraq", "the 2,500 troops it has in Iraq"]);
        await Expect(page.Locator(".figure-claim").First).ToContainTextAsync("about 2,500 troops");
        await Expect(page.Locator(".figure-claim").First).ToContainTextAsync("counts as 2,250 to 2,750");
        await Expect(page.Locator(".figure-claim").Nth(1)).ToContainTextAsync("Asserted by Reuters");
        await web.ScreenshotAsync("figures");

        // Written without the comma, it is the same figure.
        await web.GotoAsync("/?view=figures&value=2500");
        await Expect(page.Locator(".figure-source-title")).ToHaveTextAsync([April, September]);
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_start_page_shows_the_open_conflict_and_opens_it_with_both_passages_side_by_side()
    {
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/");
        var panel = page.Locator(".panel-conflicts");
        await Expect(panel.Locator(".big-count")).ToHaveTextAsync("1 open conflict");
        var summary = panel.Locator(".conflict-summary");
        await Expect(summary).ToContainTextAsync("Reuters affirms vs US State Department denies");
        await summary.ClickAsync();
        await web.ViewReadyAsync("conflicts");

        var conflict = page.Locator("article.conflict");
        await Expect(conflict).ToHaveCountAsync(1);
        await Expect(conflict.Locator(".conflict-head h2")).ToHaveTextAsync("US withdrawal from Iraq · position");
        var a = conflict.Locator(".side-a");
        var b = conflict.Locator(".side-b");
        await Expect(a.Locator(".side-who")).ToHaveTextAsync("Reuters");
        await Expect(a.Locator(".stance-word")).ToHaveTextAsync("affirms");
        await Expect(a.Locator(".quote-exact")).ToContainTextAsync("under a withdrawal plan that has yet to be announced");
        await Expect(a.Locator("dd.said")).ToHaveTextAsync("September 2024");
        await Expect(b.Locator(".side-who")).ToHaveTextAsync("US State Department");
        await Expect(b.Locator(".stance-word")).ToHaveTextAsync("denies");
        await Expect(b.Locator(".quote-exact")).ToHaveTextAsync("“at no point” was the idea of a withdrawal being discussed");
        await Expect(b.Locator("dd.said")).ToHaveTextAsync("August 2024");
        await Expect(b.Locator(".source-title")).ToHaveTextAsync(September);

        // Side by side on a desktop: B starts to the right of A, level with it.
        var boxA = (await a.BoundingBoxAsync())!;
        var boxB = (await b.BoundingBoxAsync())!;
        Assert.True(boxB.X > boxA.X + boxA.Width && Math.Abs(boxB.Y - boxA.Y) < 2, $"A at {boxA.X},{boxA.Y}; B at {boxB.X},{boxB.Y}");

        await web.GotoAsync("/?view=conflicts");
        await Expect(page.Locator("article.conflict")).ToHaveCountAsync(1);
        await web.ScreenshotAsync("conflicts");
        web.AssertNoErrors();
    }

    [Fact]
    public async Task A_highlighted_passage_opens_its_claim_card_with_precision_asserter_and_corroboration()
    {
        var april = await SourceIdAsync(April);
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync($"/?view=reader&source={april}");
        await Expect(page.Locator("#article-title")).ToHaveTextAsync(April);
        // The text is drawn exactly, typographic quotes and no-break space included.
        var text = await page.Locator("#article-text").TextContentAsync();
        var body = (await api.CreateClient().GetJsonAsync($"/sources/{april}")).GetProperty("body").GetString();
        Assert.Equal(body, text);

        // Keyboard: the highlight is a tab stop, and Enter opens its card.
        var mark = page.Locator("mark.hl[tabindex='0']", new() { HasText = "The US has about 2,500 troops in Iraq" });
        await Expect(mark).ToHaveTextAsync("The US has about 2,500 troops in Iraq");
        await mark.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        var card = page.Locator("#claim-panel .claim-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(mark).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(card.Locator(".claim-about")).ToHaveTextAsync("US forces in Iraq · troop count");
        await Expect(card.Locator(".value-main")).ToHaveTextAsync("about 2,500 troops");
        await Expect(card.Locator(".value-precision")).ToHaveTextAsync("approximate (±10%): counts as 2,250 to 2,750");
        await Expect(card.Locator("dd.asserted-by")).ToHaveTextAsync("Antiwar.com (own voice)");
        await Expect(card).ToContainTextAsync("verified, rank normal");
        var corroboration = card.Locator(".corroboration");
        // A troop count holds as of its report: April's "about 2,500" and September's 2,500 (Reuters) are two counts
        // five months apart, not one fact twice (docs/conflicts.md, as-of times).
        await Expect(corroboration.Locator(".support-count")).ToContainTextAsync("1 independent voice: Antiwar.com");
        await Expect(corroboration.Locator(".agreeing-claim")).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(new Regex(@"view=reader&source=\d+&passage=\d+"));
        await web.ScreenshotAsync("reader");

        // Space works as well, and a claim in the other article shows its conflict.
        var september = await SourceIdAsync(September);
        await web.GotoAsync($"/?view=reader&source={september}");
        var denial = page.Locator("mark.hl-conflict[tabindex='0']", new() { HasText = "was the idea of a withdrawal being discussed" });
        await denial.FocusAsync();
        await page.Keyboard.PressAsync(" ");
        await Expect(card.Locator(".stance-word")).ToHaveTextAsync("denies");
        await Expect(card.Locator(".conflicts")).ToContainTextAsync("Reuters: affirms that a US withdrawal from Iraq was under discussion");
        await Expect(card.Locator(".conflicts")).ToContainTextAsync("Conflict");
        web.AssertNoErrors();
    }

    [Fact]
    public async Task At_phone_width_every_view_fits_the_screen_and_the_claim_card_opens_over_the_text()
    {
        var april = await SourceIdAsync(April);
        await using var web = await OpenAsync(375, 740);
        var page = web.Page;

        foreach (var (url, name) in new[] { ("/", "home-phone"), ("/?view=conflicts", "conflicts-phone"), ("/?view=claims", null),
                     ("/?view=timeline", null), ("/?view=figures&value=2500", null) })
        {
            await web.GotoAsync(url);
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{url} is {overflow}px wider than a 375px screen");
            if (name is not null) await web.ScreenshotAsync(name);
        }

        await web.GotoAsync($"/?view=reader&source={april}");
        await page.Locator("mark.hl", new() { HasText = "The US has about 2,500 troops in Iraq" }).ClickAsync();
        var panel = page.Locator("#claim-panel");
        await Expect(panel.Locator(".value-main")).ToHaveTextAsync("about 2,500 troops");
        Assert.Equal("fixed", await panel.EvaluateAsync<string>("e => getComputedStyle(e).position"));
        var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(scrollWidth <= 375, $"the reader is {scrollWidth}px wide");
        await web.ScreenshotAsync("reader-phone", fullPage: false);
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_claims_table_reads_its_filters_from_the_url_and_counts_each_facet()
    {
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/?view=claims&property=troop_count&subject=US%20forces%20in%20Iraq");

        await Expect(page.Locator("#claims-count")).ToHaveTextAsync("2 claims match");
        await Expect(page.Locator(".active-filters")).ToContainTextAsync("property: troop count");
        await Expect(page.Locator(".active-filters")).ToContainTextAsync("subject: US forces in Iraq");
        var rows = page.Locator(".claims-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.Locator(".value-main-sm")).ToHaveTextAsync(["about 2,500 troops", "2,500 troops"]);
        await Expect(rows.Locator(".cell-asserter")).ToHaveTextAsync(["Antiwar.com (own voice)", "Reuters"]);
        await Expect(Facet(page, "property", "troop count")).ToHaveTextAsync("troop count2");
        await Expect(Facet(page, "property", "troop count")).ToHaveAttributeAsync("aria-current", "true");
        await Expect(Facet(page, "source", April)).ToContainTextAsync("1");
        await Expect(Facet(page, "source", September)).ToContainTextAsync("1");
        await Expect(Facet(page, "asserted_by", "Reuters")).ToHaveTextAsync("Reuters1");
        await Expect(Facet(page, "asserted_by", "the source's own voice")).ToHaveTextAsync("the source's own voice1");
        await Expect(Facet(page, "status", "verified")).ToHaveTextAsync("verified2");
        await web.ScreenshotAsync("claims");

        // A facet value is a link: choosing one narrows the table and the URL says so.
        await Facet(page, "asserted_by", "Reuters").ClickAsync();
        await web.ViewReadyAsync("claims");
        await Expect(page).ToHaveURLAsync(new Regex("asserted_by=\\d+"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(page.Locator("#claims-count")).ToHaveTextAsync("1 claim match");

        // Free text search, from the URL as well.
        await web.GotoAsync("/?view=claims&q=withdrawal&asserted_by=Reuters");
        await Expect(page.Locator("#claims-q")).ToHaveValueAsync("withdrawal");
        await Expect(rows.First).ToBeVisibleAsync();
        Assert.All(await rows.Locator(".cell-asserter").AllTextContentsAsync(), a => Assert.Equal("Reuters", a));
        web.AssertNoErrors();
    }

    private static ILocator Facet(IPage page, string facet, string label) =>
        page.Locator($".facet[data-facet='{facet}'] .facet-value").Filter(new() { Has = page.Locator(".facet-label", new() { HasTextRegex = new Regex($"^{Regex.Escape(label)}$") }) });

    [Fact]
    public async Task The_timeline_lists_the_seed_events_in_order_and_draws_months_as_months()
    {
        await using var web = await OpenAsync();
        var page = web.Page;

        await web.GotoAsync("/?view=timeline&subject=US%20military%20presence%20in%20Iraq");

        var items = page.Locator(".tl-item");
        await Expect(items.Locator(".tl-label")).ToHaveTextAsync(
            ["2003", "2014", "2020", "January 2024", "April 2024", "July 2024", "29 August 2024", "September 2025", "September 2026"]);
        await Expect(items.Locator(".tl-label")).ToHaveCountAsync(9);

        var withdrawal = items.Filter(new() { HasText = "September 2026" });
        await Expect(withdrawal).ToHaveAttributeAsync("data-precision", "month");
        await Expect(withdrawal.Locator(".tl-modifier")).ToHaveTextAsync("by");
        await Expect(withdrawal.Locator(".tl-precision")).ToHaveTextAsync("month precision");
        // The month is one whole cell of its year's twelve, with the months before it shaded for "by".
        await Expect(withdrawal.Locator(".cell")).ToHaveCountAsync(12);
        await Expect(withdrawal.Locator(".cell.is-period")).ToHaveTextAsync("S");
        await Expect(withdrawal.Locator(".cell.is-lead")).ToHaveCountAsync(8);
        await Expect(withdrawal.Locator(".tl-strip")).ToHaveAttributeAsync("aria-label", "by September 2026: the whole month, not its first day");
        await Expect(withdrawal).ToContainTextAsync("past due");

        var tower22 = items.Filter(new() { HasText = "Tower 22 drone attack" });
        await Expect(tower22.Locator(".tl-label")).ToHaveTextAsync("January 2024");
        await Expect(tower22.Locator(".cell.is-period")).ToHaveTextAsync("J");
        var raid = items.Filter(new() { HasText = "29 August 2024" });
        await Expect(raid).ToHaveAttributeAsync("data-precision", "day");
        await Expect(raid.Locator(".cell")).ToHaveCountAsync(31);

        // No month is ever written as its first day.
        var all = string.Join("\n", await items.AllInnerTextsAsync());
        Assert.DoesNotMatch(new Regex(@"\b1 (January|April|July|September) 20\d\d|20\d\d-\d\d-01"), all);
        await web.ScreenshotAsync("timeline");
        web.AssertNoErrors();
    }
}
