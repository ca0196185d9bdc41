using ClaimTracker.Api.Curators;
using ClaimTracker.Tests.Infrastructure;
using ClaimTracker.Tests.Sources;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static ClaimTracker.Tests.Browser.AccessibilityTests;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// A proposed wire copy on the reader: the INVENTED agency story and newspaper copy of <see cref="SourceCopiesTests"/>,
/// shown to a reader as a possible copy and confirmed by a curator from the page.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CopyPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_curator_confirms_a_proposed_copy_on_the_reader_and_the_page_then_names_its_original()
    {
        var key = await ApiKeys.CreateAsync(api.Db, $"curator-{Guid.NewGuid():N}");
        var curator = api.CreateClient();
        curator.DefaultRequestHeaders.Authorization = new("Bearer", key.Key);
        var tag = $" [{Samples.Unique()}]";
        var agency = await curator.CreateSourceAsync(Samples.Source(body: SourceCopiesTests.Agency + tag, outlet: "Invented Agency", published: "2025-03-10"));
        var copy = await curator.CreateSourceAsync(Samples.Source(body: SourceCopiesTests.Copy + tag, outlet: "Invented Daily", published: "2025-03-11"));
        var agencyTitle = agency.GetProperty("title").GetString()!;
        var copyId = copy.GetProperty("id").GetInt64();

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        // A reader sees the proposal, without the buttons.
        await web.GotoAsync($"/?view=reader&source={copyId}");
        var proposal = page.Locator($".copies #copy-{agency.GetProperty("id").GetInt64()}");
        await Expect(proposal).ToContainTextAsync($"This text looks like a copy of {agencyTitle}");
        await Expect(proposal.Locator(".copy-passage")).ToContainTextAsync("We are not leaving");
        await Expect(proposal.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        await web.EnterKeyAsync(key.Key);
        await web.GotoAsync($"/?view=reader&source={copyId}");
        var found = await AxeAsync(page, "reader, a proposed copy with a curator's buttons");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Confirm the copy" }).ClickAsync();
        await web.ViewReadyAsync("reader");
        await Expect(page.Locator(".flash")).ToContainTextAsync("the two count as one voice");
        await Expect(page.Locator(".article-head .republishes")).ToContainTextAsync($"A copy of {agencyTitle}");
        await Expect(page.Locator(".copies")).ToHaveCountAsync(0);
        var stored = await api.CreateClient().GetJsonAsync($"/sources/{copyId}");
        Assert.Equal(agency.GetProperty("id").GetInt64(), stored.GetProperty("republishes").GetProperty("sourceId").GetInt64());
        Assert.True(found.Count == 0, string.Join("\n", found));
        web.AssertNoErrors();
    }
}
