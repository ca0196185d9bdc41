using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

public sealed class EmbeddedPostgresException(string message) : Exception(message);

/// <summary>What a look at the data folder says of its server (<see cref="EmbeddedPostgres.Check"/>).</summary>
public enum EmbeddedServerState
{
    /// <summary>A postmaster holds the data folder on the port this process uses.</summary>
    Running,
    /// <summary>No postmaster holds the data folder (stopped, killed, or dead of a failure such as a full disk).</summary>
    Gone,
    /// <summary>A postmaster holds the data folder on another port: another process started it again there.</summary>
    Elsewhere,
}

/// <summary>
/// Runs a private PostgreSQL server from the machine's own server binaries when no connection string is
/// configured: one data folder, initialised once and reused, on a loopback port. A process that finds the server
/// already running adopts it and leaves it running; only the process that started a server stops it.
/// The app connects as a role that owns its database and nothing more; the superuser is for administration here.
/// </summary>
public sealed partial class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "claimtracker";
    public const string AppRole = "claimtracker_app";
    private const string DatabaseName = "claimtracker";
    private const string PasswordFile = "claimtracker.password";
    private const string AppPasswordFile = "claimtracker_app.password";
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private readonly string _binDirectory;
    private readonly ILogger _logger;
    // PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.
    private readonly bool _asPostgresUser = Environment.UserName == "root";
    // Start, restart and stop take turns, so a stop never races a restart into leaving a server nobody owns.
    private readonly SemaphoreSlim _turn = new(1, 1);
    // The postmaster this process started, if it did: the only one it may stop.
    private int? _startedPid;
    private bool _closed;
    private string _superPassword = "";
    private string _appPassword = "";
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    public string DataDirectory { get; }
    public int Port { get; private set; }

    /// <summary>The app's connection: the application role on the application database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The superuser on the maintenance database: for the app's own administration (roles, databases), never for requests.</summary>
    public string AdminConnectionString { get; private set; } = "";

    private EmbeddedPostgres(string binDirectory, string dataDirectory, ILogger logger)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        _logger = logger;
    }

    /// <param name="wait">How long to wait for a server that is dying or still starting before giving up (default 30 s).</param>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, ILogger logger, TimeSpan? wait = null, CancellationToken ct = default)
    {
        var bin = FindServerBinaries() ?? throw new EmbeddedPostgresException(
            "No connection string is configured (ConnectionStrings:ClaimTracker), so ClaimTracker tried to run its own " +
            "PostgreSQL, but found no PostgreSQL server binaries (initdb, pg_ctl) on PATH, via pg_config --bindir, or " +
            "under /usr/lib/postgresql/*/bin. Install the server (Debian/Ubuntu: apt-get install postgresql; macOS: " +
            "brew install postgresql) or set ConnectionStrings__ClaimTracker to an existing server.");

        var server = new EmbeddedPostgres(bin, ResolveDataDirectory(Path.GetFullPath(dataDirectory), logger), logger);
        try
        {
            await server.StartServerAsync(wait ?? DefaultWait, ct);
        }
        catch
        {
            // A server this call started must not outlive a failed start.
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    public static string? FindServerBinaries()
    {
        static bool HasServer(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (HasServer(dir)) return dir;
        }
        var fromPgConfig = TryRun("pg_config", ["--bindir"]);
        if (fromPgConfig is not null && HasServer(fromPgConfig.Trim())) return fromPgConfig.Trim();

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            // Newest major version first.
            return Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => HasServer(d.Dir))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault();
        }
        return null;
    }

    private static string ResolveDataDirectory(string requested, ILogger logger)
    {
        if (Environment.UserName != "root" || PostgresUserCanReach(requested)) return requested;

        // A checkout under a root-only home cannot be opened by the postgres user: keep the data in a folder it
        // can reach, named after the requested path so every start of this checkout finds the same data.
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(requested)))[..16];
        var fallback = Path.Combine("/var/lib/claimtracker", key, "postgres");
        logger.LogWarning(
            "Running as root and the postgres user cannot reach {Requested}; keeping the database in {Fallback} instead",
            requested, fallback);
        return fallback;
    }

    private static bool PostgresUserCanReach(string path)
    {
        // Every existing ancestor must be traversable by others (the postgres user is neither owner nor group here).
        for (var dir = Path.GetDirectoryName(path); !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (!Directory.Exists(dir)) continue;
            if (!File.GetUnixFileMode(dir).HasFlag(UnixFileMode.OtherExecute)) return false;
        }
        return true;
    }

    private async Task StartServerAsync(TimeSpan wait, CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            var firstStart = !File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));
            if (firstStart) await InitialiseAsync(ct);
            _superPassword = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, PasswordFile), ct)).Trim();

            var clock = Stopwatch.StartNew();
            string? reported = null;
            while (await TryReachAsync(ct) is { } problem)
            {
                if (clock.Elapsed >= wait)
                {
                    throw new EmbeddedPostgresException(
                        $"The PostgreSQL server of {DataDirectory} did not come up within {wait.TotalSeconds:F0} s: {problem}");
                }
                if (problem != reported) _logger.LogWarning("Waiting for the PostgreSQL server of {DataDirectory}: {Problem}", DataDirectory, problem);
                reported = problem;
                // Bounded polling: a dying postmaster and its children leave without telling anyone.
                await Task.Delay(200, ct);
            }
        }
        finally
        {
            _turn.Release();
        }

        _appPassword = await EnsureAppPasswordAsync(ct);
        ConnectionString = Connection(Port, AppRole, _appPassword, DatabaseName);
        AdminConnectionString = Connection(Port, SuperUser, _superPassword, "postgres");
        try
        {
            await EnsureDatabaseAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new EmbeddedPostgresException($"The PostgreSQL server of {DataDirectory} on port {Port} stopped answering while it was prepared: {e.Message}");
        }
    }

    /// <returns>Null once this process uses a running server (adopted or started); else why not yet.</returns>
    private async Task<string?> TryReachAsync(CancellationToken ct)
    {
        var postmaster = ReadPostmaster();
        if (postmaster is { State: ProcessState.Alive })
        {
            // pg_ctl status would say "running" here even for a postmaster that is dying: only an answer counts.
            if (postmaster.Port is not { } port) return $"the server (PID {postmaster.Pid}) is still starting";
            if (await ProbeAsync(port, ct) is { } silence)
            {
                return $"the server (PID {postmaster.Pid}) holds the data folder but does not answer on port {port} ({silence})";
            }
            Port = port;
            _logger.LogInformation("Using the PostgreSQL server already running on {DataDirectory}, port {Port}; it is left running on exit", DataDirectory, Port);
            return null;
        }
        if (postmaster is not null) RemoveStaleLockFile(postmaster);

        var chosen = ChoosePort();
        if (await TryStartAsync(chosen) is { } failure)
        {
            // Another process starting the same folder, or the last children of a killed server still attached
            // to its shared memory: both pass. Anything else (a broken configuration, a full disk) will not.
            if (Transient().IsMatch(failure)) return failure;
            throw new EmbeddedPostgresException(failure);
        }
        Port = chosen;
        _logger.LogInformation("Started PostgreSQL from {Bin} on 127.0.0.1:{Port}, data in {DataDirectory}", _binDirectory, Port, DataDirectory);
        return null;
    }

    [GeneratedRegex(@"lock file .* already exists|pre-existing shared memory block|Address already in use|could not bind|could not create any TCP/IP sockets")]
    private static partial Regex Transient();

    /// <summary>A cheap look (no connection, no process started) at whether this process's server is still there.</summary>
    public EmbeddedServerState Check()
    {
        var postmaster = ReadPostmaster();
        if (postmaster is not { State: ProcessState.Alive }) return EmbeddedServerState.Gone;
        // A postmaster.pid still being written has no port yet: its server is starting.
        return postmaster.Port is null || postmaster.Port == Port ? EmbeddedServerState.Running : EmbeddedServerState.Elsewhere;
    }

    /// <summary>
    /// Starts the server again on the same port, so the app's data source (which holds the port) follows it.
    /// PostgreSQL replays its write-ahead log first if it went down uncleanly. This process then owns it.
    /// </summary>
    public async Task RestartAsync(CancellationToken ct)
    {
        await _turn.WaitAsync(ct);
        try
        {
            if (_closed) return;
            var postmaster = ReadPostmaster();
            if (postmaster is { State: ProcessState.Alive })
            {
                if (postmaster.Port is null || postmaster.Port == Port) return; // another process brought it back first
                throw new EmbeddedPostgresException(
                    $"The PostgreSQL server of {DataDirectory} was started again by another process on port {postmaster.Port}; " +
                    $"this instance uses port {Port} and cannot follow it without a restart.");
            }
            if (postmaster is not null) RemoveStaleLockFile(postmaster);
            if (await TryStartAsync(Port) is { } failure) throw new EmbeddedPostgresException(failure);
            _logger.LogWarning("Started the PostgreSQL server of {DataDirectory} again on port {Port}", DataDirectory, Port);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <returns>Null when the server started (and this process now owns it); else what went wrong, from pg_ctl and the server's log.</returns>
    private async Task<string?> TryStartAsync(int port)
    {
        var log = Path.Combine(DataDirectory, "server.log");
        var logged = File.Exists(log) ? new FileInfo(log).Length : 0;
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
        // Never cancelled half-way: a server started after its caller gave up would belong to no one.
        var (code, output) = await RunRawAsync(Tool("pg_ctl"),
            ["-D", DataDirectory, "-l", log, "-o", options, "-w", "-t", "60", "start"], CancellationToken.None);
        if (code == 0)
        {
            _startedPid = ReadPostmaster()?.Pid;
            return null;
        }
        var reasons = ServerLogSince(log, logged);
        return $"pg_ctl start on port {port} failed (exit {code}): {(reasons.Length > 0 ? reasons : output.Trim().ReplaceLineEndings(" "))}";
    }

    // The server's own words for a failed start are in its log, not in pg_ctl's output.
    private static string ServerLogSince(string log, long offset)
    {
        try
        {
            using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Seek(Math.Min(offset, stream.Length), SeekOrigin.Begin);
            var text = new StreamReader(stream).ReadToEnd();
            return string.Join(" ", text.Split('\n')
                .Select(line => ServerComplaint().Match(line))
                .Where(m => m.Success)
                .Select(m => m.Value.Trim())
                .Take(4));
        }
        catch (IOException)
        {
            return "";
        }
    }

    [GeneratedRegex(@"(FATAL|PANIC|HINT):.*")]
    private static partial Regex ServerComplaint();

    private enum ProcessState { Alive, Dead, Zombie, NotPostgres }

    private sealed record Postmaster(int Pid, int? Port, ProcessState State, string Text);

    /// <returns>The postmaster named by postmaster.pid and whether it lives; null when there is no such file.</returns>
    private Postmaster? ReadPostmaster()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(DataDirectory, "postmaster.pid"));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var lines = text.Split('\n');
        // A postmaster writes the file as it starts: its first line (PID) and fourth (port) come first.
        if (!int.TryParse(lines[0].Trim(), out var pid)) return new Postmaster(0, null, ProcessState.Alive, text);
        int? port = lines.Length > 3 && int.TryParse(lines[3].Trim(), out var p) ? p : null;
        return new Postmaster(pid, port, StateOf(pid), text);
    }

    private static ProcessState StateOf(int pid)
    {
        if (!OperatingSystem.IsLinux())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return ProcessState.Alive;
            }
            catch (ArgumentException)
            {
                return ProcessState.Dead;
            }
        }
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return ProcessState.Dead;
        }
        // "pid (comm) S ...": a killed postmaster stays a zombie until its parent (init, or whatever adopted it)
        // reaps it, and a zombie still "exists" for kill(pid, 0), which is all pg_ctl status and the server ask.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        if (open < 0 || close < open || close + 2 >= stat.Length) return ProcessState.Alive;
        var state = stat[close + 2];
        if (state is 'Z' or 'X') return ProcessState.Zombie;
        var name = stat[(open + 1)..close];
        return name.StartsWith("postgres", StringComparison.Ordinal) || name == "postmaster" ? ProcessState.Alive : ProcessState.NotPostgres;
    }

    /// <summary>
    /// PostgreSQL refuses to start while postmaster.pid names a process that exists, and a dead but unreaped
    /// postmaster (or a reused PID) exists. The file is removed only then: the server that wrote it is certainly
    /// gone, and any of its children still running keep the next start out through their shared memory.
    /// </summary>
    private void RemoveStaleLockFile(Postmaster postmaster)
    {
        if (postmaster.State is not (ProcessState.Zombie or ProcessState.NotPostgres)) return;
        var file = Path.Combine(DataDirectory, "postmaster.pid");
        try
        {
            // Only the file that was read: another process may have started the server since.
            if (File.ReadAllText(file) != postmaster.Text) return;
            File.Delete(file);
            _logger.LogWarning("The PostgreSQL server of {DataDirectory} (PID {Pid}) died; removed its stale postmaster.pid", DataDirectory, postmaster.Pid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to remove: the start that follows says what is wrong.
        }
    }

    /// <returns>Null when the server accepts a connection; else what it said or why it could not be reached.</returns>
    private async Task<string?> ProbeAsync(int port, CancellationToken ct)
    {
        var probe = new NpgsqlConnectionStringBuilder(Connection(port, SuperUser, _superPassword, "postgres"))
        {
            Pooling = false,
            Timeout = 3,
        };
        try
        {
            await using var connection = new NpgsqlConnection(probe.ConnectionString);
            await connection.OpenAsync(ct);
            return null;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CannotConnectNow)
        {
            return e.MessageText; // starting up, in recovery, or shutting down
        }
        catch (PostgresException)
        {
            return null; // it answers; what it answered is reported when the database is prepared
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }

    // The port the server last ran on (PostgreSQL records its options in postmaster.opts), while it is free: every
    // process on this folder then agrees on the port, so one that restarts the server restarts it where the others look.
    private int ChoosePort()
    {
        try
        {
            var opts = File.ReadAllText(Path.Combine(DataDirectory, "postmaster.opts"));
            if (RecordedPort().Match(opts) is { Success: true } m && int.Parse(m.Groups[1].Value) is var port && IsFree(port)) return port;
        }
        catch (Exception e) when (e is FileNotFoundException or IOException)
        {
            // Never started: any free port.
        }
        return FreeLoopbackPort();
    }

    [GeneratedRegex("\"-p\" \"(\\d+)\"")]
    private static partial Regex RecordedPort();

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Connection(int port, string user, string password, string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = port, Username = user, Password = password, Database = database }.ConnectionString;

    private async Task InitialiseAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(DataDirectory);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var pwFile = Path.Combine(Path.GetTempPath(), $"claimtracker-pw-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(pwFile, password, ct);
        try
        {
            if (_asPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", DataDirectory, pwFile], ct);
            }
            File.SetUnixFileMode(DataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await RunServerToolAsync("initdb",
                ["-D", DataDirectory, "-U", SuperUser, "--pwfile", pwFile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"], ct);
        }
        finally
        {
            File.Delete(pwFile);
        }
        await WriteSecretAsync(PasswordFile, password, ct);
        _logger.LogInformation("Initialised a new PostgreSQL data folder at {DataDirectory}", DataDirectory);
    }

    // The application role's password, made once and kept beside the superuser's (only their owner can read either).
    private async Task<string> EnsureAppPasswordAsync(CancellationToken ct)
    {
        var file = Path.Combine(DataDirectory, AppPasswordFile);
        if (File.Exists(file)) return (await File.ReadAllTextAsync(file, ct)).Trim();
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await WriteSecretAsync(AppPasswordFile, password, ct);
        return password;
    }

    private async Task WriteSecretAsync(string name, string secret, CancellationToken ct)
    {
        var path = Path.Combine(DataDirectory, name);
        await File.WriteAllTextAsync(path, secret, ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (_asPostgresUser) await RunAsync("chown", ["postgres:postgres", path], ct);
    }

    /// <summary>
    /// As the superuser: the application role (login, nothing else), the application database owned by it, and,
    /// for a data folder made by an earlier version where the superuser owned everything, every object of the
    /// database handed to the role. Each step is a no-op when already done.
    /// </summary>
    private async Task EnsureDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Pooling = false };
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            var roleExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from pg_roles where rolname = @AppRole)", new { AppRole }, cancellationToken: ct));
            // Utility statements take no parameters: the password is hex digits, the names are constants. The
            // attributes are stated on every start, so the role never holds more than this.
            await connection.ExecuteAsync(new CommandDefinition(
                $"{(roleExists ? "alter" : "create")} role {AppRole} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls " +
                $"password '{_appPassword}'", cancellationToken: ct));
            if (!roleExists) _logger.LogInformation("Created the database role {Role} for the app", AppRole);

            var databaseExists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from pg_database where datname = @DatabaseName)", new { DatabaseName }, cancellationToken: ct));
            await connection.ExecuteAsync(new CommandDefinition(databaseExists
                ? $"alter database {DatabaseName} owner to {AppRole}"
                : $"create database {DatabaseName} owner {AppRole}", cancellationToken: ct));
        }

        admin.Database = DatabaseName;
        await using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var statements = (await connection.QueryAsync<string>(new CommandDefinition(HandOver, new { role = AppRole }, tx, cancellationToken: ct))).ToList();
            foreach (var statement in statements)
            {
                await connection.ExecuteAsync(new CommandDefinition(statement, transaction: tx, cancellationToken: ct));
            }
            await tx.CommitAsync(ct);
            if (statements.Count > 0)
            {
                _logger.LogWarning("Handed {Count} objects of the {Database} database from the superuser to {Role}", statements.Count, DatabaseName, AppRole);
            }
        }
    }

    // The statements that give the role everything the superuser owns in the database's own schemas, except
    // extension members (an extension's objects stay with it) and sequences owned by a column (they follow their
    // table). REASSIGN OWNED cannot do this: the superuser made by initdb also owns the system catalogs.
    private const string HandOver = """
        with own as (
            select oid from pg_namespace
            where nspname not in ('pg_catalog', 'information_schema') and nspname not like 'pg\_%'
        ),
        members as (select objid from pg_depend where deptype = 'e'),
        superuser as (select oid from pg_roles where rolname = current_user),
        app as (select oid from pg_roles where rolname = @role)
        select format('alter schema %I owner to %I', n.nspname, @role)
        from pg_namespace n
        where n.oid in (select oid from own) and n.nspowner <> (select oid from app) and n.oid not in (select objid from members)
        union all
        select format('alter %s %s owner to %I',
                      case c.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view'
                                     when 'f' then 'foreign table' else 'table' end,
                      c.oid::regclass, @role)
        from pg_class c
        where c.relnamespace in (select oid from own) and c.relowner = (select oid from superuser)
          and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and c.oid not in (select objid from members)
          and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                                                      and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i'))
        union all
        select format('alter routine %s owner to %I', p.oid::regprocedure, @role)
        from pg_proc p
        where p.pronamespace in (select oid from own) and p.proowner = (select oid from superuser)
          and p.oid not in (select objid from members)
        union all
        select format('alter %s %s owner to %I', case t.typtype when 'd' then 'domain' else 'type' end, t.oid::regtype, @role)
        from pg_type t
        where t.typnamespace in (select oid from own) and t.typowner = (select oid from superuser)
          and t.typtype in ('d', 'e', 'r') and t.oid not in (select objid from members)
        """;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The host may stop twice at once (its own shutdown and a test factory's); both must wait for the one stop.
    public ValueTask DisposeAsync()
    {
        lock (_stopLock)
        {
            _stopping ??= StopAsync();
        }
        return new ValueTask(_stopping);
    }

    private async Task StopAsync()
    {
        await _turn.WaitAsync();
        try
        {
            _closed = true;
            var postmaster = ReadPostmaster();
            if (postmaster is not { State: ProcessState.Alive }) return;
            if (_startedPid is null || postmaster.Pid != _startedPid)
            {
                // Adopted, or started again by another process since: not this process's to stop.
                _logger.LogInformation("Leaving the PostgreSQL server of {DataDirectory} (PID {Pid}) running: another process started it", DataDirectory, postmaster.Pid);
                return;
            }
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CancellationToken.None);
            _logger.LogInformation("Stopped PostgreSQL on port {Port}", Port);
        }
        catch (EmbeddedPostgresException e)
        {
            // Already stopped (e.g. Ctrl+C reached the server's process group first): nothing left to do.
            _logger.LogInformation("PostgreSQL stop: {Message}", e.Message);
        }
        finally
        {
            _turn.Release();
        }
    }

    private string Tool(string name) => Path.Combine(_binDirectory, name);

    private async Task RunServerToolAsync(string tool, string[] args, CancellationToken ct)
    {
        var (code, output) = await RunRawAsync(Tool(tool), args, ct);
        if (code != 0)
        {
            throw new EmbeddedPostgresException($"{tool} {string.Join(' ', args)} failed (exit {code}): {output.Trim()}");
        }
    }

    private async Task<(int Code, string Output)> RunRawAsync(string file, string[] args, CancellationToken ct)
    {
        // setsid keeps the server out of the app's process group, so Ctrl+C reaches the app, which then stops the
        // server in order; runuser drops root for PostgreSQL.
        var (cmd, cmdArgs) = _asPostgresUser
            ? ("setsid", (string[])["--wait", "runuser", "-u", "postgres", "--", file, .. args])
            : ("setsid", (string[])["--wait", file, .. args]);
        return await RunAsync(cmd, cmdArgs, ct);
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new EmbeddedPostgresException($"Could not start {file}");
        // pg_ctl start -l sends the server's own output to its log, so these pipes close when pg_ctl exits.
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string? TryRun(string file, string[] args)
    {
        try
        {
            return RunAsync(file, args, CancellationToken.None).GetAwaiter().GetResult() is (0, var output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // not installed
        }
    }
}
