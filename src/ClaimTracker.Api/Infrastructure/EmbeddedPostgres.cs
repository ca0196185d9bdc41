using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ClaimTracker.Api.Infrastructure;

public sealed class EmbeddedPostgresException(string message) : Exception(message);

/// <summary>
/// Runs a private PostgreSQL server from the machine's own server binaries when no connection string is
/// configured: one data folder, initialised once and reused, on a free loopback port, stopped on shutdown.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private const string SuperUser = "claimtracker";
    private const string DatabaseName = "claimtracker";
    private const string PasswordFile = "claimtracker.password";

    private readonly string _binDirectory;
    private readonly ILogger _logger;
    // PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.
    private readonly bool _asPostgresUser = Environment.UserName == "root";
    private bool _started;
    private readonly Lock _stopLock = new();
    private Task? _stopping;

    public string DataDirectory { get; }
    public int Port { get; private set; }
    public string ConnectionString { get; private set; } = "";

    private EmbeddedPostgres(string binDirectory, string dataDirectory, ILogger logger)
    {
        _binDirectory = binDirectory;
        DataDirectory = dataDirectory;
        _logger = logger;
    }

    public static async Task<EmbeddedPostgres> StartAsync(string dataDirectory, ILogger logger, CancellationToken ct = default)
    {
        var bin = FindServerBinaries() ?? throw new EmbeddedPostgresException(
            "No connection string is configured (ConnectionStrings:ClaimTracker), so ClaimTracker tried to run its own " +
            "PostgreSQL, but found no PostgreSQL server binaries (initdb, pg_ctl) on PATH, via pg_config --bindir, or " +
            "under /usr/lib/postgresql/*/bin. Install the server (Debian/Ubuntu: apt-get install postgresql; macOS: " +
            "brew install postgresql) or set ConnectionStrings__ClaimTracker to an existing server.");

        var server = new EmbeddedPostgres(bin, ResolveDataDirectory(Path.GetFullPath(dataDirectory), logger), logger);
        await server.StartServerAsync(ct);
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

    private async Task StartServerAsync(CancellationToken ct)
    {
        var firstStart = !File.Exists(Path.Combine(DataDirectory, "PG_VERSION"));
        if (firstStart) await InitialiseAsync(ct);

        if (await IsRunningAsync(ct))
        {
            // A previous instance was killed without stopping its server: adopt it rather than fail.
            Port = ReadRunningPort();
            _logger.LogInformation("Reusing the PostgreSQL server already running on {DataDirectory}, port {Port}", DataDirectory, Port);
        }
        else
        {
            Port = FreeLoopbackPort();
            var options = $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''";
            await RunServerToolAsync("pg_ctl",
                ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"], ct);
            _logger.LogInformation("Started PostgreSQL from {Bin} on 127.0.0.1:{Port}, data in {DataDirectory}", _binDirectory, Port, DataDirectory);
        }
        _started = true;

        var password = (await File.ReadAllTextAsync(Path.Combine(DataDirectory, PasswordFile), ct)).Trim();
        ConnectionString = $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={password};Database={DatabaseName}";
        await EnsureDatabaseAsync(password, ct);
    }

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
        var stored = Path.Combine(DataDirectory, PasswordFile);
        await File.WriteAllTextAsync(stored, password, ct);
        File.SetUnixFileMode(stored, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (_asPostgresUser) await RunAsync("chown", ["postgres:postgres", stored], ct);
        _logger.LogInformation("Initialised a new PostgreSQL data folder at {DataDirectory}", DataDirectory);
    }

    private async Task EnsureDatabaseAsync(string password, CancellationToken ct)
    {
        var admin = $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={password};Database=postgres;Pooling=false";
        await using var connection = new Npgsql.NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        await using var exists = new Npgsql.NpgsqlCommand("select 1 from pg_database where datname = $1", connection)
        {
            Parameters = { new() { Value = DatabaseName } },
        };
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new Npgsql.NpgsqlCommand($"create database {DatabaseName}", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    private async Task<bool> IsRunningAsync(CancellationToken ct)
    {
        // pg_ctl status exits 0 when a server is running on this data folder, 3 when not.
        var (code, _) = await RunRawAsync(Tool("pg_ctl"), ["-D", DataDirectory, "status"], ct);
        return code == 0;
    }

    private int ReadRunningPort()
    {
        // postmaster.pid's fourth line is the port.
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "postmaster.pid"));
        return int.Parse(lines[3].Trim());
    }

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
        if (!_started) return;
        try
        {
            await RunServerToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CancellationToken.None);
            _logger.LogInformation("Stopped PostgreSQL on port {Port}", Port);
        }
        catch (EmbeddedPostgresException e)
        {
            // Already stopped (e.g. Ctrl+C reached the server's process group first): nothing left to do.
            _logger.LogInformation("PostgreSQL stop: {Message}", e.Message);
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
