using Microsoft.Extensions.Options;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Keeps the embedded server up. Every second it looks at the data folder (postmaster.pid and the process it names);
/// when the server is gone (stopped by another process, killed, or dead of a full disk) it starts it again on the
/// same port, so the data source follows, and PostgreSQL replays its write-ahead log first. A failed attempt is
/// tried again after 2 s, then 4, then every 5 s. Down for longer than <c>ClaimTracker:EmbeddedServer:RecoverySeconds</c> (30), the app
/// says it is not live, so that whatever supervises the app restarts it. With a configured server it does nothing:
/// that server is its operator's to keep.
/// </summary>
public sealed class EmbeddedSupervisor(Database database, IOptions<EmbeddedServerOptions> options, TimeProvider time, ILogger<EmbeddedSupervisor> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);
    private readonly TimeSpan _limit = TimeSpan.FromSeconds(options.Value.RecoverySeconds);
    private readonly Lock _lock = new();
    private long? _downSince;
    private string _lastFailure = "";

    /// <summary>Null while the server runs or may still come back in time; else why the app is not live.</summary>
    public string? Failure
    {
        get
        {
            lock (_lock)
            {
                if (_downSince is not { } since || time.GetElapsedTime(since) < _limit) return null;
                return $"The embedded PostgreSQL server has been down for {time.GetElapsedTime(since).TotalSeconds:F0} s and could not be started again: {_lastFailure}";
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Embedded is not { } server) return;
        var wait = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var state = server.Check();
            if (state == EmbeddedServerState.Running)
            {
                Up();
                wait = Interval;
                continue;
            }

            long since;
            lock (_lock) since = _downSince ??= time.GetTimestamp();
            try
            {
                await server.RestartAsync(stoppingToken);
                // Connections to the old server are dead: drop the idle ones now rather than fail a request on each.
                database.DataSource.Clear();
                logger.LogWarning("The embedded PostgreSQL server is back, {Seconds:F1} s after it was found gone", time.GetElapsedTime(since).TotalSeconds);
                Up();
                wait = Interval;
            }
            catch (EmbeddedPostgresException e)
            {
                lock (_lock) _lastFailure = e.Message;
                wait = wait < MaxBackoff / 2 ? wait * 2 : MaxBackoff;
                logger.LogError("The embedded PostgreSQL server is down and did not start again: {Reason}; next attempt in {Seconds:F0} s",
                    e.Message, wait.TotalSeconds);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Up()
    {
        lock (_lock)
        {
            _downSince = null;
            _lastFailure = "";
        }
    }
}
