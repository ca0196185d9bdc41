using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// The built API (ClaimTracker.Api.dll, copied next to the test assembly) run as a process of its own, so that it can
/// be killed with SIGKILL and started again on the same port, as a crash and a supervisor's restart would.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private const int KeptLines = 200;
    private readonly string _connectionString;
    private readonly (string Key, string Value)[] _settings;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();
    private Process? _process;

    public AppProcess(string connectionString, params (string Key, string Value)[] settings)
    {
        _connectionString = connectionString;
        _settings = settings;
        Port = FreeLoopbackPort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }
    public Uri BaseAddress { get; }
    public int Starts { get; private set; }
    public int Kills { get; private set; }

    /// <summary>The app's last lines of output, for a failure message.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_outputLock) return string.Join('\n', _output);
        }
    }

    /// <summary>Starts the app and waits (bounded) until /health/ready answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (_process is { HasExited: false }) throw new InvalidOperationException("The app is already running.");
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // appsettings.json is next to the dll; the content root is the working folder.
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ClaimTracker.Api.dll"));
        foreach (var arg in (string[])[
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            $"--ConnectionStrings:ClaimTracker={_connectionString}",
            // The test database is cloned from the seeded template; start-up still checks the migrations.
            "--ClaimTracker:Seed=false",
            "--ClaimTracker:RateLimits:WritesPerMinute=1000000",
            "--ClaimTracker:RateLimits:ReadsPerSecond=1000000",
            "--ClaimTracker:RateLimits:FailedAuthenticationsPerMinute=1000000",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:Console:FormatterName=simple",
            .. _settings.Select(s => $"--{s.Key}={s.Value}")])
        {
            psi.ArgumentList.Add(arg);
        }
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app process.");
        _process = process;
        Starts++;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {process.ExitCode} while starting:\n{RecentOutput}");
            }
            try
            {
                using var response = await probe.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (deadline.Elapsed > limit)
            {
                Kill();
                throw new TimeoutException($"The app was not ready within {limit.TotalSeconds:F0} s:\n{RecentOutput}");
            }
            // Bounded polling: a process start has no event to await.
            await Task.Delay(50);
        }
    }

    /// <summary>SIGTERM, as a service manager stops the app: it shuts down in order. Returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        var process = _process ?? throw new InvalidOperationException("The app was never started.");
        if (!process.HasExited)
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }
            using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException($"The app did not stop within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds:F0} s of SIGTERM:\n{RecentOutput}");
            }
        }
        Keep($"--- stopped (exit {process.ExitCode}) ---");
        return process.ExitCode;
    }

    /// <summary>
    /// Runs the app with these arguments alone (an administrative command, or a start expected to fail) until it exits,
    /// with no connection string configured unless the arguments give one; kills it past the timeout.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ClaimTracker.Api.dll"));
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        psi.Environment["ConnectionStrings__ClaimTracker"] = "";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the app process.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"'{string.Join(' ', args)}' did not exit within {timeout.TotalSeconds:F0} s:\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL: no shutdown hook runs, open transactions are cut off mid-flight.</summary>
    public void Kill()
    {
        var process = _process;
        if (process is null || process.HasExited) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        Kills++;
        Keep($"--- killed (kill {Kills}) ---");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines) _output.Dequeue();
        }
    }

    /// <summary>The dotnet host running these tests, so the app runs on the same runtime.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        // .../shared/Microsoft.NETCore.App/<version>/ → the dotnet root three levels up.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var candidate = Path.Combine(root, "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
