using System.Net;
using System.Net.Http.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Reliability;

public sealed class ProtectionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Health_says_live_and_ready()
    {
        var live = await api.CreateClient().GetJsonAsync("/health/live");
        var ready = await api.CreateClient().GetJsonAsync("/health/ready");

        Assert.Equal("live", live.GetProperty("status").GetString());
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("reachable", ready.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Every_answer_carries_security_headers_and_a_request_id()
    {
        var response = await api.CreateClient().GetAsync("/sources?limit=1");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("X-Request-Id").Single()));
    }

    [Fact]
    public async Task CORS_is_closed_unless_origins_are_configured()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/sources");
        request.Headers.Add("Origin", "https://elsewhere.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await api.CreateClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Sixteen_curators_revising_one_claim_from_one_version_make_exactly_one_winner()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var curators = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => api.CuratorClientAsync()));

        var responses = await Task.WhenAll(curators.Select((c, i) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = JsonContent.Create(new { reason = $"curator {i}", note = $"note {i}" }) };
            request.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
            return c.SendAsync(request);
        }));

        var winners = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        TestContext.Current.SendDiagnosticMessage($"concurrent curators: 16 tried, {winners} won, {responses.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed)} got 412");
        Console.WriteLine($"concurrent curators: winners {winners} (must be 1)");
        Assert.Equal(1, winners);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.PreconditionFailed, r.StatusCode));
        var history = await api.CreateClient().GetJsonAsync($"/claims/{id}/history");
        Assert.Equal(["created", "revised"], history.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
    }
}

/// <summary>The limits themselves, with settings low enough to reach.</summary>
public sealed class LimitsTests(LimitsTests.Factory api) : IClassFixture<LimitsTests.Factory>
{
    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:RateLimits:ReadsPerSecond", "5"),
            ("ClaimTracker:RateLimits:WritesPerMinute", "3"),
            ("ClaimTracker:Cors:Origins:0", "https://newsroom.example"),
        ];
    }

    [Fact]
    public async Task Reads_over_the_limit_get_429_with_Retry_After()
    {
        var client = api.CreateClient();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 40 && limited is null; i++)
        {
            var response = await client.GetAsync("/properties");
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited = response;
        }

        Assert.NotNull(limited);
        await limited.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) >= 1);
    }

    [Fact]
    public async Task Writes_over_the_limit_get_429_per_key_and_write_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var other = await api.CuratorClientAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++) statuses.Add((await curator.PostJsonAsync("/subjects", new { name = $"Limited {Samples.Unique()}" })).StatusCode);
        var before = await api.CountRowsAsync();

        var over = await curator.PostJsonAsync("/subjects", new { name = $"Limited {Samples.Unique()}" });
        var otherKey = await other.PostJsonAsync("/subjects", new { name = $"Limited {Samples.Unique()}" });

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        await over.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        await otherKey.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(before.Sum(t => t.Value) + 2, (await api.CountRowsAsync()).Sum(t => t.Value));
    }

    [Fact]
    public async Task Configured_origins_may_call_the_API_from_a_browser()
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/claims");
        request.Headers.Add("Origin", "https://newsroom.example");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await api.CreateClient().SendAsync(request);

        Assert.Equal("https://newsroom.example", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }
}
