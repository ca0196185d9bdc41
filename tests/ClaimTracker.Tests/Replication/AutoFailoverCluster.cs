using System.Diagnostics;
using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// A pg_auto_failover formation on loopback ports in a temporary folder: its monitor and two PostgreSQL nodes, each
/// run by its own `pg_autoctl ... --run` in a session of its own (as the postgres user when the tests run as root).
/// With a healthy secondary, pg_auto_failover makes the primary's commits synchronous (synchronous_standby_names =
/// ANY 1 of the secondaries): every acknowledged commit is on the secondary. The monitor's timings are shortened
/// (<see cref="MonitorSettings"/>) so that a killed primary is replaced in seconds, not the defaults' 50 or so.
/// Disposing kills every process the formation started and removes the folder.
/// </summary>
public sealed class AutoFailoverCluster : IAsyncDisposable
{
    public sealed record Node(string Name, int Port, string DataDirectory, Process Keeper);

    public const string Database = "claimtracker";
    public const string AppRole = "claimtracker_app";
    private const string AppPassword = "replicated-app";

    /// <summary>
    /// The monitor's health checks every second, a node unreachable for 3 s is failed, and a promoted secondary waits
    /// 5 s (not 30) for the old primary to demote itself before it takes writes. docs/deployment.md says why the last
    /// one is a trade-off; these tests kill nodes and never cut them off, so the keepers' own network_partition_timeout
    /// is left as it is.
    /// </summary>
    public static readonly (string Name, string Value)[] MonitorSettings =
    [
        ("pgautofailover.health_check_period", "1000"),
        ("pgautofailover.health_check_timeout", "1000"),
        ("pgautofailover.health_check_max_retries", "1"),
        ("pgautofailover.health_check_retry_delay", "500"),
        ("pgautofailover.node_considered_unhealthy_timeout", "3000"),
        ("pgautofailover.primary_demote_timeout", "5000"),
    ];

    private readonly string _folder;
    private readonly Dictionary<string, string> _environment;
    private readonly List<Process> _keepers = [];
    private readonly List<Node> _nodes = [];
    private int _monitorPort;

    private AutoFailoverCluster(string folder)
    {
        _folder = folder;
        // pg_autoctl keeps its configuration and state under the XDG folders: the formation's own, not the postgres user's home.
        _environment = new()
        {
            ["XDG_CONFIG_HOME"] = Path.Combine(folder, "config"),
            ["XDG_DATA_HOME"] = Path.Combine(folder, "share"),
            ["XDG_RUNTIME_DIR"] = Path.Combine(folder, "run"),
        };
    }

    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>The app's connection string: every node (the app finds which is the primary).</summary>
    public string ConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.Port}")),
        Database = Database,
        Username = AppRole,
        Password = AppPassword,
    }.ConnectionString;

    /// <summary>The superuser on one node, unpooled, failing fast: for looking, not for the app.</summary>
    public static string Admin(Node node) =>
        $"Host=127.0.0.1;Port={node.Port};Database={Database};Username=postgres;Pooling=false;Timeout=2;Command Timeout=5";

    private string MonitorUri => $"postgres://autoctl_node@127.0.0.1:{_monitorPort}/pg_auto_failover?sslmode=disable";

    /// <summary>pg_autoctl: on PATH, else where Debian's pg-auto-failover-cli puts it; missing, the tests fail saying how to install it.</summary>
    public static string PgAutoctl { get; } = FindPgAutoctl();

    private static string FindPgAutoctl()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append(ServerTools.Bin)
            .Select(folder => Path.Combine(folder, "pg_autoctl"));
        return candidates.FirstOrDefault(File.Exists) ?? throw new InvalidOperationException(
            "The failover tests need pg_auto_failover's pg_autoctl and found it neither on PATH nor in /usr/bin. Install it " +
            "(Debian 12: apt-get install postgresql-15-auto-failover pg-auto-failover-cli).");
    }

    public static async Task<AutoFailoverCluster> StartAsync()
    {
        _ = PgAutoctl;
        var folder = await ServerTools.FolderAsync(Path.Combine(Path.GetTempPath(), $"claimtracker-failover-{Guid.NewGuid():N}"), writable: true);
        var cluster = new AutoFailoverCluster(folder);
        try
        {
            foreach (var sub in new[] { "config", "share", "run" }) await ServerTools.FolderAsync(Path.Combine(folder, sub), writable: true);
            await cluster.StartMonitorAsync();
            var primary = await cluster.StartNodeAsync("node1");
            await cluster.WaitForStatesAsync(TimeSpan.FromSeconds(60), ("node1", "single"));
            await CreateAppRoleAsync(primary);
            await cluster.StartNodeAsync("node2");
            // pg_basebackup waits for a checkpoint, which PostgreSQL would spread over minutes: ask for it at once.
            await cluster.WaitForStatesAsync(TimeSpan.FromSeconds(90), async () => await Checkpoint(primary), ("node1", "primary"), ("node2", "secondary"));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartMonitorAsync()
    {
        _monitorPort = ServerTools.FreePort();
        var data = Path.Combine(_folder, "monitor");
        _keepers.Add(ServerTools.StartInBackground(PgAutoctl,
            ["create", "monitor", "--pgdata", data, "--pgport", _monitorPort.ToString(), "--hostname", "127.0.0.1",
             "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(ServerTools.Bin, "pg_ctl"), "--run"],
            _environment, Path.Combine(_folder, "monitor.log")));
        var monitor = $"Host=127.0.0.1;Port={_monitorPort};Database=pg_auto_failover;Username=postgres;Pooling=false;Timeout=2";
        await ServerTools.WaitForAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(monitor);
            await connection.OpenAsync();
            return await connection.ExecuteScalarAsync<bool>("select exists (select 1 from pg_extension where extname = 'pgautofailover')");
        }, TimeSpan.FromSeconds(60), $"the pg_auto_failover monitor answering (log: {Path.Combine(_folder, "monitor.log")})", 250);
        await using (var connection = new NpgsqlConnection(monitor))
        {
            await connection.OpenAsync();
            foreach (var (name, value) in MonitorSettings) await connection.ExecuteAsync($"alter system set {name} = {value}");
            await connection.ExecuteAsync("select pg_reload_conf()");
        }
    }

    private async Task<Node> StartNodeAsync(string name)
    {
        var port = ServerTools.FreePort();
        var data = Path.Combine(_folder, name);
        var keeper = ServerTools.StartInBackground(PgAutoctl,
            ["create", "postgres", "--pgdata", data, "--pgport", port.ToString(), "--listen", "127.0.0.1", "--hostname", "127.0.0.1", "--name", name,
             "--dbname", Database, "--auth", "trust", "--no-ssl", "--pgctl", Path.Combine(ServerTools.Bin, "pg_ctl"),
             "--monitor", MonitorUri, "--run"],
            _environment, Path.Combine(_folder, $"{name}.log"));
        _keepers.Add(keeper);
        var node = new Node(name, port, data, keeper);
        _nodes.Add(node);
        return node;
    }

    private static async Task CreateAppRoleAsync(Node primary)
    {
        await using var connection = new NpgsqlConnection(Admin(primary));
        await connection.OpenAsync();
        // What the embedded server makes too: a role that owns the database and its schema, nothing more.
        await connection.ExecuteAsync($"create role {AppRole} login password '{AppPassword}'");
        await connection.ExecuteAsync($"alter database {Database} owner to {AppRole}");
        await connection.ExecuteAsync($"alter schema public owner to {AppRole}");
    }

    private static async Task Checkpoint(Node node)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Admin(node));
            await connection.OpenAsync();
            // The semicolon: Dapper takes a single bare word for the name of a stored procedure.
            await connection.ExecuteAsync("checkpoint;");
        }
        catch (NpgsqlException)
        {
            // Not up yet, or restarting: the next round asks again.
        }
    }

    /// <summary>Each node's state as the monitor reports it (single, primary, secondary, wait_primary, demoted, ...).</summary>
    public async Task<Dictionary<string, string>> StatesAsync()
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_monitorPort};Database=pg_auto_failover;Username=autoctl_node;Pooling=false;Timeout=2");
        await connection.OpenAsync();
        return (await connection.QueryAsync<(string Name, string State)>(
                "select nodename, reportedstate::text from pgautofailover.node"))
            .ToDictionary(r => r.Name, r => r.State);
    }

    /// <summary>Waits until each named node reports its state and the monitor assigns it the same (no transition under way).</summary>
    public async Task WaitForStatesAsync(TimeSpan limit, params (string Node, string State)[] wanted) =>
        await WaitForStatesAsync(limit, null, wanted);

    private async Task WaitForStatesAsync(TimeSpan limit, Func<Task>? meanwhile, params (string Node, string State)[] wanted)
    {
        Dictionary<string, (string Reported, string Goal)> seen = [];
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={_monitorPort};Database=pg_auto_failover;Username=autoctl_node;Pooling=false;Timeout=2");
                await connection.OpenAsync();
                seen = (await connection.QueryAsync<(string Name, string Reported, string Goal)>(
                        "select nodename, reportedstate::text, goalstate::text from pgautofailover.node"))
                    .ToDictionary(r => r.Name, r => (r.Reported, r.Goal));
                if (wanted.All(w => seen.TryGetValue(w.Node, out var s) && s.Reported == w.State && s.Goal == w.State)) return;
            }
            catch (NpgsqlException)
            {
                // The monitor is still starting.
            }
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"pg_auto_failover did not reach {string.Join(", ", wanted.Select(w => $"{w.Node} {w.State}"))} within " +
                    $"{limit.TotalSeconds:F0} s; last seen {string.Join(", ", seen.Select(s => $"{s.Key} {s.Value.Reported}->{s.Value.Goal}"))} (logs in {_folder})");
            }
            if (meanwhile is not null) await meanwhile();
            await Task.Delay(250);
        }
    }

    /// <summary>The node that takes writes now, as a client sees it (read-write, not fenced read-only), or null.</summary>
    public async Task<Node?> WritableAsync()
    {
        foreach (var node in _nodes)
        {
            try
            {
                await using var connection = new NpgsqlConnection(Admin(node));
                await connection.OpenAsync();
                if (await connection.ExecuteScalarAsync<bool>(
                        "select not pg_is_in_recovery() and current_setting('default_transaction_read_only') = 'off'")) return node;
            }
            catch (NpgsqlException)
            {
                // Down, or refusing connections while it changes role.
            }
        }
        return null;
    }

    /// <summary>
    /// A machine that dies: SIGKILL to the node's pg_autoctl session (the keeper and the PostgreSQL it runs) and to its
    /// postmaster, so that nothing restarts it. Returns once its port refuses connections.
    /// </summary>
    public async Task KillAsync(Node node)
    {
        ServerTools.KillGroup(node.Keeper.Id);
        if (ServerTools.Postmaster(node.DataDirectory) is { } pid && ServerTools.Running(node.DataDirectory)) ServerTools.Kill(pid);
        await ServerTools.WaitForAsync(() => Task.FromResult(!ServerTools.Listens(node.Port)), TimeSpan.FromSeconds(15), $"{node.Name} going down");
    }

    public async ValueTask DisposeAsync()
    {
        var servers = _nodes.Select(n => n.DataDirectory).Append(Path.Combine(_folder, "monitor")).SelectMany(ServerTools.ServerProcesses).ToList();
        // Nodes first, the monitor last: a monitor that outlives its nodes only logs that they are gone.
        foreach (var keeper in Enumerable.Reverse(_keepers))
        {
            ServerTools.KillGroup(keeper.Id);
        }
        foreach (var pid in servers)
        {
            ServerTools.Kill(pid);
        }
        foreach (var keeper in _keepers)
        {
            using var exited = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await keeper.WaitForExitAsync(exited.Token); } catch (OperationCanceledException) { }
            keeper.Dispose();
        }
        ServerTools.Delete(_folder);
    }
}
