using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Browser;

/// <summary>The API reference page (/docs) under its policy: no 'unsafe-inline', and it still renders.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ReferencePageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_reference_page_renders_styled_with_no_script_or_stylesheet_refused_by_its_policy()
    {
        await using var page = await chromium.OpenAsync(api.CreateDefaultClient().BaseAddress!);

        var response = await page.Page.GotoAsync("/docs/");
        await page.Page.Locator("h1", new() { HasText = "ClaimTracker API" }).First.WaitForAsync();
        await page.Page.GetByText("Add a source (an article) with its full text").First.WaitForAsync();

        Assert.DoesNotContain("unsafe-inline", response!.Headers["content-security-policy"]);
        // Scalar's own stylesheets applied (allowed by their hashes): its layout is a grid, not the browser's default flow.
        Assert.True(await page.Page.EvaluateAsync<int>("document.styleSheets.length") >= 3, "Scalar's stylesheets were not applied.");
        await page.ScreenshotAsync("reference-page", fullPage: false);
        // Inline style attributes are refused (no 'unsafe-inline'); nothing else may be.
        page.AssertNoErrors(expected: m => m.Contains("Applying inline style") && m.Contains("style attributes"));
    }
}
