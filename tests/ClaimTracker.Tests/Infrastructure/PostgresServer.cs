using System.Net.Sockets;
using System.Net;
using System.Text;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Seeds;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Testcontainers.PostgreSql;

[assembly: AssemblyFixture(typeof(ClaimTracker.Tests.Infrastructure.PostgresServer))]

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run: a Testcontainers container when a Docker endpoint answers, else the
/// app's own embedded launcher over the machine's server binaries, else a loud failure saying what is missing.
/// It holds a template database, migrated and seeded once, that every test class clones into its own database.
/// It starts on first use, so tests that need no database (the OpenAPI contract) never wait for one.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private bool _started;

    public const string ImageVariable = "CLAIMTRACKER_TEST_PG_IMAGE";
    public const string DefaultImage = "postgres:16-alpine";
    private const string Template = "claimtracker_template";

    private PostgreSqlContainer? _container;
    private EmbeddedPostgres? _embedded;
    private string? _embeddedFolder;
    private NpgsqlDataSource? _admin;
    private int _databases;

    public string Kind { get; private set; } = "";
    private string ServerConnectionString { get; set; } = "";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    private async Task EnsureStartedAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (_started) return;
            await StartAsync();
            _started = true;
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task StartAsync()
    {
        // The app's Npgsql and Dapper settings, before Npgsql is first used in this process.
        DapperSetup.Configure();
        var image = Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } set ? set : DefaultImage;
        if (await DockerEndpoint.AnswersAsync())
        {
            _container = new PostgreSqlBuilder(image).Build();
            await _container.StartAsync();
            ServerConnectionString = _container.GetConnectionString();
            Kind = $"Testcontainers ({image})";
        }
        else if (EmbeddedPostgres.FindServerBinaries() is not null)
        {
            _embeddedFolder = Path.Combine(Path.GetTempPath(), $"claimtracker-tests-{Guid.NewGuid():N}");
            Directory.CreateDirectory(_embeddedFolder);
            File.SetUnixFileMode(_embeddedFolder, (UnixFileMode)0b111_101_101);
            _embedded = await EmbeddedPostgres.StartAsync(Path.Combine(_embeddedFolder, "postgres"), NullLogger.Instance);
            // The tests create databases, which the app's own role may not.
            ServerConnectionString = _embedded.AdminConnectionString;
            Kind = "embedded PostgreSQL from the machine's server binaries";
        }
        else
        {
            throw new InvalidOperationException(
                "The tests need PostgreSQL and found none: no Docker endpoint answered (DOCKER_HOST or /var/run/docker.sock) " +
                "and no PostgreSQL server binaries (initdb, pg_ctl) were found on PATH, via pg_config or under /usr/lib/postgresql. " +
                "Install Docker, or the PostgreSQL server (apt-get install postgresql).");
        }
        TestContext.Current.SendDiagnosticMessage($"PostgreSQL for this run: {Kind}");

        _admin = NpgsqlDataSource.Create(For("postgres"));
        await using (var connection = await _admin.OpenConnectionAsync())
        {
            await connection.ExecuteAsync($"create database {Template}");
        }
        await using var template = NpgsqlDataSource.Create(For(Template));
        await Migrator.ApplyAsync(template, Migrator.Embedded(), NullLogger.Instance);
        await SeedLoader.LoadAsync(template, NullLogger.Instance, CancellationToken.None);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>A new database cloned from the migrated, seeded template; one per test class.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        await EnsureStartedAsync();
        var name = $"claimtracker_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..40];
        await using var connection = await _admin!.OpenConnectionAsync();
        await connection.ExecuteAsync($"create database {name} template {Template}");
        return For(name);
    }

    /// <summary>An empty database, for tests of migrations themselves.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        await EnsureStartedAsync();
        var name = $"claimtracker_empty_{Guid.NewGuid():N}"[..40];
        await using var connection = await _admin!.OpenConnectionAsync();
        await connection.ExecuteAsync($"create database {name}");
        return For(name);
    }

    public string For(string database) =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = database }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (_admin is not null) await _admin.DisposeAsync();
        if (_container is not null) await _container.DisposeAsync();
        if (_embedded is not null) await _embedded.DisposeAsync();
        if (_embeddedFolder is not null)
        {
            try { Directory.Delete(_embeddedFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Asks the Docker endpoint Testcontainers would use whether it answers, without needing Docker's client.</summary>
internal static class DockerEndpoint
{
    public static async Task<bool> AnswersAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endpoint;
        if (string.IsNullOrEmpty(host)) endpoint = new UnixDomainSocketEndPoint("/var/run/docker.sock");
        else if (host.StartsWith("unix://")) endpoint = new UnixDomainSocketEndPoint(host["unix://".Length..]);
        else if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme == "tcp") endpoint = new DnsEndPoint(uri.Host, uri.Port);
        else return false;

        try
        {
            using var socket = endpoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await socket.ConnectAsync(endpoint, timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), timeout.Token);
            var buffer = new byte[256];
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ");
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
