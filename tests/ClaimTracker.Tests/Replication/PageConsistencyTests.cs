using System.Collections.Concurrent;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Browser;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// The web page keeps the consistency token of its own latest write and sends it on its reads (wwwroot/js/api.js), so
/// that a standby behind the primary never shows a curator the page as it was before their change.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class PageConsistencyTests(ApiFactory api, Chromium chromium) : IClassFixture<ApiFactory>, IClassFixture<Chromium>
{
    private const string Header = "claimtracker-consistency";

    private async Task<long> ConflictAsync()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));
        return b.GetProperty("conflicts")[0].GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task After_its_own_write_the_page_sends_that_writes_token_on_every_read()
    {
        var conflictId = await ConflictAsync();
        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        var reads = new ConcurrentQueue<IRequest>();
        var writes = new ConcurrentQueue<IResponse>();
        page.Request += (_, request) => { if (request.ResourceType == "fetch" && request.Method == "GET") reads.Enqueue(request); };
        page.Response += (_, response) => { if (response.Request.ResourceType == "fetch" && response.Request.Method != "GET") writes.Enqueue(response); };

        await web.GotoAsync("/?view=conflicts");
        var before = reads.ToList();
        await web.EnterKeyAsync((await ApiKeys.CreateAsync(api.Db, $"page-token-{Samples.Unique()}")).Key);
        var conflict = page.Locator($"#conflict-{conflictId}");
        await conflict.GetByLabel("Note (needed to resolve)").FillAsync("The later count is the better supported.");
        await conflict.GetByRole(AriaRole.Radio, new() { Name = "B:" }).CheckAsync();
        await conflict.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Expect(conflict.Locator(".conflict-meta .badge")).ToHaveTextAsync("resolved");
        var write = Assert.Single(writes);
        var token = await write.HeaderValueAsync(Header);
        var afterWrite = reads.Count;
        await web.GotoAsync("/?view=conflicts&status=resolved");
        var after = reads.Skip(afterWrite).ToList();

        Assert.NotEmpty(before);
        foreach (var read in before) Assert.False((await read.AllHeadersAsync()).ContainsKey(Header), $"{read.Url} sent a token before any write");
        Assert.True(ConsistencyToken.TryParse(token, out _), $"the write's answer carried {Header}: {token}");
        Assert.NotEmpty(after);
        foreach (var read in after) Assert.Equal(token, (await read.AllHeadersAsync()).GetValueOrDefault(Header));
        web.AssertNoErrors();
    }

    [Fact]
    public async Task A_token_this_database_cannot_honour_is_forgotten_and_the_read_made_again_without_it()
    {
        var conflictId = await ConflictAsync();
        await using var web = await chromium.OpenAsync(api.CreateClient().BaseAddress!);
        var page = web.Page;
        var statuses = new ConcurrentQueue<(string Url, int Status, bool Token)>();
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "fetch") statuses.Enqueue((response.Url, response.Status, response.Request.Headers.ContainsKey(Header)));
        };
        await web.GotoAsync("/?view=conflicts");
        // A token kept from a database since replaced (another cluster's system identifier).
        await page.EvaluateAsync("sessionStorage.setItem('claimtracker.consistency', '1-0/1')");

        await web.GotoAsync($"/?view=conflicts&conflict={conflictId}");

        await Expect(page.Locator($"#conflict-{conflictId}")).ToBeVisibleAsync();
        var seen = statuses.ToList();
        Assert.Contains(seen, s => s.Status == 400 && s.Token);
        Assert.Contains(seen, s => s.Status == 200 && !s.Token && s.Url.Contains($"/conflicts"));
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('claimtracker.consistency')"));
        web.AssertNoErrors(apiErrors: true);
    }
}
