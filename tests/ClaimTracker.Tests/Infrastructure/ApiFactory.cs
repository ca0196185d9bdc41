using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>
/// The app over real HTTP (Kestrel on a loopback port) with a database of its own, cloned from the run's
/// seeded template. One per test class: classes never see each other's rows.
/// </summary>
public class ApiFactory(PostgresServer server) : WebApplicationFactory<Program>, IAsyncLifetime
{
    private NpgsqlDataSource? _db;

    public string ConnectionString { get; private set; } = "";

    /// <summary>Direct access to this class's database, for checks the API does not expose.</summary>
    public NpgsqlDataSource Db => _db ?? throw new InvalidOperationException("Not initialised.");

    private Contract? _contract;

    /// <summary>Settings a test class needs beyond the defaults (set before the server starts).</summary>
    protected virtual IEnumerable<(string Key, string Value)> Settings => [];

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync();
        _db = NpgsqlDataSource.Create(ConnectionString);
        UseKestrel(0);
        StartServer();
        _contract = new Contract(await CreateDefaultClient().GetStringAsync("/openapi/v1.json"));
    }

    /// <summary>A client whose every response is checked against the OpenAPI contract.</summary>
    public new HttpClient CreateClient() => CreateDefaultClient(new ContractCheckingHandler(_contract!));

    /// <summary>
    /// A contract-checked client whose connections come from another loopback address (127.0.0.0/8 is all loopback),
    /// so the server sees another client address.
    /// </summary>
    public HttpClient CreateClientFrom(IPAddress local)
    {
        var sockets = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(IPAddress.Loopback, context.DnsEndPoint.Port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(new ContractCheckingHandler(_contract!) { InnerHandler = sockets }) { BaseAddress = CreateDefaultClient().BaseAddress };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("ConnectionStrings:ClaimTracker", ConnectionString);
        // The template is seeded already; start-up still checks the migrations.
        builder.UseSetting("ClaimTracker:Seed", "false");
        // Tests send far more than one client should; the limits themselves are tested with their own settings.
        builder.UseSetting("ClaimTracker:RateLimits:ReadsPerSecond", "1000000");
        builder.UseSetting("ClaimTracker:RateLimits:WritesPerMinute", "1000000");
        builder.UseSetting("ClaimTracker:RateLimits:FailedAuthenticationsPerMinute", "1000000");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
    }

    /// <summary>A client sending the key of a new curator of its own.</summary>
    public async Task<HttpClient> CuratorClientAsync(string? name = null)
    {
        var key = await ApiKeys.CreateAsync(Db, name ?? $"curator-{Guid.NewGuid():N}");
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        return client;
    }

    /// <summary>Row counts of every table, to show that a refused request wrote nothing.</summary>
    public async Task<Dictionary<string, long>> CountRowsAsync()
    {
        await using var connection = await Db.OpenConnectionAsync();
        // claim_documents and kept_answers hold kept answers, which reads write: not what a refused write may leave behind.
        var tables = await connection.QueryAsync<string>(
            "select tablename from pg_tables where schemaname = 'public' and tablename not in ('claim_documents', 'kept_answers') order by tablename");
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = await connection.ExecuteScalarAsync<long>($"select count(*) from \"{table}\"");
        }
        return counts;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_db is not null) await _db.DisposeAsync();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
