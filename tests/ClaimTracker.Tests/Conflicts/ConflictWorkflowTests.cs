using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Conflicts;

public sealed class ConflictWorkflowTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    private async Task<(World World, long A, long B, long Conflict)> ConflictAsync()
    {
        var world = await World.CreateAsync(api);
        var a = await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("assertedBy", world.Asserter),
            ("evidence", world.Evidence("3,000 US troops remained")));
        return (world, Id(a), Id(b), b.GetProperty("conflicts")[0].GetProperty("id").GetInt64());
    }

    private static HttpRequestMessage Patch(long id, object body, string? ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/conflicts/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task A_curator_acknowledges_then_resolves_with_a_note_and_a_preferred_claim()
    {
        var (world, a, b, conflict) = await ConflictAsync();

        var acknowledged = await world.Curator.SendAsync(Patch(conflict, new { status = "acknowledged" }, "\"v1\""));
        var resolved = await world.Curator.SendAsync(Patch(conflict, new { status = "resolved", note = "The later count is right", preferredClaimId = b }, "\"v2\""));

        Assert.Equal("acknowledged", (await acknowledged.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        var body = await resolved.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("resolved", body.GetProperty("status").GetString());
        Assert.Equal(b, body.GetProperty("preferredClaimId").GetInt64());
        Assert.Equal("\"v3\"", resolved.Headers.ETag?.ToString());
        Assert.Equal("preferred", (await api.CreateClient().GetJsonAsync($"/claims/{b}")).GetProperty("rank").GetString());
        Assert.Equal("deprecated", (await api.CreateClient().GetJsonAsync($"/claims/{a}")).GetProperty("rank").GetString());
        Assert.Equal([b], (await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&best=true")).Ids());
        Assert.Contains(conflict, (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&status=resolved")).Ids());
    }

    public static TheoryData<string, object, string?, HttpStatusCode, string?> BadChanges => new()
    {
        { "resolve without a note", new { status = "resolved" }, "\"v1\"", HttpStatusCode.UnprocessableEntity, "note" },
        { "prefer a claim not in the conflict", new { preferredClaimId = 1 }, "\"v1\"", HttpStatusCode.UnprocessableEntity, "preferredClaimId" },
        { "close by hand", new { status = "closed" }, "\"v1\"", HttpStatusCode.BadRequest, "status" },
        { "unknown status", new { status = "settled" }, "\"v1\"", HttpStatusCode.BadRequest, "status" },
        { "nothing to change", new { }, "\"v1\"", HttpStatusCode.BadRequest, "$" },
        { "stale If-Match", new { status = "acknowledged" }, "\"v9\"", HttpStatusCode.PreconditionFailed, null },
        { "no If-Match", new { status = "acknowledged" }, null, (HttpStatusCode)428, null },
    };

    [Theory]
    [MemberData(nameof(BadChanges))]
    public async Task Changes_that_make_no_sense_are_refused_and_write_nothing(string because, object body, string? ifMatch, HttpStatusCode status, string? field)
    {
        var (world, _, _, conflict) = await ConflictAsync();
        var before = await api.CountRowsAsync();

        var problem = await (await world.Curator.SendAsync(Patch(conflict, body, ifMatch))).ReadProblemAsync(status, field);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()), because);
        Assert.Equal(before, await api.CountRowsAsync());
        Assert.Equal("open", (await api.CreateClient().GetJsonAsync($"/conflicts/{conflict}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Unknown_conflicts_and_self_contradictions_are_refused()
    {
        var (world, a, _, _) = await ConflictAsync();
        var before = await api.CountRowsAsync();

        await (await api.CreateClient().GetAsync("/conflicts/999999999")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await world.Curator.SendAsync(Patch(999999999, new { status = "acknowledged" }, "\"v1\""))).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await world.Curator.PostJsonAsync($"/claims/{a}/contradicts", new { claimId = a })).ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "claimId");
        await (await world.Curator.PostJsonAsync($"/claims/{a}/contradicts", new { claimId = 999999999 })).ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "claimId");
        await (await world.Curator.PostJsonAsync("/claims/999999999/contradicts", new { claimId = a })).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_closed_conflict_cannot_be_changed_by_hand()
    {
        var (world, _, b, conflict) = await ConflictAsync();
        var retract = new HttpRequestMessage(HttpMethod.Delete, $"/claims/{b}?reason=wrong");
        retract.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await (await world.Curator.SendAsync(retract)).ReadJsonAsync(HttpStatusCode.OK);

        await (await world.Curator.SendAsync(Patch(conflict, new { status = "open" }, "\"v2\""))).ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Conflicts_filter_by_property_source_status_and_scope_and_page_newest_first()
    {
        var (world, _, _, first) = await ConflictAsync();
        var c = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 9000 }), ("evidence", world.Evidence("2,500 exactly")));
        var newer = c.GetProperty("conflicts").EnumerateArray().Select(x => x.GetProperty("id").GetInt64()).ToList();

        var page1 = await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&property=troop_count&source={world.SourceId}&limit=2");
        var page2 = await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&limit=2&cursor={page1.GetProperty("nextCursor").GetString()}");

        Assert.Equal(newer.OrderDescending(), page1.Ids());
        Assert.Equal([first], page2.Ids());
        // The new claim, in the source's own voice, contradicts the asserter (between reports) and the own voice of its own source (internal).
        var internalOne = (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&scope=internal")).Ids();
        Assert.Single(internalOne);
        Assert.Equal(newer.Append(first).Except(internalOne).OrderDescending(),
            (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&scope=between_reports")).Ids());
        await (await api.CreateClient().GetAsync("/conflicts?status=sorted")).ReadProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await api.CreateClient().GetAsync("/conflicts?scope=galactic")).ReadProblemAsync(HttpStatusCode.BadRequest, "scope");
    }
}
