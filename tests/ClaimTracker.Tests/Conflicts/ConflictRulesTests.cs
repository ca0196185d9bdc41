using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Conflicts;

/// <summary>Each rule of docs/conflicts.md, with its example.</summary>
public sealed class ConflictRulesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    private static JsonElement OnlyConflict(JsonElement claim)
    {
        var conflicts = claim.GetProperty("conflicts");
        Assert.Equal(1, conflicts.GetArrayLength());
        return conflicts[0];
    }

    [Fact]
    public async Task No_troops_against_2500_troops_conflict_and_the_write_returns_the_conflicts_link()
    {
        var world = await World.CreateAsync(api);
        var positive = await world.CreateClaimAsync(("validAt", null));

        var none = await world.CreateClaimAsync(("value", new { kind = "none", statedAs = "no US troops remain" }), ("validAt", null),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));

        var link = OnlyConflict(none);
        Assert.Equal("none_vs_value", link.GetProperty("rule").GetString());
        Assert.Equal(Id(positive), link.GetProperty("otherClaimId").GetInt64());
        var conflict = await api.CreateClient().GetJsonAsync(link.GetProperty("href").GetString()!);
        Assert.Equal("open", conflict.GetProperty("status").GetString());
        Assert.Equal([Id(positive), Id(none)], conflict.GetProperty("claims").EnumerateArray().Select(Id));
        Assert.Contains(Id(conflict), (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}")).Ids());
    }

    [Fact]
    public async Task Quantities_conflict_only_when_their_ranges_do_not_meet_once_approximation_is_applied()
    {
        var world = await World.CreateAsync(api);
        var about = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();

        var within = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2700 }), ("evidence", world.Evidence("2,500 exactly")));
        var beyond = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained")));
        var tolerant = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", tolerance = 0.25 }),
            ("evidence", world.Evidence("the US has about 2,500 troops in Iraq")));

        // 2,700 lies within "about 2,500" (2,250 to 2,750); 3,000 lies within neither; ±25% reaches all of them.
        Assert.Empty(within.GetProperty("conflicts").EnumerateArray());
        var conflicts = beyond.GetProperty("conflicts").EnumerateArray().ToList();
        Assert.Equal(2, conflicts.Count);
        Assert.All(conflicts, c => Assert.Equal("quantity", c.GetProperty("rule").GetString()));
        Assert.All(conflicts, c => Assert.Equal("internal", c.GetProperty("scope").GetString()));
        Assert.Empty(tolerant.GetProperty("conflicts").EnumerateArray());
        var withAbout = conflicts.Single(c => c.GetProperty("otherClaimId").GetInt64() == about);
        var detail = await api.CreateClient().GetJsonAsync($"/conflicts/{withAbout.GetProperty("id").GetInt64()}");
        Assert.Contains("2,250 to 2,750 troops", detail.GetProperty("explanation").GetString());
    }

    [Fact]
    public async Task Times_are_compared_at_the_coarser_precision()
    {
        var world = await World.CreateAsync(api);
        (string, object?)[] Raid(string date) =>
        [
            ("property", "event_date"), ("validAt", null), ("value", new { kind = "time", date }), ("evidence", world.Evidence("a raid on August 29")),
        ];
        var day = await world.CreateClaimAsync(Raid("2024-08-29"));

        var month = await world.CreateClaimAsync([.. Raid("2024-08"), ("assertedBy", world.Asserter)]);
        var september = await world.CreateClaimAsync([.. Raid("2024-09"), ("assertedBy", world.Asserter)]);

        Assert.Empty(month.GetProperty("conflicts").EnumerateArray());
        var conflicts = september.GetProperty("conflicts").EnumerateArray()
            .ToDictionary(c => c.GetProperty("otherClaimId").GetInt64(), c => (Rule: c.GetProperty("rule").GetString(), Scope: c.GetProperty("scope").GetString()));
        // Against the source's own voice it is a disagreement between reports; against the same asserter in the same source, internal.
        Assert.Equal(("time", "between_reports"), conflicts[Id(day)]);
        Assert.Equal(("time", "internal"), conflicts[Id(month)]);
    }

    [Fact]
    public async Task Opposite_stances_on_the_same_proposition_conflict()
    {
        var world = await World.CreateAsync(api);
        object Stance(string stance) => new { kind = "stance", stance, proposition = "A withdrawal was discussed" };
        var denies = await world.CreateClaimAsync(("property", "position"), ("value", Stance("denies")), ("assertedBy", world.Asserter),
            ("evidence", world.Evidence("“At no point” was a withdrawal discussed")));

        var affirms = await world.CreateClaimAsync(("property", "position"), ("value", new { kind = "stance", stance = "affirms", proposition = "a withdrawal was discussed " }),
            ("evidence", world.Evidence("The withdrawal will be complete by September 2026, Reuters reported")));
        var other = await world.CreateClaimAsync(("property", "position"), ("value", new { kind = "stance", stance = "affirms", proposition = "troops will stay" }),
            ("evidence", world.Evidence("3,000 US troops remained")));

        Assert.Equal(Id(denies), OnlyConflict(affirms).GetProperty("otherClaimId").GetInt64());
        Assert.Equal("stance", OnlyConflict(affirms).GetProperty("rule").GetString());
        Assert.Empty(other.GetProperty("conflicts").EnumerateArray());
    }

    [Fact]
    public async Task Claims_at_different_valid_times_are_not_compared()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync(("validAt", "2024-04"));

        var later = await world.CreateClaimAsync(("validAt", "2024-09"), ("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained")));

        Assert.Empty(later.GetProperty("conflicts").EnumerateArray());
    }

    [Fact]
    public async Task A_curators_contradicts_link_opens_a_conflict()
    {
        var world = await World.CreateAsync(api);
        var a = await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("property", "statement"), ("value", new { kind = "text", text = "Troops will leave" }), ("validAt", null),
            ("evidence", world.Evidence("The withdrawal will be complete by September 2026")));

        var response = await world.Curator.PostJsonAsync($"/claims/{Id(b)}/contradicts", new { claimId = Id(a), note = "Leaving means fewer troops" });

        var conflict = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal("contradicts", conflict.GetProperty("rule").GetString());
        Assert.Equal($"/conflicts/{Id(conflict)}", response.Headers.Location?.OriginalString);
        await (await world.Curator.PostJsonAsync($"/claims/{Id(a)}/contradicts", new { claimId = Id(b) })).ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Retracting_either_claim_closes_the_conflict_saying_why()
    {
        var world = await World.CreateAsync(api);
        var a = await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained")));
        var conflictId = OnlyConflict(b).GetProperty("id").GetInt64();
        var retract = new HttpRequestMessage(HttpMethod.Delete, $"/claims/{Id(b)}?reason=misread");
        retract.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");

        await (await world.Curator.SendAsync(retract)).ReadJsonAsync(HttpStatusCode.OK);

        var conflict = await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}");
        Assert.Equal("closed", conflict.GetProperty("status").GetString());
        Assert.Equal($"claim {Id(b)} was retracted", conflict.GetProperty("closedReason").GetString());
        Assert.DoesNotContain(conflictId, (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}")).Ids());
        Assert.Contains(conflictId, (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&status=closed")).Ids());
        Assert.Empty((await api.CreateClient().GetJsonAsync($"/claims/{Id(a)}")).GetProperty("conflicts").EnumerateArray());
    }

    [Fact]
    public async Task Revising_a_claim_into_agreement_closes_the_conflict_and_back_reopens_it()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained")));
        var conflictId = OnlyConflict(b).GetProperty("id").GetInt64();

        async Task Revise(int from, int amount)
        {
            var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{Id(b)}") { Content = Http.Json("{\"reason\":\"re-read\",\"value\":{\"kind\":\"quantity\",\"amount\":" + amount + "}}") };
            patch.Headers.TryAddWithoutValidation("If-Match", $"\"v{from}\"");
            await (await world.Curator.SendAsync(patch)).ReadJsonAsync(HttpStatusCode.OK);
        }

        await Revise(1, 2600);
        Assert.Equal("closed", (await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}")).GetProperty("status").GetString());
        await Revise(2, 4000);
        Assert.Equal("open", (await api.CreateClient().GetJsonAsync($"/conflicts/{conflictId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Concurrent_writers_in_one_subject_and_property_never_miss_a_conflict()
    {
        var world = await World.CreateAsync(api);
        var writes = Enumerable.Range(0, 6).Select(i => world.Curator.PostJsonAsync("/claims",
            world.Claim(("value", new { kind = "quantity", amount = 1000 * (i + 1) }), ("evidence", world.Evidence("3,000 US troops remained")))));

        var responses = await Task.WhenAll(writes);
        foreach (var response in responses) await response.ReadJsonAsync(HttpStatusCode.Created);

        var page = await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&limit=200");
        Assert.Equal(15, page.GetProperty("items").GetArrayLength());
    }
}
