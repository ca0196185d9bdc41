using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// Servers killed under a running app (SIGKILL to the postmaster): a standby, then the other, while clients read
/// without pause; and the primary, while the standbys are up. Each test has a cluster of its own.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class StandbyFaultTests
{
    private sealed record Outcome(double At, string What, int Status, string? Body);

    [Fact]
    public async Task Reads_go_on_without_one_failure_when_a_standby_dies_and_the_primary_serves_them_once_none_is_left()
    {
        await using var app = await ReplicatedApp.StartAsync(standbys: 2);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++) ids.Add((await app.CreateClaimAsync($"steady {i} {Samples.Unique()}")).Id);
        await app.Cluster.CaughtUpAsync();

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentQueue<Outcome>();
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            for (var i = r; !stop.IsCancellationRequested; i++)
            {
                var (what, path) = (i % 4) switch
                {
                    0 => ("get claim", $"/claims/{ids[i % ids.Count]}"),
                    1 => ("list claims", $"/claims?subject={app.SubjectId}&limit=20"),
                    2 => ("changes", "/changes?limit=20"),
                    _ => ("get source", $"/sources/{app.SourceId}"),
                };
                int status;
                string? body = null;
                try
                {
                    using var response = await app.Reader.SendAsync(ReplicatedApp.Get(path));
                    status = (int)response.StatusCode;
                    if (status != 200) body = await response.Content.ReadAsStringAsync();
                }
                catch (HttpRequestException e)
                {
                    (status, body) = (0, e.Message);
                }
                outcomes.Enqueue(new Outcome(clock.Elapsed.TotalSeconds, what, status, body));
                await Task.Delay(10);
            }
        })).ToList();

        double firstKilled, secondKilled, written;
        long late;
        try
        {
            await Task.Delay(1_000);
            await app.Cluster.KillAsync(app.Cluster.Standbys[0]);
            firstKilled = clock.Elapsed.TotalSeconds;
            await Task.Delay(1_500);
            await app.Cluster.KillAsync(app.Cluster.Standbys[1]);
            secondKilled = clock.Elapsed.TotalSeconds;
            await Task.Delay(1_000);
            // With no standby left, only the primary has this claim: reads that find it are the primary's.
            late = (await app.CreateClaimAsync($"after the standbys {Samples.Unique()}")).Id;
            ids.Add(late);
            written = clock.Elapsed.TotalSeconds;
            await Task.Delay(1_500);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(readers);
        }

        var all = outcomes.ToList();
        var failures = all.Where(o => o.Status != 200).ToList();
        Figures.Say($"standbys killed under reads: {all.Count} reads, {all.Count(o => o.At > firstKilled && o.At <= secondKilled)} between the two kills, " +
            $"{all.Count(o => o.At > secondKilled)} with no standby left; {failures.Count} failed");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(8).Select(f => $"{f.At:F2} s {f.What}: {f.Status} {f.Body}")) +
            "\n--- app errors ---\n" + string.Join('\n', app.Errors.Entries.Take(4)));
        Assert.True(all.Count(o => o.At > firstKilled && o.At <= secondKilled) > 10, "too few reads between the kills");
        Assert.True(all.Count(o => o.At > secondKilled) > 10, "too few reads with no standby left");
        var found = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{late}"));
        await found.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Contains(all, o => o.What == "get claim" && o.At > written);
    }

    [Fact]
    public async Task With_the_primary_dead_writes_are_503_with_Retry_After_at_once_and_reads_go_on_from_the_standbys()
    {
        await using var app = await ReplicatedApp.StartAsync(standbys: 2);
        var (id, token) = await app.CreateClaimAsync($"before the fall {Samples.Unique()}");
        await app.Cluster.CaughtUpAsync();
        Assert.True(ConsistencyToken.TryParse(token, out var replayed));
        var unreplayed = (replayed with { Position = replayed.Position + 1_000_000 }).ToString();

        await app.Cluster.KillAsync(app.Cluster.Primary);
        var writes = new List<(HttpResponseMessage Response, string Body, double Seconds)>();
        for (var i = 0; i < 4; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await app.Curator.SendAsync(ReplicatedApp.Post("/subjects", JsonSerializer.Serialize(new { name = $"Unwritten {Samples.Unique()}" })));
            writes.Add((response, await response.Content.ReadAsStringAsync(), clock.Elapsed.TotalSeconds));
        }
        var read = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}"));
        var readWithToken = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", token));
        var readBeyondTheStandbys = await app.Reader.SendAsync(ReplicatedApp.Get($"/claims/{id}", unreplayed));
        var ready = await app.Reader.SendAsync(ReplicatedApp.Get("/health/ready"));

        Figures.Say($"primary dead: {writes.Count} writes answered {string.Join(", ", writes.Select(w => $"{(int)w.Response.StatusCode} in {w.Seconds:F2} s"))}; " +
            $"reads {(int)read.StatusCode}, with a replayed token {(int)readWithToken.StatusCode}, with a token beyond the standbys {(int)readBeyondTheStandbys.StatusCode}");
        foreach (var (response, body, seconds) in writes)
        {
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "a 503 without Retry-After");
            Assert.True(seconds < 5, $"a write waited {seconds:F1} s for its 503");
        }
        await read.ReadJsonAsync(HttpStatusCode.OK);
        await readWithToken.ReadJsonAsync(HttpStatusCode.OK);
        await readBeyondTheStandbys.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.True(readBeyondTheStandbys.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        await ready.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
    }
}
