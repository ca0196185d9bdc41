using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

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
    public async Task The_reference_page_allows_its_own_inline_script_by_a_nonce_drawn_per_answer_and_nothing_inline_else()
    {
        var first = await api.CreateClient().GetAsync("/docs/");
        var second = await api.CreateClient().GetAsync("/docs/");

        var policies = new[] { first, second }.Select(r => r.Headers.GetValues("Content-Security-Policy").Single()).ToList();
        var nonces = policies.Select(p => System.Text.RegularExpressions.Regex.Match(p, "script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'").Groups[1].Value).ToList();
        Assert.All(policies, p => Assert.DoesNotContain("unsafe-inline", p));
        Assert.All(policies, p => Assert.Contains("default-src 'self'", p));
        Assert.All(nonces, n => Assert.NotEqual("", n));
        Assert.NotEqual(nonces[0], nonces[1]);
        var html = await first.Content.ReadAsStringAsync();
        var inline = System.Text.RegularExpressions.Regex.Matches(html, "<script(?![^>]*src=)([^>]*)>").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(inline);
        Assert.All(inline, attributes => Assert.Contains($"nonce=\"{nonces[0]}\"", attributes));
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
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
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task With_origins_configured_every_answer_varies_by_Origin_so_caches_keep_one_copy_per_origin()
    {
        var allowed = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        allowed.Headers.Add("Origin", "https://newsroom.example");
        var other = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        other.Headers.Add("Origin", "https://elsewhere.example");

        var answers = new[]
        {
            await api.CreateClient().SendAsync(allowed),
            await api.CreateClient().SendAsync(other),
            await api.CreateClient().GetAsync("/health/live"),
        };

        Assert.Equal("https://newsroom.example", answers[0].Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(answers[1].Headers.Contains("Access-Control-Allow-Origin"));
        Assert.All(answers, a => Assert.Equal(1, a.Headers.Vary.Count(v => v.Equals("Origin", StringComparison.OrdinalIgnoreCase))));
    }

    [Fact]
    public async Task Every_limited_answer_says_its_quota_what_is_left_and_when_the_window_ends()
    {
        var curator = await api.CuratorClientAsync();

        var first = await curator.PostJsonAsync("/subjects", new { name = $"Counted {Samples.Unique()}" });
        var second = await curator.PostJsonAsync("/subjects", new { name = $"Counted {Samples.Unique()}" });
        var health = await api.CreateClient().GetAsync("/health/live");

        Assert.Equal("\"writes\";q=3;w=60", first.Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"writes\";r=2;t=(59|60)$", first.Headers.GetValues("RateLimit").Single());
        Assert.Matches("^\"writes\";r=1;t=(5[0-9]|60)$", second.Headers.GetValues("RateLimit").Single());
        // Health checks are exempt from the limits, so they carry no quota.
        Assert.False(health.Headers.Contains("RateLimit"));
    }
}

/// <summary>Failed authentications, throttled per client address; valid keys never count.</summary>
public sealed class AuthenticationLimitsTests(AuthenticationLimitsTests.Factory api) : IClassFixture<AuthenticationLimitsTests.Factory>
{
    private const int Limit = 5;

    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        public LogCapture Logs { get; } = new();

        protected override IEnumerable<(string Key, string Value)> Settings =>
            [("ClaimTracker:RateLimits:FailedAuthenticationsPerMinute", Limit.ToString())];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }

    private HttpClient From(string address, string? key)
    {
        var client = api.CreateClientFrom(IPAddress.Parse(address));
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task<HttpResponseMessage> WriteAsync(HttpClient client) =>
        client.PostJsonAsync("/subjects", new { name = $"Guarded {Samples.Unique()}" });

    [Fact]
    public async Task Guessed_keys_past_the_limit_get_429_with_Retry_After_without_a_look_up_and_the_address_is_logged_once()
    {
        const string address = "127.0.0.21";
        var guesser = From(address, null);
        var statuses = new List<int>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 1_500; i++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/subjects") { Content = JsonContent.Create(new { name = $"Guess {i}" }) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.NewKey());
            var response = await guesser.SendAsync(request);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) throttled ??= response;
        }
        var valid = await ApiKeys.CreateAsync(api.Db, $"behind-{Samples.Unique()}");
        var sameAddress = await WriteAsync(From(address, valid.Key));

        Figures.Say($"guessed keys: {statuses.Count} tried from one address, {statuses.Count(s => s == 401)} answered 401, " +
            $"{statuses.Count(s => s == 429)} answered 429 (no key looked up)");
        Assert.Equal(Enumerable.Repeat(401, Limit), statuses.Take(Limit));
        Assert.All(statuses.Skip(Limit), s => Assert.Equal(429, s));
        Assert.NotNull(throttled);
        await throttled.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 60);
        // Until the minute ends the address is refused whatever key it sends: a right guess would be refused too.
        await sameAddress.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        var warnings = api.Logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains(address)).ToList();
        Assert.Single(warnings);
    }

    [Fact]
    public async Task Valid_keys_never_count_against_the_failure_limit()
    {
        const string address = "127.0.0.22";
        var valid = await ApiKeys.CreateAsync(api.Db, $"busy-{Samples.Unique()}");
        var curator = From(address, valid.Key);
        var wrong = From(address, ApiKeys.NewKey());

        for (var i = 0; i < 4 * Limit; i++) await (await WriteAsync(curator)).ReadJsonAsync(HttpStatusCode.Created);
        for (var i = 0; i < Limit; i++) await (await WriteAsync(wrong)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        var over = await WriteAsync(wrong);

        await over.ReadProblemAsync(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_throttled_address_slows_no_other_address()
    {
        var valid = await ApiKeys.CreateAsync(api.Db, $"elsewhere-{Samples.Unique()}");
        var attacker = From("127.0.0.23", ApiKeys.NewKey());
        for (var i = 0; i <= Limit; i++) await WriteAsync(attacker);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await WriteAsync(attacker)).StatusCode);

        var curator = await WriteAsync(From("127.0.0.24", valid.Key));
        var mistaken = await WriteAsync(From("127.0.0.24", ApiKeys.NewKey()));

        await curator.ReadJsonAsync(HttpStatusCode.Created);
        await mistaken.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
