using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// A primary (the app's own embedded launcher: its least-privileged role and database) and standbys made from it with
/// pg_basebackup -R, streaming from it on loopback ports of their own, in a temporary folder; all stopped and removed
/// on dispose. PostgreSQL's plain streaming replication, asynchronous: what the read and token tests need, in seconds.
/// </summary>
public sealed class StreamingCluster : IAsyncDisposable
{
    public sealed record Node(string Name, int Port, string DataDirectory);

    private readonly string _folder;
    private readonly EmbeddedPostgres _primary;
    private readonly List<Node> _standbys = [];

    private StreamingCluster(string folder, EmbeddedPostgres primary)
    {
        _folder = folder;
        _primary = primary;
        Primary = new Node("primary", primary.Port, primary.DataDirectory);
    }

    public Node Primary { get; }
    public IReadOnlyList<Node> Standbys => _standbys;

    /// <summary>The app's connection string: every host, the primary first (the app finds which is which).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder(_primary.ConnectionString)
    {
        Host = string.Join(',', new[] { Primary }.Concat(_standbys).Select(n => $"127.0.0.1:{n.Port}")),
    }.ConnectionString;

    /// <summary>The superuser on one node's application database, unpooled: for looking and for settings.</summary>
    public string Admin(Node node) => new NpgsqlConnectionStringBuilder(_primary.AdminConnectionString)
    {
        Port = node.Port,
        Database = new NpgsqlConnectionStringBuilder(_primary.ConnectionString).Database,
        Pooling = false,
        Timeout = 5,
    }.ConnectionString;

    public static async Task<StreamingCluster> StartAsync(int standbys)
    {
        var folder = await ServerTools.FolderAsync(Path.Combine(Path.GetTempPath(), $"claimtracker-replicas-{Guid.NewGuid():N}"), writable: false);
        EmbeddedPostgres? primary = null;
        StreamingCluster? cluster = null;
        try
        {
            primary = await EmbeddedPostgres.StartAsync(Path.Combine(folder, "primary"), NullLogger.Instance);
            cluster = new StreamingCluster(folder, primary);
            var parent = await ServerTools.FolderAsync(Path.Combine(folder, "standbys"), writable: true);
            for (var i = 1; i <= standbys; i++) await cluster.AddStandbyAsync(Path.Combine(parent, $"standby{i}"), $"standby{i}");
            return cluster;
        }
        catch
        {
            if (cluster is not null) await cluster.DisposeAsync();
            else if (primary is not null) await primary.DisposeAsync();
            ServerTools.Delete(folder);
            throw;
        }
    }

    private async Task AddStandbyAsync(string dataDirectory, string name)
    {
        var source = new NpgsqlConnectionStringBuilder(_primary.AdminConnectionString);
        // -R writes primary_conninfo (with the password) and standby.signal: the copy starts as a streaming standby.
        await ServerTools.RunCheckedAsync(Path.Combine(ServerTools.Bin, "pg_basebackup"),
            ["-d", $"host=127.0.0.1 port={source.Port} user={source.Username} password={source.Password} application_name={name}",
             "-D", dataDirectory, "-R", "-X", "stream", "-c", "fast"]);
        var port = ServerTools.FreePort();
        await ServerTools.RunCheckedAsync(Path.Combine(ServerTools.Bin, "pg_ctl"),
            ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"),
             "-o", $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "-w", "-t", "60", "start"]);
        _standbys.Add(new Node(name, port, dataDirectory));
    }

    /// <summary>recovery_min_apply_delay on every standby still running: each replays a commit only that long after it was made.</summary>
    public async Task SetApplyDelayAsync(TimeSpan delay)
    {
        foreach (var standby in _standbys.Where(s => ServerTools.Running(s.DataDirectory)))
        {
            await using var connection = new NpgsqlConnection(Admin(standby));
            await connection.OpenAsync();
            await connection.ExecuteAsync($"alter system set recovery_min_apply_delay = '{(int)delay.TotalMilliseconds}ms'");
            await connection.ExecuteAsync("select pg_reload_conf()");
        }
    }

    /// <summary>Waits until every running standby has replayed all the primary has written so far.</summary>
    public async Task CaughtUpAsync(TimeSpan? limit = null)
    {
        ulong target;
        await using (var primary = new NpgsqlConnection(Admin(Primary)))
        {
            await primary.OpenAsync();
            target = (ulong)NpgsqlLogSequenceNumber.Parse(await primary.ExecuteScalarAsync<string>("select pg_current_wal_insert_lsn()::text") ?? "0/0");
        }
        foreach (var standby in _standbys.Where(s => ServerTools.Running(s.DataDirectory)))
        {
            await ServerTools.WaitForAsync(async () =>
            {
                await using var connection = new NpgsqlConnection(Admin(standby));
                await connection.OpenAsync();
                var replayed = await connection.ExecuteScalarAsync<string>("select coalesce(pg_last_wal_replay_lsn(), '0/0')::text");
                return (ulong)NpgsqlLogSequenceNumber.Parse(replayed!) >= target;
            }, limit ?? TimeSpan.FromSeconds(30), $"{standby.Name} replaying the primary up to {new NpgsqlLogSequenceNumber(target)}");
        }
    }

    /// <summary>SIGKILL to a node's postmaster (its backends follow it); returns once its port refuses connections.</summary>
    public async Task KillAsync(Node node)
    {
        var pid = ServerTools.Postmaster(node.DataDirectory) ?? throw new InvalidOperationException($"{node.Name} is not running.");
        ServerTools.Kill(pid);
        await ServerTools.WaitForAsync(() => Task.FromResult(!ServerTools.Listens(node.Port)), TimeSpan.FromSeconds(15), $"{node.Name} going down");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var standby in _standbys.Where(s => ServerTools.Running(s.DataDirectory)))
        {
            await ServerTools.RunAsync(Path.Combine(ServerTools.Bin, "pg_ctl"), ["-D", standby.DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"]);
        }
        await _primary.DisposeAsync();
        ServerTools.Delete(_folder);
    }
}
