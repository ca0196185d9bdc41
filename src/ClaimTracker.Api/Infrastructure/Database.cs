using System.Data.Common;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Seeds;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Owns the app's data sources: from the configured connection string, or from an embedded server when none is
/// configured. With one host there is one data source. With several (a primary and its standbys) writes go to the
/// primary (<see cref="DataSource"/>) and reads to the standbys, balanced (<see cref="ReadSource"/>); see
/// docs/deployment.md. Start-up applies migrations, loads the seed corpus and, for the embedded server, makes sure
/// a local development key exists.
/// </summary>
public sealed class Database(
    IConfiguration configuration, IOptions<ClaimTrackerOptions> options, IOptions<EmbeddedServerOptions> embedded, ILogger<Database> logger) : IHostedService, IAsyncDisposable
{
    private readonly ClaimTrackerOptions _settings = options.Value;
    private EmbeddedPostgres? _embedded;
    private NpgsqlDataSource? _dataSource;
    private NpgsqlDataSource? _primary;
    private NpgsqlDataSource? _reads;
    private readonly Lock _closeLock = new();
    private Task? _closing;

    /// <summary>The primary: writes, migrations, advisory locks, keys, and every read that must see the latest commit.</summary>
    public NpgsqlDataSource DataSource =>
        _primary ?? throw new InvalidOperationException("Database.OpenAsync must run before the database is used.");

    /// <summary>The standbys, balanced, or the primary when none answers; the same as <see cref="DataSource"/> with one host.</summary>
    public NpgsqlDataSource ReadSource =>
        _reads ?? throw new InvalidOperationException("Database.OpenAsync must run before the database is used.");

    /// <summary>Whether the connection string names several hosts (a primary and standbys).</summary>
    public bool HasStandbys => _dataSource is NpgsqlMultiHostDataSource;

    /// <summary>The folder for the embedded server's data and the development key (default <c>.data</c>).</summary>
    public string DataDirectory => Path.GetFullPath(_settings.DataDirectory);

    public EmbeddedPostgres? Embedded => _embedded;

    public async Task OpenAsync(CancellationToken ct, bool prepare = true)
    {
        if (_settings.SkipDatabase)
        {
            // Only the OpenAPI document is wanted: no server, no connection is ever opened.
            _dataSource = _primary = _reads = NpgsqlDataSource.Create("Host=localhost");
            return;
        }

        var connectionString = configuration.GetConnectionString("ClaimTracker");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            _embedded = await EmbeddedPostgres.StartAsync(Path.Combine(DataDirectory, "postgres"), logger,
                TimeSpan.FromSeconds(embedded.Value.RecoverySeconds), ct);
            connectionString = _embedded.ConnectionString;
        }
        _dataSource = Build(connectionString, _settings.StatementTimeoutSeconds);
        (_primary, _reads) = _dataSource is NpgsqlMultiHostDataSource hosts
            // ReadWrite rather than Primary: a promoted standby that pg_auto_failover keeps read-only until the old
            // primary is known to be down is a primary to Npgsql, and writes sent there would all fail.
            ? (hosts.WithTargetSession(TargetSessionAttributes.ReadWrite), hosts.WithTargetSession(TargetSessionAttributes.PreferStandby))
            : (_dataSource, _dataSource);

        if (!prepare) return;
        await Migrator.ApplyAsync(DataSource, Migrator.Embedded(), logger, ct);
        await Sources.SourceFingerprints.BackfillAsync(DataSource, logger, ct);
        if (_settings.Seed)
        {
            await SeedLoader.LoadAsync(DataSource, logger, ct);
        }
        if (_embedded is not null)
        {
            await DevelopmentKey.EnsureAsync(DataSource, Path.Combine(DataDirectory, "dev-api-key"), logger, ct);
        }
    }

    public static NpgsqlDataSource Build(string connectionString, int timeout)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options) && timeout > 0)
        {
            // Enforced by the server, so a runaway query is cancelled even if the client has gone.
            builder.ConnectionStringBuilder.Options = $"-c statement_timeout={timeout * 1000}";
        }
        if (!Names(connectionString, "Max Auto Prepare"))
        {
            // Every request sends one of a few dozen statement shapes: prepared on a connection after their second
            // use, they are planned once per connection instead of on every request (planning ClaimQuery costs more
            // than running it). Multiplexing stays off: session advisory locks (the migrator's) need one connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        if (!Names(connectionString, "No Reset On Close"))
        {
            // A connection given back to the pool is otherwise reset on its next use (RESET ALL and more, run by the
            // server): as much work as a point read. The app keeps no session state: settings are SET LOCAL, temporary
            // tables drop on commit, and the migrator undoes its own session setting and lock.
            builder.ConnectionStringBuilder.NoResetOnClose = true;
        }
        builder.ConnectionStringBuilder.ApplicationName ??= "ClaimTracker";
        if (builder.ConnectionStringBuilder.Host?.Contains(',') == true)
        {
            // Several hosts: spread the reads over the standbys, and look again at which host is the primary every
            // 2 s instead of Npgsql's 10, so that writes follow a promoted standby within seconds of its promotion.
            if (!Names(connectionString, "Load Balance Hosts")) builder.ConnectionStringBuilder.LoadBalanceHosts = true;
            if (!Names(connectionString, "Host Recheck Seconds")) builder.ConnectionStringBuilder.HostRecheckSeconds = 2;
        }
        return builder.Build();
    }

    // Whether the operator's connection string sets a keyword at all (Npgsql's builder reads 0 for "not given"):
    // keywords are case-insensitive and may be written with or without their spaces.
    private static bool Names(string connectionString, string keyword)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(key =>
            string.Equals(key.Replace(" ", ""), keyword.Replace(" ", ""), StringComparison.OrdinalIgnoreCase));
    }

    // Opened by Program before the host starts, so the first request finds a migrated, seeded database.
    Task IHostedService.StartAsync(CancellationToken ct) => Task.CompletedTask;

    Task IHostedService.StopAsync(CancellationToken ct) => DisposeAsync().AsTask();

    public ValueTask DisposeAsync()
    {
        lock (_closeLock)
        {
            _closing ??= CloseAsync();
        }
        return new ValueTask(_closing);
    }

    private async Task CloseAsync()
    {
        if (_dataSource is not null) await _dataSource.DisposeAsync();
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
