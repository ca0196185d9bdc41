using System.Diagnostics;
using ClaimTracker.Api.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// A PostgreSQL cluster of one test's own, started by the app's own launcher in a temporary folder, that the test can
/// stop (cleanly or as a crash) and start again on the same port with pg_ctl, the way EmbeddedPostgres runs it.
/// </summary>
public sealed class RestartableCluster : IAsyncDisposable
{
    private readonly string _folder;
    private readonly EmbeddedPostgres _server;
    // PostgreSQL refuses to run as root: as root, pg_ctl runs as the postgres user (as in EmbeddedPostgres).
    private static readonly bool AsPostgresUser = Environment.UserName == "root";

    private RestartableCluster(string folder, EmbeddedPostgres server)
    {
        _folder = folder;
        _server = server;
    }

    public string ConnectionString => _server.ConnectionString;
    public int Port => _server.Port;

    public static async Task<RestartableCluster> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"claimtracker-restart-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        // The postgres user must be able to enter the folder when the tests run as root.
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        try
        {
            var server = await EmbeddedPostgres.StartAsync(Path.Combine(folder, "postgres"), NullLogger.Instance);
            return new RestartableCluster(folder, server);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the server: "fast" ends every session with an error; "immediate" is a crash (recovery on the next start).</summary>
    public Task StopAsync(string mode) =>
        PgCtlAsync("-D", _server.DataDirectory, "-m", mode, "-w", "-t", "30", "stop");

    /// <summary>Starts the server again on its port; returns once it accepts connections.</summary>
    public Task StartAgainAsync() =>
        PgCtlAsync("-D", _server.DataDirectory, "-l", Path.Combine(_server.DataDirectory, "server.log"),
            "-o", $"-p {Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", "-w", "-t", "60", "start");

    /// <summary>Runs pg_ctl as EmbeddedPostgres does (as the postgres user when root), failing on a non-zero exit.</summary>
    public static async Task PgCtlAsync(params string[] args)
    {
        var bin = EmbeddedPostgres.FindServerBinaries() ?? throw new InvalidOperationException(
            "The fault tests need the PostgreSQL server binaries (initdb, pg_ctl) to run a cluster they can stop and " +
            "start, and found none on PATH, via pg_config --bindir, or under /usr/lib/postgresql/*/bin. Install them " +
            "(Debian/Ubuntu: apt-get install postgresql) on this machine and in CI.");
        var pgCtl = Path.Combine(bin, "pg_ctl");
        // setsid keeps the server out of the test's process group, as the app's launcher does.
        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in (string[])["--wait", .. AsPostgresUser ? ["runuser", "-u", "postgres", "--"] : Array.Empty<string>(), pgCtl, .. args])
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not run pg_ctl.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pg_ctl {string.Join(' ', args)} failed (exit {process.ExitCode}): {await stdout}{await stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Stops the server if it runs (a stopped one is fine).
            await _server.DisposeAsync();
        }
        finally
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
