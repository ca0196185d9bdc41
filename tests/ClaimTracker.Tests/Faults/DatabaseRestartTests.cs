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
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// PostgreSQL stopped and started again (once cleanly, once as a crash) on the same port while a load generator reads
/// and writes through the app: only 503 problems with Retry-After while it is down, full service soon after.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class DatabaseRestartTests
{
    private const int Workers = 4;
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Observed = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(5);

    private sealed record Outcome(double Start, double End, string Operation, int Status, string? Violation);

    [Fact]
    public async Task Restarting_PostgreSQL_under_load_gives_only_503_problems_while_down_and_full_service_within_5_s()
    {
        await using var cluster = await RestartableCluster.StartAsync();
        await using var app = new InProcessApp(cluster.ConnectionString);
        using var client = app.Start();

        // Data of this test's own (the app migrated the new database at start-up). The test's own look at the database
        // is unpooled: no connection of it is left over from before a restart.
        await using var db = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Pooling = false }.ConnectionString);
        var (curatorId, _, key, _) = await ApiKeys.CreateAsync(db, "restart-curator");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var run = Samples.Unique();
        var sourceId = (await client.CreateSourceAsync(Samples.Source(body: World.Body + $" [{run}]"))).GetProperty("id").GetInt64();
        var subject = $"Restart force {run}";
        var subjectId = await client.CreateSubjectAsync(subject);
        var marker = $"restart-{run}-";
        string ClaimBody(int n) => JsonSerializer.Serialize(new
        {
            subject, property = "troop_count", validAt = "2024-09", note = $"{marker}{n:D5}",
            value = new { kind = "quantity", amount = n % 5 == 0 ? 3000 : 2500 },
            evidence = new[] { new { sourceId, exact = n % 5 == 0 ? "3,000 US troops remained" : "put the number at 2,500 exactly" } },
        });
        var claimIds = new ConcurrentBag<long>();
        for (var n = 0; n < 5; n++)
        {
            var response = await client.PostAsync("/claims", new StringContent(ClaimBody(n), Encoding.UTF8, "application/json"));
            claimIds.Add((await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64());
        }

        var clock = Stopwatch.StartNew();
        var outcomes = new ConcurrentQueue<Outcome>();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var nextClaim = 100;
        using var stop = new CancellationTokenSource();
        var load = Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Pace);
            (string Key, string Note, string Body)? pending = null;
            for (var i = w; !stop.IsCancellationRequested; i++)
            {
                var ids = claimIds.ToArray();
                var (operation, request) = (i % 6) switch
                {
                    0 => ("list claims", new HttpRequestMessage(HttpMethod.Get, $"/claims?subject={subjectId}&limit=20")),
                    1 => ("get claim", new HttpRequestMessage(HttpMethod.Get, $"/claims/{ids[i % ids.Length]}")),
                    2 => ("get source", new HttpRequestMessage(HttpMethod.Get, $"/sources/{sourceId}")),
                    3 => ("list conflicts", new HttpRequestMessage(HttpMethod.Get, $"/conflicts?subject={subjectId}&limit=10")),
                    4 => ("ready", new HttpRequestMessage(HttpMethod.Get, "/health/ready")),
                    _ => ("create claim", CreateClaim(pending ??= NewWrite(Interlocked.Increment(ref nextClaim)))),
                };
                var start = clock.Elapsed.TotalSeconds;
                int status;
                string? violation = null;
                try
                {
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    status = (int)response.StatusCode;
                    if (status == 503) violation = NotAProperOutage(response, body);
                    else if (status >= 300) violation = $"{status} {body}";
                    else if (operation == "create claim")
                    {
                        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
                        acknowledged[pending!.Value.Note] = id;
                        claimIds.Add(id);
                        pending = null;
                    }
                }
                catch (HttpRequestException e)
                {
                    status = 0;
                    violation = $"no answer: {e.Message}";
                }
                outcomes.Enqueue(new Outcome(start, clock.Elapsed.TotalSeconds, operation, status, violation is null ? null : $"{operation}: {violation}"));
                await timer.WaitForNextTickAsync();
            }
        })));

        (string Key, string Note, string Body) NewWrite(int n) => ($"{run}-{n}", $"{marker}{n:D5}", ClaimBody(n));

        HttpRequestMessage CreateClaim((string Key, string Note, string Body) write)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/claims") { Content = new StringContent(write.Body, Encoding.UTF8, "application/json") };
            request.Headers.Add(IdempotencyMiddleware.Header, write.Key);
            return request;
        }

        var cycles = new List<(string Mode, double Stopping, double Back)>();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            foreach (var mode in (string[])["fast", "immediate"])
            {
                var stopping = clock.Elapsed.TotalSeconds;
                await cluster.StopAsync(mode);
                await Task.Delay(Down);
                await cluster.StartAgainAsync();
                cycles.Add((mode, stopping, clock.Elapsed.TotalSeconds));
                await Task.Delay(Observed);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await load;
        }

        var all = outcomes.OrderBy(o => o.Start).ToList();
        var violations = all.Where(o => o.Violation is not null).Select(o => o.Violation!).ToList();
        var unavailable = all.Count(o => o.Status == 503);
        var beforeFirstStop = all.Count(o => o.Status == 503 && o.End < cycles[0].Stopping);
        var report = new List<string>();
        var recoveries = new List<double>();
        for (var c = 0; c < cycles.Count; c++)
        {
            var (mode, stopping, back) = cycles[c];
            // Up to the next stop (or the end of the load): what happened while this one was down and after it came back.
            var until = c + 1 < cycles.Count ? cycles[c + 1].Stopping : double.MaxValue;
            var window = all.Where(o => o.End >= stopping && o.End < until).ToList();
            // Full service: from the last failure of a request sent after the server was back, every request succeeds.
            var lastFailure = window.Where(o => o.Start >= back && o.Status != 200 && o.Status != 201).Select(o => o.End).DefaultIfEmpty(back).Max();
            var recovery = lastFailure - back;
            recoveries.Add(recovery);
            var firstAnswer = window.Where(o => o.Start >= back && o.Status is 200 or 201).Select(o => o.End - back).DefaultIfEmpty(double.NaN).Min();
            report.Add($"{mode} stop: {window.Count(o => o.Status == 503 && o.End <= back)} × 503 while down, " +
                $"{window.Count(o => o.Status == 503 && o.End > back)} after; server back {back - stopping:F1} s after the stop began; " +
                $"first answer {firstAnswer:F2} s after it, full service {recovery:F2} s after it; {window.Count(o => o.Start >= back && o.Status is 200 or 201)} answered after");
        }
        // Every acknowledged write is there once, and no key was left half-recorded by a cut-off transaction.
        await using var connection = await db.OpenConnectionAsync();
        var copies = (await connection.QueryAsync<(string Note, long Copies)>(
            "select note, count(*) from claims where note like @pattern group by note", new { pattern = marker + "%" })).ToDictionary(c => c.Note, c => c.Copies);
        var lost = acknowledged.Keys.Count(note => !copies.ContainsKey(note));
        var duplicated = copies.Count(c => c.Value > 1);
        var halfRecorded = await connection.ExecuteScalarAsync<long>(
            "select count(*) from idempotency_keys where curator_id = @curatorId and status is null", new { curatorId });
        report.Add($"writes acknowledged {acknowledged.Count}, lost {lost}, duplicated {duplicated}, keys half-recorded {halfRecorded}");

        Figures.Say($"database restart under load: {all.Count} requests, {unavailable} × 503 (problem+json with Retry-After), " +
            $"{all.Count(o => o.Status == 500)} × 500, recovery {string.Join(" and ", recoveries.Select(r => $"{r:F2} s"))} (limit {RecoveryLimit.TotalSeconds:F0} s)");
        foreach (var line in report) Figures.Say($"database restart under load: {line}");

        Assert.True(violations.Count == 0,
            $"{violations.Count} answers other than success or a proper 503:\n{string.Join('\n', violations.Distinct().Take(12))}\n--- app errors ---\n" +
            string.Join('\n', app.Errors.Entries.Where(e => !e.Contains("with 503")).Take(5)));
        Assert.Equal(0, beforeFirstStop);
        Assert.True(unavailable > 0, "No request saw the database down: the restart did not happen under load.");
        Assert.All(recoveries, r => Assert.True(r <= RecoveryLimit.TotalSeconds, $"Full service came back {r:F2} s after the server (limit {RecoveryLimit.TotalSeconds} s)."));
        Assert.All(all.Where(o => o.Start > cycles[^1].Back + RecoveryLimit.TotalSeconds), o => Assert.True(o.Status is 200 or 201, o.Violation));
        Assert.True(acknowledged.Count > 0, "No write was acknowledged.");
        Assert.Equal((0, 0, 0L), (lost, duplicated, halfRecorded));
    }

    /// <summary>
    /// The shape of the 500 the restart above can meet: the connection dies while Dapper materialises a row, and Dapper
    /// wraps Npgsql's error in a DataException. The database is as unavailable as in any other outage.
    /// </summary>
    [Fact]
    public async Task A_connection_lost_while_a_row_is_read_is_a_503_with_Retry_After_not_a_500()
    {
        var lost = new System.Data.DataException("Exception while reading from stream",
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException("Attempted to read past the end of the stream.")));
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var mapping = new ProblemMapping(services.GetRequiredService<IProblemDetailsService>(), NullLogger<ProblemMapping>.Instance);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();

        await mapping.TryHandleAsync(http, lost, CancellationToken.None);

        Figures.Say($"a connection lost mid-row ({lost.GetType().Name} around {lost.InnerException!.GetType().Name}): answered {http.Response.StatusCode}");
        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
    }

    /// <returns>What is wrong with a 503 answer, or null when it is problem+json with a Retry-After.</returns>
    private static string? NotAProperOutage(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") return $"503 as {response.Content.Headers.ContentType}: {body}";
        if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 }) return $"503 without a Retry-After: {body}";
        var problem = JsonDocument.Parse(body).RootElement;
        if (problem.GetProperty("status").GetInt32() != 503 || string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()))
        {
            return $"503 with a malformed problem: {body}";
        }
        return null;
    }
}
