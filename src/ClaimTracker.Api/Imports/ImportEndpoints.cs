using System.Security.Claims;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Imports;

public static class ImportEndpoints
{
    public const string MediaType = "application/x-ndjson";

    public static void MapImport(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/import").WithTags("Import");
        group.MapGet("/{job}", Progress)
            .WithName("GetImportProgress")
            .ProducesProblems(404)
            .WithSummary("How far an import has come")
            .WithDescription("The progress of an import started with POST /import?job=..., read while its request is still running: lines and bytes read (of the body's Content-Length), claims so far, and its phase; once it has ended, how (committed, refused or failed) and its report. Only the curator who started it sees it, for ten minutes after it ended.")
            .RequireCurator();

        group
            .MapPost("/", Handle)
            .WithName("Import")
            .WithSummary("Bulk import subjects, sources, passages and claims from NDJSON")
            .WithDescription("""
                One JSON object per line, each with a "type" (subject, source, passage or claim) and the fields of its
                single-item endpoint; "ref" names a source, passage or claim for later lines ("source": "s1" in a passage,
                "passage": "p1" or "source": "s1" in a claim's evidence). Every line is checked by the same rules as its
                endpoint; the rows are written by binary COPY in batches, in one transaction, and the new claims' conflicts
                are computed set-wise. All or nothing: a 422 lists every rejected line (its number, the field and the reason)
                and nothing is written. With job (an id the client chooses), GET /import/{job} tells how far the import has
                come while this request runs.
                """)
            .Accepts<string>(MediaType)
            .WithMetadata(new StreamedBodyMetadata())
            .ProducesProblems(409, 422)
            .RequireCurator();
    }

    /// <param name="job">The id of an import started with POST /import?job=..., e.g. 3f9c2e1a-import-7.</param>
    public static Results<Ok<ImportProgress>, ProblemHttpResult, ValidationProblem> Progress(
        [FromRoute(Name = "job")] string job, ImportJobs jobs, ClaimsPrincipal user)
    {
        if (!ImportJobs.JobId().IsMatch(job)) return Problems.Invalid("job", "must be 8 to 64 letters, digits, '-' or '_'.");
        return jobs.Find(user.CuratorId(), job) is { } progress
            ? TypedResults.Ok(progress)
            : TypedResults.Problem(statusCode: 404, title: "Import not found.",
                detail: $"No import of yours runs, or ended in the last {ImportJobs.Kept.TotalMinutes:0} minutes, under the job id \"{job}\".");
    }

    /// <param name="job">An id of the client's choosing (8 to 64 letters, digits, '-' or '_'), e.g. 3f9c2e1a-import-7: GET /import/{job}
    /// then tells how far this import has come. A second import under the id of one still running is a 409.</param>
    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult, EmptyHttpResult, ValidationProblem>> Handle(
        [FromQuery(Name = "job")] string? job, HttpContext http, NpgsqlDataSource db, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
        IOptions<ClaimTrackerOptions> settings, ImportJobs jobs, ILoggerFactory logs, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: 415, title: "Unsupported Media Type",
                detail: $"An import is NDJSON: send Content-Type: {MediaType}, one JSON object per line.");
        }
        // Imports are larger than any single write: they have their own limit.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.Value.MaxImportBytes;
        }

        ImportJobs.Job? tracked = null;
        if (job is not null)
        {
            if (!ImportJobs.JobId().IsMatch(job)) return Problems.Invalid("job", "must be 8 to 64 letters, digits, '-' or '_'.");
            tracked = jobs.Start(user.CuratorId(), job, http.Request.ContentLength);
            if (tracked is null)
            {
                return Problems.Conflict("An import runs under this job id.", $"Your import \"{job}\" has not ended; choose another job id, or follow it at /import/{job}.");
            }
        }

        var importer = new Importer(db, json.Value.SerializerOptions, logs.CreateLogger<Importer>());
        var key = http.Features.Get<IdempotencyRequest>() is { } k ? new Importer.Key(k.CuratorId, k.Key, http.Request.Path.Value!) : null;
        Importer.Outcome outcome;
        try
        {
            outcome = await importer.RunAsync(http.Request.Body, user.CuratorId(), key, tracked is null ? null : tracked.Report, ct);
        }
        catch
        {
            tracked?.End(ImportPhase.Failed, null, jobs.Now);
            throw;
        }
        if (outcome.Replay is { } replay)
        {
            tracked?.End(ImportPhase.Committed, null, jobs.Now);
            await replay.AnswerAsync(http, outcome.Sha256);
            return TypedResults.Empty;
        }
        var report = outcome.Report!;
        tracked?.End(report.Committed ? ImportPhase.Committed : ImportPhase.Refused, report, jobs.Now);
        if (report.Committed) return TypedResults.Ok(report);
        return TypedResults.Problem(statusCode: 422, title: "The import was refused; nothing was written.",
            detail: $"{report.RejectedCount} of {report.Lines} lines were rejected. The first: line {report.Rejected[0].Line}, {report.Rejected[0].Field}: {report.Rejected[0].Reason}",
            extensions: new Dictionary<string, object?>
            {
                ["rejected"] = report.Rejected,
                ["rejectedCount"] = report.RejectedCount,
                ["lines"] = report.Lines,
                ["errors"] = report.Rejected.GroupBy(r => $"line {r.Line}: {r.Field}").ToDictionary(g => g.Key, g => g.Select(r => r.Reason).ToArray()),
            });
    }
}
