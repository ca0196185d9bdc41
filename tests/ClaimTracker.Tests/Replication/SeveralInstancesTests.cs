using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace ClaimTracker.Tests.Replication;

/// <summary>An app behind a reverse proxy on 127.0.0.1, with a throttle small enough to reach.</summary>
public sealed class ProxiedApiFactory(PostgresServer server) : ApiFactory(server)
{
    public const int Limit = 3;

    protected override IEnumerable<(string Key, string Value)> Settings =>
    [
        ("ClaimTracker:RateLimits:FailedAuthenticationsPerMinute", Limit.ToString()),
        ("ClaimTracker:ForwardedHeaders:KnownProxies:0", "127.0.0.1"),
    ];
}

/// <summary>
/// What several app instances share or must agree on: the client address behind a configured proxy (and only behind
/// one), the periodic key clean-up taking turns through an advisory lock, and how several hosts are connected to.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SeveralInstancesTests(ProxiedApiFactory api) : IClassFixture<ProxiedApiFactory>
{
    private async Task<int> GuessAsync(HttpClient client, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/subjects") { Content = JsonContent.Create(new { name = $"Guess {Samples.Unique()}" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKeys.NewKey());
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return (int)(await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_forwarded_client_is_throttled_on_its_own()
    {
        var proxy = api.CreateClientFrom(IPAddress.Loopback);

        var first = new List<int>();
        for (var i = 0; i <= ProxiedApiFactory.Limit; i++) first.Add(await GuessAsync(proxy, $"198.51.100.{i}, 203.0.113.10"));
        var second = await GuessAsync(proxy, "203.0.113.99");

        // The proxy appends the address it saw: the last entry is the client, whatever the client wrote before it.
        Assert.Equal([.. Enumerable.Repeat(401, ProxiedApiFactory.Limit), 429], first);
        Assert.Equal(401, second);
    }

    [Fact]
    public async Task From_a_peer_that_is_not_a_configured_proxy_X_Forwarded_For_is_ignored()
    {
        var peer = api.CreateClientFrom(IPAddress.Parse("127.0.0.2"));

        var statuses = new List<int>();
        for (var i = 0; i <= ProxiedApiFactory.Limit; i++) statuses.Add(await GuessAsync(peer, $"203.0.113.{50 + i}"));

        Assert.Equal([.. Enumerable.Repeat(401, ProxiedApiFactory.Limit), 429], statuses);
    }

    [Theory]
    [InlineData("KnownProxies", "nginx.local")]
    [InlineData("KnownNetworks", "10.0.0.0")]
    [InlineData("KnownNetworks", "10.0.0.0/33")]
    public void A_proxy_setting_that_does_not_read_stops_start_up_naming_it(string setting, string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"{ForwardedHeadersSettings.Section}:{setting}:0"] = value })
            .Build();

        var failure = Assert.Throws<SettingsException>(() => Settings.Read<ForwardedHeadersSettings>(configuration, ForwardedHeadersSettings.Section));

        Assert.Contains($"{ForwardedHeadersSettings.Section}:{setting}", failure.Message);
        Assert.Contains(value, failure.Message);
    }

    [Fact]
    public async Task The_key_clean_up_runs_on_one_instance_at_a_time()
    {
        var (curatorId, _, _, _) = await ApiKeys.CreateAsync(api.Db, $"cleanup-{Samples.Unique()}");
        var key = $"old-{Samples.Unique()}";
        await using var connection = await api.Db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            insert into idempotency_keys (curator_id, key, method, path, request_sha256, created_at)
            values (@curatorId, @key, 'POST', '/subjects', '\x00', now() - interval '3 days')
            """, new { curatorId, key });
        async Task<bool> KeptAsync() =>
            await connection.ExecuteScalarAsync<bool>("select exists (select 1 from idempotency_keys where key = @key)", new { key });

        // Another instance at work: it holds the lock until its transaction ends.
        await using (var other = await api.Db.OpenConnectionAsync())
        await using (var busy = await other.BeginTransactionAsync())
        {
            Assert.True(await other.ExecuteScalarAsync<bool>("select pg_try_advisory_xact_lock(@k)", new { k = IdempotencyKeyCleanup.AdvisoryLockKey }, busy));
            Assert.Null(await IdempotencyKeyCleanup.RunOnceAsync(api.Db, CancellationToken.None));
            Assert.True(await KeptAsync());
        }

        var deleted = await IdempotencyKeyCleanup.RunOnceAsync(api.Db, CancellationToken.None);

        Assert.True(deleted >= 1, $"deleted {deleted}");
        Assert.False(await KeptAsync());
    }

    [Fact]
    public void Several_hosts_are_balanced_and_the_primary_looked_for_again_every_two_seconds_unless_the_operator_says_otherwise()
    {
        static NpgsqlConnectionStringBuilder Built(string connectionString)
        {
            using var dataSource = Database.Build(connectionString, 10);
            Assert.IsType<NpgsqlMultiHostDataSource>(dataSource);
            return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        }

        var defaults = Built("Host=db1.example,db2.example:5433;Username=app");
        var chosen = Built("Host=db1.example,db2.example;Username=app;Load Balance Hosts=false;Host Recheck Seconds=30");
        using var single = Database.Build("Host=db1.example;Username=app", 10);

        Assert.True(defaults.LoadBalanceHosts);
        Assert.Equal(2, defaults.HostRecheckSeconds);
        Assert.False(chosen.LoadBalanceHosts);
        Assert.Equal(30, chosen.HostRecheckSeconds);
        Assert.IsNotType<NpgsqlMultiHostDataSource>(single);
        Assert.Equal(10, new NpgsqlConnectionStringBuilder(single.ConnectionString).HostRecheckSeconds);
    }
}
