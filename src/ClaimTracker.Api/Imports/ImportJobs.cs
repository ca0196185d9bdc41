using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ClaimTracker.Api.Imports;

/// <summary>Where an import named by a job id has come, as GET /import/{job} shows it.</summary>
/// <param name="Job">The id the import was started with (POST /import?job=...).</param>
/// <param name="Phase">reading, writing, conflicts, committing while it runs; then committed, refused (a line was rejected, nothing
/// written) or failed (it stopped on an error, nothing written).</param>
/// <param name="Lines">Lines read so far (reported every 1,000 lines while reading).</param>
/// <param name="Claims">Valid claims read so far.</param>
/// <param name="BytesRead">Bytes of the body read so far.</param>
/// <param name="TotalBytes">The body's Content-Length, when the client sent one: BytesRead / TotalBytes is how far the reading is.</param>
/// <param name="Seconds">Time since the import started.</param>
/// <param name="Report">Once it has ended: the import's report, as POST /import answers it (null when the answer was a replay).</param>
public sealed record ImportProgress(
    string Job, ImportPhase Phase, long Lines, long Claims, long BytesRead, long? TotalBytes, double Seconds, DateTime StartedAt, ImportReport? Report);

/// <summary>
/// The imports that run (and ran, for ten minutes) under a job id their client chose, so that the client can follow
/// the import's own progress while its one request, all or nothing as ever, is still being read and written. Each is
/// seen only by the curator who started it. Kept in memory: a job belongs to the instance that runs the import.
/// </summary>
public sealed partial class ImportJobs(TimeProvider clock)
{
    public static readonly TimeSpan Kept = TimeSpan.FromMinutes(10);

    [GeneratedRegex("^[A-Za-z0-9_-]{8,64}$")]
    public static partial Regex JobId();

    public sealed class Job(string id, long? totalBytes, DateTimeOffset started)
    {
        private volatile ImportProgress _now = new(id, ImportPhase.Reading, 0, 0, 0, totalBytes, 0, started.UtcDateTime, null);

        public DateTimeOffset? Ended { get; private set; }

        public ImportProgress Now => _now;

        public void Report(Importer.Progress p) =>
            _now = _now with { Phase = p.Phase, Lines = p.Lines, Claims = p.Claims, BytesRead = p.Bytes, Seconds = p.Seconds };

        public void End(ImportPhase phase, ImportReport? report, DateTimeOffset at)
        {
            _now = _now with { Phase = phase, Report = report, Seconds = (at - started).TotalSeconds };
            Ended = at;
        }
    }

    private readonly ConcurrentDictionary<(long Curator, string Id), Job> _jobs = new();

    /// <returns>The new job, or null when an import of this curator runs under the same id.</returns>
    public Job? Start(long curator, string id, long? totalBytes)
    {
        var now = clock.GetUtcNow();
        foreach (var (key, old) in _jobs)
        {
            if (old.Ended is { } ended && now - ended > Kept) _jobs.TryRemove(key, out _);
        }
        var job = new Job(id, totalBytes, now);
        while (true)
        {
            if (_jobs.TryAdd((curator, id), job)) return job;
            // An ended job's id may be used again.
            if (_jobs.TryGetValue((curator, id), out var existing) && existing.Ended is null) return null;
            if (existing is not null) _jobs.TryUpdate((curator, id), job, existing);
            if (_jobs.TryGetValue((curator, id), out var placed) && ReferenceEquals(placed, job)) return job;
        }
    }

    public ImportProgress? Find(long curator, string id) =>
        _jobs.TryGetValue((curator, id), out var job) && (job.Ended is not { } ended || clock.GetUtcNow() - ended <= Kept) ? job.Now : null;

    public DateTimeOffset Now => clock.GetUtcNow();
}
