using System.Security.Claims;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Imports;

public static class ImportEndpoints
{
    public const string MediaType = "application/x-ndjson";

    public static void MapImport(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/import").WithTags("Import")
            .MapPost("/", Handle)
            .WithName("Import")
            .WithSummary("Bulk import subjects, sources, passages and claims from NDJSON")
            .WithDescription("""
                One JSON object per line, each with a "type" (subject, source, passage or claim) and the fields of its
                single-item endpoint; "ref" names a source, passage or claim for later lines ("source": "s1" in a passage,
                "passage": "p1" or "source": "s1" in a claim's evidence). Every line is checked by the same rules as its
                endpoint; the rows are written by binary COPY in batches, in one transaction, and the new claims' conflicts
                are computed set-wise. All or nothing: a 422 lists every rejected line (its number, the field and the reason)
                and nothing is written.
                """)
            .Accepts<string>(MediaType)
            .WithMetadata(new StreamedBodyMetadata())
            .ProducesProblems(422)
            .RequireCurator();
    }

    public static async Task<Results<Ok<ImportReport>, ProblemHttpResult, EmptyHttpResult>> Handle(
        HttpContext http, NpgsqlDataSource db, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<ClaimTrackerOptions> settings,
        ILoggerFactory logs, ClaimsPrincipal user, CancellationToken ct)
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

        var importer = new Importer(db, json.Value.SerializerOptions, logs.CreateLogger<Importer>());
        var key = http.Features.Get<IdempotencyRequest>() is { } k ? new Importer.Key(k.CuratorId, k.Key, http.Request.Path.Value!) : null;
        var outcome = await importer.RunAsync(http.Request.Body, user.CuratorId(), key, null, ct);
        if (outcome.Replay is { } replay)
        {
            await replay.AnswerAsync(http, outcome.Sha256);
            return TypedResults.Empty;
        }
        var report = outcome.Report!;
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
