using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.ContractFuzzing;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Faults;

/// <summary>Every route past its rate limit, and an import past its size limit, with limits low enough to reach.</summary>
[Trait("Category", "EndToEnd")]
public sealed class OverTheLimitTests(OverTheLimitTests.Factory api) : IClassFixture<OverTheLimitTests.Factory>
{
    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        public const int ImportBytes = 64 * 1024;

        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:RateLimits:ReadsPerSecond", "5"),
            ("ClaimTracker:RateLimits:WritesPerMinute", "3"),
            ("ClaimTracker:MaxImportBytes", ImportBytes.ToString()),
        ];
    }

    [Fact]
    public async Task Every_write_route_past_its_key_s_limit_gets_a_429_problem_with_Retry_After_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var writes = (await ModelAsync()).Operations.Where(o => o.IsWrite).ToList();
        for (var i = 0; i < 3; i++) await curator.CreateSubjectAsync($"Within the limit {Samples.Unique()}");
        var fingerprint = new DatabaseFingerprint(api.Db);
        var before = await fingerprint.TakeAsync();

        foreach (var operation in writes)
        {
            // The limiter answers before the request is read: any body will do.
            var request = new HttpRequestMessage(new HttpMethod(operation.Method), AnyTarget(operation))
            {
                Content = new StringContent("{}", Encoding.UTF8, operation.BodyMediaTypes.FirstOrDefault() ?? "application/json"),
            };
            request.Headers.Add(IdempotencyMiddleware.Header, $"limited-{Samples.Unique()}");
            request.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");

            var response = await curator.SendAsync(request);

            var problem = await response.ReadProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(response.Headers.RetryAfter?.Delta?.TotalSeconds >= 1, $"{operation}: Retry-After {response.Headers.RetryAfter}");
            Assert.Contains("retry after", problem.GetProperty("detail").GetString());
        }

        Assert.Empty(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()));
        // Another key has its own allowance.
        await (await api.CuratorClientAsync()).CreateSubjectAsync($"Another key {Samples.Unique()}");
        Figures.Say($"write limit: {writes.Count} write routes tried past a key's limit of 3 a minute: all 429 problems with Retry-After, nothing written");
    }

    [Fact]
    public async Task Every_read_route_past_the_client_s_limit_gets_a_429_problem_with_Retry_After_while_health_still_answers()
    {
        var model = await ModelAsync();
        // Reads open to anyone: a curator's own read (an import's progress) answers this anonymous client 401, and failed
        // authentications have a throttle of their own (HostileInputTests).
        var reads = model.Operations.Where(o => o.Method == "GET" && !o.Template.StartsWith("/health") && !o.Secured).ToList();
        var client = api.CreateClient();
        var tried = 0;

        foreach (var operation in reads)
        {
            // The bucket refills five tokens a second: drain it until this route is refused.
            HttpResponseMessage? limited = null;
            for (var attempt = 0; attempt < 40 && limited is null; attempt++)
            {
                var required = string.Join('&', operation.QueryParameters.Where(q => q.Required).Select(q => $"{q.Name}={(q.Name == "format" ? "ndjson" : "2500")}"));
                var response = await client.GetAsync(AnyTarget(operation) + (required.Length > 0 ? "?" + required : ""));
                tried++;
                if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
                else Assert.True((int)response.StatusCode < 500, $"{operation} answered {(int)response.StatusCode}");
            }

            Assert.True(limited is not null, $"{operation} was never limited.");
            await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests);
            Assert.True(limited.Headers.RetryAfter?.Delta?.TotalSeconds >= 1);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
        }
        Figures.Say($"read limit: {reads.Count} read routes each refused with a 429 problem past the limit ({tried} reads tried); /health/ready answered 200 throughout");
    }

    [Fact]
    public async Task An_import_past_its_size_limit_is_a_413_problem_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var u = Samples.Unique();
        var line = JsonSerializer.Serialize(new { type = "source", @ref = "s1", title = $"Too big {u}", body = new string('x', Factory.ImportBytes), language = "en" });
        var before = await api.CountRowsAsync();

        var request = new HttpRequestMessage(HttpMethod.Post, "/import") { Content = new StringContent(line + "\n", Encoding.UTF8, "application/x-ndjson") };
        request.Headers.ExpectContinue = true;
        request.Headers.Add(IdempotencyMiddleware.Header, $"big-{u}");
        var response = await curator.SendAsync(request);

        await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(before, await api.CountRowsAsync());
        Figures.Say($"import size: {line.Length + 1:N0} bytes against a limit of {Factory.ImportBytes:N0}: 413 problem, nothing written");
    }

    /// <summary>The operation's path with every parameter filled in: the limiter answers before anything is looked up.</summary>
    private static string AnyTarget(Operation operation) => System.Text.RegularExpressions.Regex.Replace(operation.Template, "{[^}]+}", "1");

    /// <summary>The served document; a read like any other, so it waits out the limit another test left behind.</summary>
    private async Task<OpenApiModel> ModelAsync()
    {
        var client = api.CreateDefaultClient();
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.GetAsync("/openapi/v1.json");
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 5)
            {
                return new((await response.ReadJsonAsync(HttpStatusCode.OK)).GetRawText());
            }
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }
}
