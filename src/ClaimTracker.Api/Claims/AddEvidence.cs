using System.Security.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public static class AddEvidence
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> Handle(
        long id, EvidenceInput request, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        // If-Match is optional here: adding evidence does not overwrite anything another curator wrote.
        var match = Preconditions.IfMatch(http.Request, required: false);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var current = await UpdateClaim.CurrentAsync(connection, tx, id, ct);
        if (current is null) return Problems.NotFound("Claim", id);
        if (match.Version is { } expected && expected != current.Version) return Preconditions.Stale("claim", current.Version);
        if (current.Fields.Status == ClaimStatus.Retracted)
        {
            return Problems.Conflict("The claim is retracted.", $"Claim {id} was retracted; retracted claims are kept as they were.");
        }

        var (evidence, problem) = await ClaimEvidence.ResolveAsync(connection, tx, [request], write.CuratorId, "evidence", ct);
        if (problem is not null) return problem;
        var before = current.Detail;
        if (await ClaimEvidence.LinkAsync(connection, tx, id, evidence, write.CuratorId, ct) == 0)
        {
            return Problems.Conflict("The evidence is already linked.", $"Passage {evidence[0].PassageId} is already evidence of claim {id}.",
                new Dictionary<string, object?> { ["passageId"] = evidence[0].PassageId });
        }
        await ClaimWriter.TouchAsync(connection, tx, id, current.Version, write.CuratorId, ct);
        await ClaimWriter.RefreshSearchAsync(connection, tx, id, ct);
        // A new source can turn an internal conflict into one between reports.
        await ConflictMaintenance.MaintainAsync(connection, tx, [id], write.CuratorId, ct);
        var after = (await ClaimQuery.LoadAsync(connection, tx, id, ct))!;
        await ClaimWriter.RecordAsync(connection, tx, id, "evidence_added", null, before, after, write.CuratorId, ct);
        http.Response.Headers.ETag = after.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }
}
