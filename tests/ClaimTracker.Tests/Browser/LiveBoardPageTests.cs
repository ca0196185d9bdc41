using ClaimTracker.Api.Changes;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Browser;

/// <summary>The open conflicts board stays current: a conflict that opens while it is shown is put on top and announced.</summary>
[Trait("Category", "EndToEnd")]
public sealed class LiveBoardPageTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    [Fact]
    public async Task A_conflict_that_opens_while_the_board_is_shown_appears_on_top_and_is_announced()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();

        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        await web.GotoAsync("/?view=conflicts");
        await web.ViewReadyAsync("conflicts");
        // The board's stream is open (and its first look at the board done) before the conflict opens, so only the
        // stream's conflict event can bring it.
        var streams = api.Services.GetRequiredService<ChangeStreams>();
        for (var wait = 0; wait < 100 && streams.Open == 0; wait++) await Task.Delay(100);
        Assert.Equal(1, streams.Open);
        await Task.Delay(1_000);

        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));
        var conflictId = b.GetProperty("conflicts")[0].GetProperty("id").GetInt64();

        var page = web.Page;
        var added = page.Locator($"article#conflict-{conflictId}");
        await Expect(added).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("is-new"), new() { Timeout = 15_000 });
        await Expect(added.Locator(".badge-new")).ToHaveTextAsync("new");
        await Expect(page.Locator(".live-status")).ToHaveTextAsync($"A conflict opened: {world.Subject} · troop count.");
        await Expect(page.Locator("article.conflict").First).ToHaveAttributeAsync("id", $"conflict-{conflictId}");
        web.AssertNoErrors();
    }
}
