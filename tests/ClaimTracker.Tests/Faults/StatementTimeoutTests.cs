using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ClaimTracker.Tests.ContractFuzzing;
using ClaimTracker.Tests.Infrastructure;
using Dapper;

namespace ClaimTracker.Tests.Faults;

/// <summary>Reads and writes held up past the statement timeout: 503 problems with Retry-After, and the writes leave nothing.</summary>
[Trait("Category", "EndToEnd")]
public sealed class StatementTimeoutTests(StatementTimeoutTests.Factory api) : IClassFixture<StatementTimeoutTests.Factory>
{
    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:StatementTimeoutSeconds", "1"),
            // The 503s are the point here: their log lines would only bury anything else.
            ("Logging:LogLevel:ClaimTracker.Api.Infrastructure.ProblemMapping", "Critical"),
        ];
    }

    [Fact]
    public async Task Reads_and_writes_held_past_the_statement_timeout_get_503_problems_and_write_nothing()
    {
        var world = await World.CreateAsync(api);
        var created = await world.Curator.PostJsonAsync("/claims", world.Claim());
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var etag = created.Headers.ETag!.ToString();
        var fingerprint = new DatabaseFingerprint(api.Db);
        var before = await fingerprint.TakeAsync();
        var anonymous = api.CreateClient();
        HttpRequestMessage Patch()
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = JsonContent.Create(new { reason = "held", note = "held" }) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            return request;
        }
        var calls = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("list claims", () => anonymous.GetAsync($"/claims?subject={world.SubjectId}")),
            ("get claim", () => anonymous.GetAsync($"/claims/{id}")),
            ("find a figure", () => anonymous.GetAsync("/figures?value=2500")),
            ("export", () => anonymous.GetAsync($"/exports/claims?format=ndjson&subject={world.SubjectId}")),
            ("create claim", () => world.Curator.PostJsonAsync("/claims", world.Claim(("note", "held up")))),
            ("revise claim", () => world.Curator.SendAsync(Patch())),
        };

        // A lock held elsewhere keeps every query of the claims table waiting past the one-second timeout.
        var clock = Stopwatch.StartNew();
        string?[] wrong;
        HttpResponseMessage ready;
        await using (var connection = await api.Db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("lock table claims in access exclusive mode", transaction: tx);
            wrong = await Task.WhenAll(calls.Select(async c =>
            {
                try
                {
                    var response = await c.Send();
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.ServiceUnavailable) return $"{c.Name}: {(int)response.StatusCode} {HostileInputTests.Clip(body)}";
                    if (response.Headers.RetryAfter?.Delta is not { TotalSeconds: >= 1 }) return $"{c.Name}: 503 without Retry-After";
                    return HostileInputTests.ProblemShape(503, response, body) is { } shape ? $"{c.Name}: {shape}" : null;
                }
                catch (ContractBreachException e)
                {
                    return $"{c.Name}: {e.Message}";
                }
                catch (HttpRequestException e)
                {
                    // The answer had started (200 and its headers) when the query failed: the connection was cut instead.
                    return $"{c.Name}: no 503 but a cut-off answer ({e.InnerException?.Message ?? e.Message})";
                }
            }));
            ready = await anonymous.GetAsync("/health/ready");
            await tx.RollbackAsync();
        }
        clock.Stop();
        var failures = wrong.OfType<string>().ToList();
        Figures.Say($"statement timeout: {calls.Length} reads and writes held past a 1 s timeout in {clock.Elapsed.TotalSeconds:F1} s: " +
            $"{calls.Length - failures.Count} answered 503 problems with Retry-After{string.Concat(failures.Select(f => "; " + f))}");

        // The service itself stays ready: only the queries that waited were cut off.
        await ready.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Empty(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()));
        await (await anonymous.GetAsync($"/claims/{id}")).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
