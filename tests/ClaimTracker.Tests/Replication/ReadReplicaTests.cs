using System.Diagnostics;
using System.Net;
using System.Text;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// Reads on a primary with two streaming standbys: they go to the standbys, and a read that sends a write's
/// consistency token sees that write at once even when the standbys replay 30 s late (recovery_min_apply_delay):
/// a standby that has replayed it serves it, else the primary, without waiting.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ReadReplicaTests(ReplicatedApp app) : IClassFixture<ReplicatedApp>
{
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(30);

    private async Task LateStandbysAsync(Func<Task> test)
    {
        await app.Cluster.SetApplyDelayAsync(Late);
        try
        {
            await test();
        }
        finally
        {
            await app.Cluster.SetApplyDelayAsync(TimeSpan.Zero);
            await app.Cluster.CaughtUpAsync();
        }
    }

    [Fact]
    public async Task Reads_are_served_by_both_standbys_and_not_by_the_primary() => await LateStandbysAsync(async () =>
    {
        var (id, _) = await app.CreateClaimAsync($"late {Samples.Unique()}");

        // Replayed 30 s late, the new claim is on the primary only: any read that found it would have been served there.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 24; i++) statuses.Add((await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}"))).StatusCode);

        var connections = new Dictionary<string, long>();
        foreach (var standby in app.Cluster.Standbys)
        {
            await using var connection = new NpgsqlConnection(app.Cluster.Admin(standby));
            await connection.OpenAsync();
            connections[standby.Name] = await connection.ExecuteScalarAsync<long>(
                "select count(*) from pg_stat_activity where application_name = 'ClaimTracker' and backend_type = 'client backend'");
        }
        Figures.Say($"reads on standbys: {statuses.Count} reads of a claim the standbys had not replayed, {statuses.Count(s => s == HttpStatusCode.NotFound)} " +
            $"answered 404 (a standby's view); the app's connections per standby: {string.Join(", ", connections.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.All(connections.Values, n => Assert.True(n > 0, "a standby served no read"));
    });

    [Fact]
    public async Task A_read_with_its_writes_token_sees_the_write_at_once_and_feeds_a_conditional_write_that_succeeds() => await LateStandbysAsync(async () =>
    {
        var (id, token) = await app.CreateClaimAsync($"fresh {Samples.Unique()}");
        var clock = Stopwatch.StartNew();

        var withToken = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", token));
        var without = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}"));
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}")
        {
            Content = new StringContent("""{"note": "checked again", "reason": "second reading"}""", Encoding.UTF8, "application/json"),
        };
        patch.Headers.TryAddWithoutValidation("If-Match", withToken.Headers.ETag?.Tag);
        var revised = await app.Curator.SendAsync(patch);
        var afterRevision = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", ReplicatedApp.TokenOf(revised)));
        var took = clock.Elapsed;

        await withToken.ReadJsonAsync(HttpStatusCode.OK);
        // A read's ETag names the claim's version (then what it embeds): "v1-…".
        Assert.StartsWith("\"v1-", withToken.Headers.ETag?.Tag);
        Assert.Equal(HttpStatusCode.NotFound, without.StatusCode);
        await revised.ReadJsonAsync(HttpStatusCode.OK);
        var current = await afterRevision.ReadJsonAsync(HttpStatusCode.OK);
        Assert.StartsWith("\"v2-", afterRevision.Headers.ETag?.Tag);
        Assert.Equal("checked again", current.GetProperty("note").GetString());
        Figures.Say($"reads with a token while the standbys replay {Late.TotalSeconds:F0} s late: two reads and a conditional write in {took.TotalMilliseconds:F0} ms");
        Assert.True(took < Late / 3, $"the token's reads waited ({took.TotalSeconds:F1} s)");
    });

    [Fact]
    public async Task A_token_the_standbys_have_replayed_is_served_by_a_standby() => await LateStandbysAsync(async () =>
    {
        // The first claim replayed everywhere, the second on the primary only: a read that sees the first and not the
        // second was served by a standby.
        await app.Cluster.SetApplyDelayAsync(TimeSpan.Zero);
        var (first, firstToken) = await app.CreateClaimAsync($"replayed {Samples.Unique()}");
        await app.Cluster.CaughtUpAsync();
        await app.Cluster.SetApplyDelayAsync(Late);
        var (second, secondToken) = await app.CreateClaimAsync($"not yet {Samples.Unique()}");

        var fromStandby = await (await app.Reader.SendAsync(ReplicatedApp.Get($"/claims?subject={app.SubjectId}&limit=200", firstToken))).ReadJsonAsync(HttpStatusCode.OK);
        var fromPrimary = await (await app.Reader.SendAsync(ReplicatedApp.Get($"/claims?subject={app.SubjectId}&limit=200", secondToken))).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Contains(first, fromStandby.Ids());
        Assert.DoesNotContain(second, fromStandby.Ids());
        Assert.Contains(first, fromPrimary.Ids());
        Assert.Contains(second, fromPrimary.Ids());
    });

    [Fact]
    public async Task A_token_beyond_the_primary_or_malformed_is_a_400_at_once_with_standbys_too() => await LateStandbysAsync(async () =>
    {
        var (id, token) = await app.CreateClaimAsync($"bounded {Samples.Unique()}");
        Assert.True(ConsistencyToken.TryParse(token, out var own));
        var future = (own with { Position = own.Position + (1UL << 36) }).ToString();

        var clock = Stopwatch.StartNew();
        var ahead = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", future));
        var malformed = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", token + "x"));
        var took = clock.Elapsed;

        await ahead.ReadProblemAsync(HttpStatusCode.BadRequest, ConsistencyToken.Header);
        await malformed.ReadProblemAsync(HttpStatusCode.BadRequest, ConsistencyToken.Header);
        Assert.True(took < TimeSpan.FromSeconds(5), $"refusing two tokens took {took.TotalSeconds:F1} s");
    });
}
