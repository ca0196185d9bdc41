using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// The app in-process over real HTTP (Kestrel on a loopback port) against a connection string the test chooses, with
/// its errors kept for the failure message instead of flooding the console while a database is down.
/// </summary>
public sealed class InProcessApp(string connectionString, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public CapturedErrors Errors { get; } = new();

    public HttpClient Start()
    {
        UseKestrel(0);
        StartServer();
        return CreateDefaultClient();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:ClaimTracker", connectionString);
        builder.UseSetting("ClaimTracker:Seed", "false");
        builder.UseSetting("ClaimTracker:RateLimits:ReadsPerSecond", "1000000");
        builder.UseSetting("ClaimTracker:RateLimits:WritesPerMinute", "1000000");
        builder.UseSetting("ClaimTracker:RateLimits:FailedAuthenticationsPerMinute", "1000000");
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging =>
        {
            logging.ClearProviders();
            logging.AddProvider(Errors);
            logging.SetMinimumLevel(LogLevel.Warning);
        });
    }
}

/// <summary>Errors the app logged, with their exceptions: what a 500 was.</summary>
public sealed class CapturedErrors : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturedErrors owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || owner._entries.Count > 2_000) return;
            owner._entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
