using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// One failover, recorded: the app runs against a pg_auto_failover formation (a primary and a synchronous secondary),
/// three curators write claims without pause, each retrying a refused write with its Idempotency-Key until it lands,
/// a reader reads and a follower polls the change feed with its cursor; then the primary is killed (SIGKILL to its
/// keeper and its postmaster) and pg_auto_failover promotes the secondary. The facts of <see cref="FailoverTests"/>
/// each look at one side of that run.
/// </summary>
public sealed class FailoverRun : IAsyncLifetime
{
    /// <summary>One write attempt: <paramref name="Sent"/> when it was sent and <paramref name="At"/> when its answer came, in seconds of the run.</summary>
    public sealed record Attempt(double Sent, double At, string Key, int Status, string? RetryAfter, string? ContentType, string? Body);

    public sealed record Change(long ClaimId, int Revision);

    private InProcessApp? _app;

    public AutoFailoverCluster Cluster { get; private set; } = null!;
    public ConcurrentQueue<Attempt> Writes { get; } = new();
    public ConcurrentQueue<(double At, int Status)> Reads { get; } = new();

    /// <summary>Every key whose write was answered 201, with the claim id the answer named.</summary>
    public ConcurrentDictionary<string, long> Acknowledged { get; } = new();

    public List<string> KeysAcknowledgedBeforeTheKill { get; } = [];

    private int KeysAcknowledged()
    {
        lock (KeysAcknowledgedBeforeTheKill) return KeysAcknowledgedBeforeTheKill.Count;
    }
    public List<Change> Followed { get; } = [];
    /// <summary>synchronous_standby_names on the primary before the kill, and on the promoted node after it.</summary>
    public string SynchronousBefore { get; private set; } = "";
    public string SynchronousAfter { get; private set; } = "";
    public double KilledAt { get; private set; }
    public double WritableAt { get; private set; }
    public double FirstWriteAfterTheKill { get; private set; }
    public HttpClient Curator { get; private set; } = null!;
    public string Subject { get; private set; } = "";
    public long SourceId { get; private set; }
    public IReadOnlyCollection<string> AppErrors { get; private set; } = [];

    public string ClaimBody(string note) => JsonSerializer.Serialize(new
    {
        subject = Subject, property = "troop_count", validAt = "2024-09", note,
        value = new { kind = "quantity", amount = 2500 },
        evidence = new[] { new { sourceId = SourceId, exact = "put the number at 2,500 exactly" } },
    });

    public async ValueTask InitializeAsync()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            // Nothing may outlive a failed start: the servers are processes of their own.
            await DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync()
    {
        var setup = Stopwatch.StartNew();
        Cluster = await AutoFailoverCluster.StartAsync();
        var formed = setup.Elapsed.TotalSeconds;
        _app = new InProcessApp(Cluster.ConnectionString);
        var plain = _app.Start();
        var contract = new Contract(await plain.GetStringAsync("/openapi/v1.json"));
        await using (var primary = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Cluster.ConnectionString) { Host = "127.0.0.1", Port = Cluster.Nodes[0].Port }.ConnectionString))
        {
            var key = await ApiKeys.CreateAsync(primary, $"failover-curator-{Samples.Unique()}");
            Curator = _app.CreateDefaultClient(new ContractCheckingHandler(contract));
            Curator.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        }
        var reader = _app.CreateDefaultClient(new ContractCheckingHandler(contract));
        SourceId = (await Curator.CreateSourceAsync(Samples.Source(body: World.Body + $" [{Samples.Unique()}]", published: "2024-09"))).GetProperty("id").GetInt64();
        Subject = $"Failover force {Samples.Unique()}";
        await Curator.CreateSubjectAsync(Subject);
        var cursor = await FollowAsync(reader, null);
        SynchronousBefore = await SynchronousStandbyNamesAsync(Cluster.Nodes[0]);
        Figures.Say($"failover: a monitor, a primary and a synchronous secondary formed in {formed:F1} s");

        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var killed = new TaskCompletionSource();
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var key = $"failover-{w}-{i}-{Samples.Unique()}";
                // A write that was refused is sent again, with the same key, until it lands: a client's retry loop.
                while (true)
                {
                    using var request = ReplicatedApp.Post("/claims", ClaimBody(key), key);
                    var sent = clock.Elapsed.TotalSeconds;
                    using var response = await Curator.SendAsync(request);
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    Writes.Enqueue(new Attempt(sent, clock.Elapsed.TotalSeconds, key, status, response.Headers.RetryAfter?.Delta?.TotalSeconds.ToString(),
                        response.Content.Headers.ContentType?.MediaType, status == 201 ? null : body));
                    if (status == 201)
                    {
                        Acknowledged[key] = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
                        if (!killed.Task.IsCompleted) lock (KeysAcknowledgedBeforeTheKill) KeysAcknowledgedBeforeTheKill.Add(key);
                        break;
                    }
                    if (status != 503) break;
                    await Task.Delay(200);
                }
                await Task.Delay(20);
            }
        })).ToList();
        var reads = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await reader.GetAsync($"/claims?limit=5");
                Reads.Enqueue((clock.Elapsed.TotalSeconds, (int)response.StatusCode));
                await Task.Delay(50);
            }
        });
        var follower = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                cursor = await FollowAsync(reader, cursor);
                await Task.Delay(100);
            }
        });

        try
        {
            // Two seconds of writes, and at least five acknowledged (a loaded machine is slow to start them), then the kill.
            await Task.Delay(2_000);
            for (var waited = 0; waited < 60_000 && KeysAcknowledged() < 5; waited += 100) await Task.Delay(100);
            await Cluster.KillAsync(Cluster.Nodes[0]);
            KilledAt = clock.Elapsed.TotalSeconds;
            killed.SetResult();
            var limit = TimeSpan.FromSeconds(90);
            await ServerTools.WaitForAsync(async () => await Cluster.WritableAsync() is not null, limit, "the secondary taking writes", 100);
            WritableAt = clock.Elapsed.TotalSeconds;
            await ServerTools.WaitForAsync(() => Task.FromResult(Writes.Any(w => w.Sent > KilledAt && w.At > WritableAt && w.Status == 201)), limit, "the app writing again");
            // A write sent before the kill may be answered 201 just after it (the primary committed it first): the
            // first write after the kill is the first one sent after it.
            FirstWriteAfterTheKill = Writes.Where(w => w.Sent > KilledAt && w.Status == 201).Min(w => w.At);
            await Task.Delay(3_000);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll([.. writers, reads, follower]);
        }
        // Whatever committed last is in the feed once no transaction older than it is still open.
        await ServerTools.WaitForAsync(async () =>
        {
            cursor = await FollowAsync(reader, cursor);
            return Acknowledged.Values.All(id => Followed.Any(c => c.ClaimId == id));
        }, TimeSpan.FromSeconds(30), "the change feed showing every acknowledged claim");
        AppErrors = _app.Errors.Entries;
        SynchronousAfter = await SynchronousStandbyNamesAsync(await Cluster.WritableAsync() ?? throw new InvalidOperationException("No node takes writes."));
        Figures.Say($"failover: synchronous_standby_names '{SynchronousBefore}' before, '{SynchronousAfter}' after; primary killed at {KilledAt:F1} s; the secondary took writes {WritableAt - KilledAt:F1} s later, " +
            $"the app's first write {FirstWriteAfterTheKill - KilledAt:F1} s after the kill ({FirstWriteAfterTheKill - WritableAt:F1} s after the promotion); " +
            $"{Writes.Count} write attempts, {Acknowledged.Count} acknowledged, {Writes.Count(w => w.Status == 503)} answered 503; " +
            $"{Reads.Count} reads, {Reads.Count(r => r.Status != 200)} not 200; the feed follower saw {Followed.Count} changes");
    }

    /// <summary>One page at a time to the end of the feed from <paramref name="cursor"/>; returns the new cursor.</summary>
    private async Task<string?> FollowAsync(HttpClient reader, string? cursor)
    {
        while (true)
        {
            using var response = await reader.GetAsync(cursor is null ? "/changes?limit=200" : $"/changes?limit=200&since={Uri.EscapeDataString(cursor)}");
            if (response.StatusCode != HttpStatusCode.OK) return cursor;
            var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var items = page.GetProperty("items");
            lock (Followed)
            {
                foreach (var item in items.EnumerateArray())
                {
                    Followed.Add(new Change(item.GetProperty("claimId").GetInt64(), item.GetProperty("revision").GetInt32()));
                }
            }
            cursor = page.GetProperty("nextCursor").GetString();
            if (items.GetArrayLength() < 200) return cursor;
        }
    }

    private static async Task<string> SynchronousStandbyNamesAsync(AutoFailoverCluster.Node node)
    {
        await using var connection = new NpgsqlConnection(AutoFailoverCluster.Admin(node));
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<string>("select current_setting('synchronous_standby_names')") ?? "";
    }

    /// <summary>The new primary's count of claims per note, for the notes given (each write's note is its key).</summary>
    public async Task<Dictionary<string, int>> ClaimsPerNoteAsync(IEnumerable<string> notes)
    {
        var primary = await Cluster.WritableAsync() ?? throw new InvalidOperationException("No node takes writes.");
        await using var connection = new NpgsqlConnection(AutoFailoverCluster.Admin(primary));
        await connection.OpenAsync();
        return (await connection.QueryAsync<(string Note, int Count)>(
                "select note, count(*)::int from claims where note = any(@notes) group by note", new { notes = notes.ToArray() }))
            .ToDictionary(r => r.Note, r => r.Count);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.DisposeAsync();
        }
        if (Cluster is { } cluster)
        {
            Cluster = null!;
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>
/// What a client sees when the primary dies: writes answer 503 with Retry-After (never 500) until the promoted
/// secondary takes them, the app follows it within seconds, every acknowledged write survives (the commits were
/// synchronous) and none is doubled by its retries, and the change feed goes on without a gap or a repeat.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class FailoverTests(FailoverRun run) : IClassFixture<FailoverRun>
{
    [Fact]
    public void Writes_between_the_kill_and_the_promotion_answer_503_with_Retry_After_and_never_500()
    {
        var refused = run.Writes.Where(w => w.Status != 201).ToList();

        Assert.Contains(refused, w => w.At > run.KilledAt);
        Assert.All(refused, w =>
        {
            Assert.True(w.Status == 503, $"{w.At:F2} s {w.Key}: {w.Status} {w.Body}");
            Assert.Equal("application/problem+json", w.ContentType);
            Assert.NotNull(w.RetryAfter);
        });
        // The app logs every failed request; none was anything but a 503.
        Assert.All(run.AppErrors, e => Assert.StartsWith("Request failed with 503", e.Split(": ", 2)[^1]));
    }

    [Fact]
    public void The_app_writes_to_the_promoted_secondary_within_a_few_seconds_of_its_promotion()
    {
        var following = run.FirstWriteAfterTheKill - run.WritableAt;

        Assert.True(following < 5, $"the app's first write came {following:F1} s after the secondary took writes");
        Assert.True(run.FirstWriteAfterTheKill - run.KilledAt < 30, $"writes resumed {run.FirstWriteAfterTheKill - run.KilledAt:F1} s after the kill");
    }

    [Fact]
    public async Task Every_acknowledged_write_survives_the_failover_once_and_its_key_replays_the_same_answer()
    {
        var counts = await run.ClaimsPerNoteAsync(run.Writes.Select(w => w.Key).Distinct());
        var sample = run.KeysAcknowledgedBeforeTheKill.TakeLast(3).ToList();
        var replays = new List<(string Key, HttpResponseMessage Response)>();
        foreach (var key in sample) replays.Add((key, await run.Curator.SendAsync(ReplicatedApp.Post("/claims", run.ClaimBody(key), key))));

        Assert.True(run.KeysAcknowledgedBeforeTheKill.Count >= 5, $"only {run.KeysAcknowledgedBeforeTheKill.Count} writes before the kill");
        Assert.All(run.Acknowledged.Keys, key => Assert.True(counts.GetValueOrDefault(key) == 1, $"{key}: {counts.GetValueOrDefault(key)} claims"));
        Assert.True(counts.Keys.All(run.Acknowledged.ContainsKey), "a claim was written whose write was never acknowledged");
        foreach (var (key, response) in replays)
        {
            var body = await response.ReadJsonAsync(HttpStatusCode.Created);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(run.Acknowledged[key], body.GetProperty("id").GetInt64());
        }
    }

    [Fact]
    public void Commits_were_synchronous_before_the_kill_and_go_on_asynchronously_once_no_secondary_is_left()
    {
        // What "every acknowledged write survives" rests on: a commit waited for the secondary...
        Assert.Equal("ANY 1 (pgautofailover_standby_2)", run.SynchronousBefore);
        // ...and what the promoted node does alone: it takes writes without waiting for anyone, so a second failure
        // before a new secondary has caught up could lose them (docs/deployment.md).
        Assert.Equal("", run.SynchronousAfter);
        Assert.Contains(run.Writes, w => w.At > run.WritableAt && w.Status == 201);
    }

    [Fact]
    public void The_change_feed_followed_across_the_failover_has_no_gap_and_no_repeat()
    {
        List<FailoverRun.Change> followed;
        lock (run.Followed) followed = [.. run.Followed];
        var created = followed.Where(c => c.Revision == 1).Select(c => c.ClaimId).ToHashSet();

        Assert.Equal(followed.Count, followed.Distinct().Count());
        Assert.All(run.Acknowledged, a => Assert.Contains(a.Value, created));
    }

    [Fact]
    public void Reads_go_on_through_the_failover()
    {
        var during = run.Reads.Where(r => r.At > run.KilledAt && r.At < run.FirstWriteAfterTheKill).ToList();

        Assert.NotEmpty(during);
        Assert.All(run.Reads, r => Assert.True(r.Status == 200, $"{r.At:F2} s: {r.Status}"));
    }
}
