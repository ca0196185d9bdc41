using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// Runs PostgreSQL's tools for the replication tests as EmbeddedPostgres runs them: in a session of their own
/// (setsid), and as the postgres user when the tests run as root (PostgreSQL refuses to run as root).
/// </summary>
public static class ServerTools
{
    public static readonly bool AsPostgresUser = Environment.UserName == "root";

    private static readonly Lazy<string> Folder = new(() =>
    {
        var found = EmbeddedPostgres.FindServerBinaries() ?? throw new InvalidOperationException(
            "The replication tests need the PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) and found none on PATH, " +
            "via pg_config --bindir, or under /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: apt-get install postgresql).");
        // PATH may hold links to a few of the tools only (initdb, pg_ctl): the others are beside their targets.
        var pgCtl = new FileInfo(Path.Combine(found, "pg_ctl"));
        return Path.GetDirectoryName((pgCtl.ResolveLinkTarget(returnFinalTarget: true) ?? pgCtl).FullName)!;
    });

    /// <summary>The folder of the PostgreSQL server's own tools (pg_ctl, pg_basebackup, postgres).</summary>
    public static string Bin => Folder.Value;

    /// <summary>The command line that runs <paramref name="file"/> with <paramref name="environment"/>, dropping root when needed.</summary>
    private static List<string> CommandLine(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var line = new List<string>();
        if (AsPostgresUser) line.AddRange(["runuser", "-u", "postgres", "--"]);
        line.Add("env");
        // The server tools of the version found come first, for the tools that call each other (pg_autoctl calls pg_ctl).
        line.Add($"PATH={Bin}:{Environment.GetEnvironmentVariable("PATH")}");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) line.Add($"{name}={value}");
        line.Add(file);
        line.AddRange(args);
        return line;
    }

    /// <summary>Runs a tool to its end; its exit code and everything it wrote.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        psi.ArgumentList.Add("--wait");
        foreach (var arg in CommandLine(file, args, environment)) psi.ArgumentList.Add(arg);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not run {file}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {(timeout ?? TimeSpan.FromMinutes(2)).TotalSeconds:F0} s.");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    public static async Task<string> RunCheckedAsync(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var argList = args.ToList();
        var (code, output) = await RunAsync(file, argList, environment, timeout);
        if (code != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', argList)} failed (exit {code}): {output.Trim()}");
        return output;
    }

    /// <summary>
    /// Starts a long-running tool in a session of its own, its output appended to <paramref name="log"/>. The returned
    /// process's id is its process group: <see cref="KillGroup"/> ends it and everything it started in that group.
    /// </summary>
    public static Process StartInBackground(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, string log)
    {
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        // Not a process group leader, setsid makes the new session in place: its id is the group's.
        foreach (var arg in CommandLine(file, args, environment)) psi.ArgumentList.Add(arg);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var writer = TextWriter.Synchronized(new StreamWriter(log, append: true, Encoding.UTF8) { AutoFlush = true });
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) writer.WriteLine(e.Data); };
        process.Exited += (_, _) => writer.Dispose();
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>SIGKILL to a process group: a machine that dies, as far as its processes can tell.</summary>
    public static void KillGroup(int group) => Signal($"-{group}");

    /// <summary>SIGKILL to one process.</summary>
    public static void Kill(int pid) => Signal(pid.ToString());

    /// <summary>
    /// A data folder's postmaster and every process it started, to be killed together: each child leads a session of
    /// its own (PostgreSQL's children call setsid), so no group signal reaches it, and while most exit when their
    /// postmaster dies, pg_auto_failover's health-check worker does not, and it keeps the monitor's logger alive with it.
    /// Taken before anything is killed: a child whose postmaster died has init for its parent.
    /// </summary>
    public static List<int> ServerProcesses(string dataDirectory) =>
        Postmaster(dataDirectory) is { } pid && Running(dataDirectory) ? [pid, .. ChildrenOf(pid)] : [];

    private static List<int> ChildrenOf(int parent) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(folder => int.TryParse(Path.GetFileName(folder), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Stat(pid) is { Length: > 1 } fields && int.TryParse(fields[1], out var ppid) && ppid == parent)];

    /// <summary>
    /// The fields of /proc/PID/stat after the process's name ("pid (name) state ppid ...", the name in parentheses
    /// possibly holding spaces): state first, then the parent's id. Null when the process is gone.
    /// </summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return null;
        }
    }

    private static void Signal(string target)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-KILL", "--", target]) { RedirectStandardError = true, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>The process id in a data folder's postmaster.pid, or null when no server holds it.</summary>
    public static int? Postmaster(string dataDirectory)
    {
        try
        {
            return int.TryParse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether the server of a data folder runs (a killed one leaves its postmaster.pid behind).</summary>
    public static bool Running(string dataDirectory) =>
        Postmaster(dataDirectory) is { } pid && Stat(pid) is [{ Length: > 0 } state, ..] && state[0] is not ('Z' or 'X');

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>A folder of the test's own that the postgres user can enter (and, for <paramref name="writable"/>, write in).</summary>
    public static async Task<string> FolderAsync(string path, bool writable)
    {
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        if (writable && AsPostgresUser) await RunPlainAsync("chown", "postgres:postgres", path);
        return path;
    }

    /// <summary>Deletes a folder the tools wrote, whoever owns its files.</summary>
    public static void Delete(string path)
    {
        try { Directory.Delete(path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static async Task RunPlainAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {errors}");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="what"/> past the limit.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan limit, string what, int everyMilliseconds = 100)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < limit)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                last = e;
            }
            await Task.Delay(everyMilliseconds);
        }
        throw new TimeoutException($"{what} did not happen within {limit.TotalSeconds:F0} s{(last is null ? "" : $" (last error: {last.Message})")}.");
    }
}
