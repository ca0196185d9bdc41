using ClaimTracker.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>The reader after a correction: it shows the revision and where each passage stands in it.</summary>
[Trait("Category", "EndToEnd")]
public sealed class RevisionPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_reader_shows_the_revision_and_draws_fuzzy_passages_apart_and_lists_orphans()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        string Text(params string[] paragraphs) => string.Join("\n\n", [$"Correction test {u}.", .. paragraphs]);
        var source = await curator.CreateSourceAsync(Samples.Source(body: Text(
            "Seven US troops were wounded in a raid on August 29.", "Officials said “at no point” was a withdrawal discussed.", "The figure is 2,500 troops.")));
        var id = source.GetProperty("id").GetInt64();
        await curator.CreatePassageAsync(id, new { exact = "Seven US troops were wounded in a raid on August 29" });
        await curator.CreatePassageAsync(id, new { exact = "“at no point” was a withdrawal discussed" });
        await curator.CreatePassageAsync(id, new { exact = "The figure is 2,500 troops" });
        await (await curator.PostJsonAsync($"/sources/{id}/revisions", new
        {
            body = Text("Seven US soldiers were wounded in a raid on August 29.", "The figure is 2,500 troops."),
        })).ReadJsonAsync(System.Net.HttpStatusCode.Created);

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        await web.GotoAsync($"/?view=reader&source={id}");
        await web.ViewReadyAsync("reader");
        var page = web.Page;

        await Expect(page.Locator(".revision-note")).ToContainTextAsync("Revision 2 of this text");
        await Expect(page.Locator(".revision-note")).ToContainTextAsync("1 moved, 1 fuzzy, 1 orphaned");
        await Expect(page.Locator("mark.hl-fuzzy")).ToHaveTextAsync("Seven US soldiers were wounded in a raid on August 29");
        await Expect(page.Locator(".orphans li")).ToHaveTextAsync("“at no point” was a withdrawal discussed");
        var shot = await web.ScreenshotAsync("reader-revision");
        Assert.InRange(new FileInfo(shot).Length, 10_000, 5_000_000);
        web.AssertNoErrors();
    }

    [Fact]
    public async Task The_reader_lists_ambiguous_passages_apart_and_counts_them_for_review()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        // Invented text: a name said twice, the quoted remark removed by the correction.
        string Text(params string[] paragraphs) => string.Join("\n\n", [$"Correction test {u}.", .. paragraphs]);
        const string other = "Asked about the rocket attacks, Sudani said his government would hold the perpetrators to account.";
        var source = await curator.CreateSourceAsync(Samples.Source(body: Text(
            "Sudani said the talks had not touched on a timetable for the departure of US forces.", other)));
        var id = source.GetProperty("id").GetInt64();
        await curator.CreatePassageAsync(id, new { exact = "Sudani said", suffix = " the talks" });
        await (await curator.PostJsonAsync($"/sources/{id}/revisions", new { body = Text(other) }))
            .ReadJsonAsync(System.Net.HttpStatusCode.Created);

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        await web.GotoAsync($"/?view=reader&source={id}");
        await web.ViewReadyAsync("reader");
        var page = web.Page;

        await Expect(page.Locator(".revision-note")).ToContainTextAsync("Passages: 1 ambiguous. 1 passage needs review.");
        await Expect(page.Locator(".ambiguous-passages")).ToContainTextAsync("could not be placed with certainty in this revision (ambiguous, needs review)");
        await Expect(page.Locator(".ambiguous-passages li")).ToHaveTextAsync("Sudani said");
        await Expect(page.Locator("#article-text mark.hl")).ToHaveCountAsync(0);
        await web.ScreenshotAsync("reader-ambiguous", fullPage: false);
        web.AssertNoErrors();
    }
}
