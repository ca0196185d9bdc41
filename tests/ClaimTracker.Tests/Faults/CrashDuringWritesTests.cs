using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// The app as a process of its own, killed with SIGKILL at random points while clients stream writes, then restarted;
/// clients retry whatever was not acknowledged with the same Idempotency-Key and body. Afterwards the database must
/// hold every acknowledged write exactly once, and every write whole.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CrashDuringWritesTests(PostgresServer server)
{
    private const int Writes = 1_000;
    private const int ImportedClaims = 60;
    private const int Clients = 8;
    private const int Groups = 50;
    private const int ThresholdKills = 11;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);

    /// <summary>One write and what became of it. The body and key never change between attempts.</summary>
    private sealed class PendingWrite(string path, string mediaType, string body, string key, string marker)
    {
        public string Path { get; } = path;
        public string MediaType { get; } = mediaType;
        public string Body { get; } = body;
        public string Key { get; } = key;
        public string Marker { get; } = marker;
        public int Attempts { get; set; }
        public int Unavailable { get; set; }
        public bool Acknowledged { get; set; }
        public bool Replayed { get; set; }
        public long? ClaimId { get; set; }
        public JsonElement Answer { get; set; }
        public string? Failure { get; set; }
    }

    [Fact]
    public async Task Every_write_acknowledged_across_kill_9_crashes_is_stored_exactly_once_and_whole()
    {
        var seed = Environment.GetEnvironmentVariable("CLAIMTRACKER_CRASH_SEED") is { Length: > 0 } s ? int.Parse(s) : Random.Shared.Next();
        var random = new Random(seed);
        var connectionString = await server.CreateDatabaseAsync();
        await using var db = NpgsqlDataSource.Create(connectionString);
        var curator = await ApiKeys.CreateAsync(db, $"crash-curator-{Samples.Unique()}");
        await using var app = new AppProcess(connectionString);
        await app.StartAsync();

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2) })
        {
            BaseAddress = app.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", curator.Key);

        // The world these writes are about, made before the first kill: a source and subjects of this test's own.
        var run = Samples.Unique();
        var sourceId = (await http.CreateSourceAsync(Samples.Source(body: World.Body + $" [{run}]"))).GetProperty("id").GetInt64();
        var subjects = new List<string>();
        for (var n = 0; n < Groups; n++)
        {
            subjects.Add($"Crash force {run} {n:D2}");
            await http.CreateSubjectAsync(subjects[^1]);
        }
        var asserter = $"Crash agency {run}";
        await http.CreateSubjectAsync(asserter);

        var marker = $"crash-{run}-";
        var claims = Enumerable.Range(0, Writes).Select(i => new PendingWrite("/claims", "application/json",
            JsonSerializer.Serialize(Claim(i)), $"{run}-claim-{i:D4}", $"{marker}{i:D4}")).ToArray();
        var import = new PendingWrite("/import", "application/x-ndjson", ImportBody(), $"{run}-import", $"{marker}import-");

        var acknowledged = new AwaitableCount();
        using var deadline = new CancellationTokenSource(Deadline);
        var clock = Stopwatch.StartNew();
        var queue = new ConcurrentQueue<PendingWrite>(claims);
        var clients = Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var jitter = new Random(seed + c + 1);
            while (queue.TryDequeue(out var write)) await SendUntilAcknowledgedAsync(write, jitter);
        })));

        // Kills at random points of the stream, one after each of these acknowledged-write counts, and one while the
        // import is in flight. A kill and its restart take turns with the others.
        var thresholds = new SortedSet<int>();
        while (thresholds.Count < ThresholdKills) thresholds.Add(random.Next(30, Writes - 40));
        var importAt = random.Next(100, Writes / 2);
        var turns = new SemaphoreSlim(1, 1);
        var importSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killDelays = thresholds.Select(_ => random.Next(0, 40)).ToArray();
        var importKillDelay = random.Next(5, 120);

        async Task KillAndRestartAsync()
        {
            await turns.WaitAsync(deadline.Token);
            try
            {
                app.Kill();
                await app.StartAsync();
            }
            finally
            {
                turns.Release();
            }
        }

        var killer = Task.Run(async () =>
        {
            var k = 0;
            foreach (var threshold in thresholds)
            {
                if (await Task.WhenAny(acknowledged.WhenAtLeast(threshold), clients) == clients) return;
                await Task.Delay(killDelays[k++], deadline.Token);
                await KillAndRestartAsync();
            }
        });
        var importer = Task.Run(async () =>
        {
            await acknowledged.WhenAtLeast(importAt).WaitAsync(deadline.Token);
            var sending = SendUntilAcknowledgedAsync(import, new Random(seed - 1), importSent);
            await importSent.Task.WaitAsync(deadline.Token);
            await Task.Delay(importKillDelay, deadline.Token);
            await KillAndRestartAsync();
            await sending;
        });

        await Task.WhenAll(clients, killer, importer);
        clock.Stop();

        // What the clients saw, against what the database holds.
        await using var connection = await db.OpenConnectionAsync();
        var copies = (await connection.QueryAsync<(string Note, long Copies, long[] Ids)>(
            "select note, count(*), array_agg(id order by id) from claims where note like @pattern group by note",
            new { pattern = marker + "%" })).ToDictionary(r => r.Note);
        var failures = claims.Append(import).Where(w => w.Failure is not null).Select(w => $"{w.Key}: {w.Failure}").ToList();
        var acked = claims.Where(w => w.Acknowledged).ToList();
        var present = acked.Count(w => copies.ContainsKey(w.Marker));
        var lost = acked.Where(w => !copies.ContainsKey(w.Marker)).Select(w => w.Marker).ToList();
        var duplicated = copies.Values.Where(c => c.Copies > 1).Select(c => $"{c.Note} ×{c.Copies}").ToList();
        var wrongId = acked.Where(w => copies.TryGetValue(w.Marker, out var c) && c.Ids[0] != w.ClaimId).Select(w => w.Marker).ToList();
        var retried = claims.Where(w => w.Attempts > 1).ToList();
        var retriedOnce = retried.Count(w => copies.TryGetValue(w.Marker, out var c) && c.Copies == 1);
        var importedCopies = copies.Values.Where(c => c.Note.StartsWith(import.Marker)).ToList();

        var whole = await connection.QuerySingleAsync<(long NoEvidence, long NoCreatedRevision, long NoSearch, long OpenKeys, long Keys)>("""
            select
                (select count(*) from claims c where c.note like @pattern
                    and not exists (select 1 from claim_evidence e where e.claim_id = c.id)),
                (select count(*) from claims c where c.note like @pattern
                    and not exists (select 1 from claim_revisions r where r.claim_id = c.id and r.number = 1 and r.action = 'created')),
                (select count(*) from claims c where c.note like @pattern and c.search is null),
                (select count(*) from idempotency_keys where curator_id = @curatorId and status is null),
                (select count(*) from idempotency_keys where curator_id = @curatorId)
            """, new { pattern = marker + "%", curatorId = curator.CuratorId });
        // The conflicts stored for these claims must be exactly those the rules compute now.
        var conflicts = await connection.QuerySingleAsync<(long Missing, long Extra, long Rows)>("""
            with mine as (select array_agg(id) as ids from claims where note like @pattern),
            expected as (select claim_a, claim_b, rule, scope from conflicting_pairs((select ids from mine))),
            stored as (
                select f.claim_a, f.claim_b, f.rule, f.scope from conflicts f, mine
                where f.status <> 'closed' and (f.claim_a = any(mine.ids) or f.claim_b = any(mine.ids))
            )
            select (select count(*) from (select * from expected except select * from stored) m),
                   (select count(*) from (select * from stored except select * from expected) x),
                   (select count(*) from stored)
            """, new { pattern = marker + "%" });

        Figures.Say($"crash during writes (seed {seed}, CLAIMTRACKER_CRASH_SEED to repeat): {app.Kills} kills, {app.Starts} starts, " +
            $"{clock.Elapsed.TotalSeconds:F1} s, {Clients} clients");
        Figures.Say($"crash during writes: acknowledged {acked.Count} of {Writes}, present {present}, duplicated {duplicated.Count} (must be 0), " +
            $"lost {lost.Count} (must be 0); retried {retried.Count} (each landed once: {retriedOnce}), answered from the key record " +
            $"{claims.Count(w => w.Replayed)}, 503s {claims.Sum(w => w.Unavailable)}, attempts {claims.Sum(w => w.Attempts)}");
        Figures.Say($"crash during writes: import acknowledged {import.Acknowledged} after {import.Attempts} attempts (replayed {import.Replayed}), " +
            $"its {ImportedClaims} claims stored {importedCopies.Count} distinct / {importedCopies.Sum(c => c.Copies)} rows; conflicts stored {conflicts.Rows}, " +
            $"missing {conflicts.Missing}, extra {conflicts.Extra}; claims without evidence {whole.NoEvidence}, without their 'created' revision " +
            $"{whole.NoCreatedRevision}, without search text {whole.NoSearch}; keys recorded {whole.Keys}, half-recorded {whole.OpenKeys}");

        Assert.True(failures.Count == 0, $"Writes refused outright:\n{string.Join('\n', failures.Take(10))}\n--- app output ---\n{app.RecentOutput}");
        Assert.True(app.Kills >= 10, $"Only {app.Kills} kills happened.");
        Assert.Equal(Writes, acked.Count);
        Assert.Empty(lost);
        Assert.Empty(duplicated);
        Assert.Empty(wrongId);
        Assert.Equal(retried.Count, retriedOnce);
        Assert.True(import.Acknowledged);
        Assert.Equal(ImportedClaims, importedCopies.Count);
        Assert.All(importedCopies, c => Assert.Equal(1, c.Copies));
        Assert.Equal(ImportedClaims, import.Answer.GetProperty("imported").GetProperty("claims").GetInt64());
        Assert.Equal((0L, 0L, 0L, 0L), (whole.NoEvidence, whole.NoCreatedRevision, whole.NoSearch, whole.OpenKeys));
        Assert.Equal(Writes + 1, whole.Keys);
        Assert.Equal((0L, 0L), (conflicts.Missing, conflicts.Extra));
        Assert.True(conflicts.Rows > 0, "The writes were meant to conflict sometimes, and none did.");

        Dictionary<string, object?> Claim(int i)
        {
            // One claim in seven states another figure than its group's others: a conflict with each of them.
            var other = i % 7 == 3;
            var claim = new Dictionary<string, object?>
            {
                ["subject"] = subjects[i % Groups],
                ["property"] = "troop_count",
                ["value"] = other
                    ? new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }
                    : new { kind = "quantity", amount = 2500, statedAs = "2,500 exactly" },
                ["validAt"] = "2024-09",
                ["note"] = $"{marker}{i:D4}",
                ["evidence"] = new[] { new { sourceId, exact = other ? "3,000 US troops remained" : "put the number at 2,500 exactly" } },
            };
            if (i % 3 == 0) claim["assertedBy"] = asserter;
            return claim;
        }

        string ImportBody()
        {
            var lines = new List<object>
            {
                new { type = "source", @ref = "s1", title = $"Crash import {run}", language = "en",
                      body = $"Import report {run}. Officials put the number at 4,000 troops. Another count said 2,500 troops." },
            };
            for (var j = 0; j < ImportedClaims; j++)
            {
                var higher = j % 2 == 0;
                lines.Add(new
                {
                    type = "claim", subject = subjects[j % Groups], property = "troop_count",
                    value = new { kind = "quantity", amount = higher ? 4000 : 2500 }, validAt = "2024-09", note = $"{marker}import-{j:D2}",
                    evidence = new[] { new { source = "s1", exact = higher ? "4,000 troops" : "2,500 troops" } },
                });
            }
            return string.Join('\n', lines.Select(l => JsonSerializer.Serialize(l))) + "\n";
        }

        async Task SendUntilAcknowledgedAsync(PendingWrite write, Random jitter, TaskCompletionSource? sent = null)
        {
            var expected = write.Path == "/import" ? HttpStatusCode.OK : HttpStatusCode.Created;
            while (!deadline.IsCancellationRequested)
            {
                write.Attempts++;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, write.Path)
                    {
                        Content = new StringContent(write.Body, Encoding.UTF8, write.MediaType),
                    };
                    request.Headers.Add(IdempotencyMiddleware.Header, write.Key);
                    var sending = http.SendAsync(request, deadline.Token);
                    sent?.TrySetResult();
                    using var response = await sending;
                    var text = await response.Content.ReadAsStringAsync(deadline.Token);
                    if (response.StatusCode == expected)
                    {
                        write.Answer = JsonDocument.Parse(text).RootElement.Clone();
                        if (write.Answer.TryGetProperty("id", out var id)) write.ClaimId = id.GetInt64();
                        write.Replayed = response.Headers.Contains("Idempotent-Replayed");
                        write.Acknowledged = true;
                        if (write.Path == "/claims") acknowledged.Increment();
                        return;
                    }
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                    {
                        write.Failure = $"{(int)response.StatusCode} on attempt {write.Attempts}: {text}";
                        return;
                    }
                    write.Unavailable++;
                }
                catch (Exception e) when (e is HttpRequestException or IOException
                    || (e is TaskCanceledException && !deadline.IsCancellationRequested))
                {
                    // The app died under this request, or is not up again yet: the same key and body, once more.
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    break;
                }
                await Task.Delay(jitter.Next(20, 60), CancellationToken.None);
            }
            write.Failure ??= $"not acknowledged within {Deadline.TotalSeconds:F0} s ({write.Attempts} attempts)";
        }
    }
}
