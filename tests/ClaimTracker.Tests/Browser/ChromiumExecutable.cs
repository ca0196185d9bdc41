using System.Diagnostics;

namespace ClaimTracker.Tests.Browser;

/// <summary>
/// Where the browser tests find Chromium: <see cref="Variable"/> first, then PATH. On a new Debian machine, where the
/// tests run as root, a missing Chromium is installed from Debian's own package (Playwright's browser download is
/// not reachable here, and the test command must work by itself); anywhere else the tests say what to run.
/// </summary>
public static class ChromiumExecutable
{
    public const string Variable = "CLAIMTRACKER_CHROMIUM";

    /// <summary>The names tried on PATH, in order: Debian's package, Ubuntu's and older Debian's, Google's build.</summary>
    public static readonly IReadOnlyList<string> Names = ["chromium", "chromium-browser", "google-chrome"];

    public const string InstallCommand = "apt-get update && apt-get install -y chromium";

    private static readonly SemaphoreSlim InProcess = new(1, 1);

    /// <summary>
    /// The executable, or null when there is none. A <see cref="Variable"/> that names nothing runnable is an error,
    /// not a reason to look elsewhere: the user asked for that browser.
    /// </summary>
    public static string? Find(string? setting, string? path, Func<string, bool> isExecutable)
    {
        if (string.IsNullOrWhiteSpace(setting)) return Names.Select(name => OnPath(name, path, isExecutable)).FirstOrDefault(found => found is not null);

        var wanted = setting.Trim();
        var named = wanted.Contains('/');
        return (named ? (isExecutable(wanted) ? wanted : null) : OnPath(wanted, path, isExecutable))
            ?? throw new InvalidOperationException(
                $"{Variable} is set to '{wanted}', which is not an executable file{(named ? "" : " on PATH")}. " +
                $"Point it at a Chromium or Chrome executable, or unset it to use {string.Join(", ", Names)} from PATH.");
    }

    private static string? OnPath(string name, string? path, Func<string, bool> isExecutable) =>
        (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, name)).FirstOrDefault(isExecutable);

    /// <summary>The executable for this machine, installing Debian's package first when that is possible and needed.</summary>
    public static async Task<string> EnsureAsync(Action<string> say)
    {
        if (FindHere() is { } found) return found;
        // Several browser test classes start at once: one installs, the others wait for it (in this process, then
        // across processes, since two test runs may share the machine).
        await InProcess.WaitAsync();
        try
        {
            if (FindHere() is { } installedMeanwhile) return installedMeanwhile;
            if (WhyNoInstall() is { } reason) throw new InvalidOperationException(Missing(reason));

            using var machineWide = await LockAsync(Path.Combine(Path.GetTempPath(), "claimtracker-chromium-install.lock"));
            if (FindHere() is { } installedByAnother) return installedByAnother;

            say($"Chromium is not installed (no {Variable}, none of {string.Join(", ", Names)} on PATH): installing Debian's " +
                $"chromium package once for this machine ({InstallCommand}); this takes a minute or two.");
            var clock = Stopwatch.StartNew();
            // Wait for another apt or dpkg run instead of failing at once on its lock.
            const string lockWait = "-o DPkg::Lock::Timeout=600";
            await RunAsync("apt-get", $"{lockWait} update -q");
            await RunAsync("apt-get", $"{lockWait} install -y -q chromium");
            var installed = FindHere() ?? throw new InvalidOperationException(
                Missing($"'{InstallCommand}' succeeded, yet no {string.Join(", ", Names)} is on PATH"));
            say($"Installed Chromium at {installed} in {clock.Elapsed.TotalSeconds:F0} s.");
            return installed;
        }
        finally
        {
            InProcess.Release();
        }
    }

    private static string? FindHere() =>
        Find(Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable("PATH"), IsExecutable);

    private static bool IsExecutable(string file) =>
        File.Exists(file) && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    /// <summary>Why the tests may not install Chromium themselves here, or null when they may.</summary>
    private static string? WhyNoInstall()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/etc/debian_version")) return "this is not a Debian or Ubuntu machine";
        if (OnPath("apt-get", Environment.GetEnvironmentVariable("PATH"), IsExecutable) is null) return "apt-get is not on PATH";
        if (!Environment.IsPrivilegedProcess) return "the tests are not running as root, and do not ask for sudo";
        return null;
    }

    private static string Missing(string reason)
    {
        var onDebian = OperatingSystem.IsLinux() && File.Exists("/etc/debian_version");
        var install = onDebian
            ? $"Install it with 'sudo {InstallCommand.Replace("&& ", "&& sudo ", StringComparison.Ordinal)}'"
            : "Install Chromium or Google Chrome";
        return $"The browser tests need Chromium, and none was found: {Variable} is not set and none of " +
               $"{string.Join(", ", Names)} is on PATH; {reason}. {install}, or set {Variable} to the browser's " +
               "executable, then run the tests again. (Playwright's own browser download is not used: the tests run offline.)";
    }

    private static async Task<IDisposable> LockAsync(string file)
    {
        var deadline = DateTime.UtcNow.AddMinutes(15);
        while (true)
        {
            try
            {
                // On Unix, FileShare.None is an advisory lock the kernel drops if this process dies.
                return new FileStream(file, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(500);
            }
        }
    }

    private static async Task RunAsync(string command, string arguments)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            var tail = string.Join('\n', ((await output) + (await errors)).Split('\n').TakeLast(30));
            throw new InvalidOperationException(
                Missing($"'{command} {arguments}' failed with exit code {process.ExitCode}:\n{tail}\n"));
        }
    }
}
