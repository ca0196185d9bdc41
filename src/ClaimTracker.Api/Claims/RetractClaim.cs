using System.Security.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public static class RetractClaim
{
    /// <param name="reason">Why the claim is retracted; required, kept with the claim and in its history.</param>
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult, ValidationProblem>> Handle(
        long id, [FromQuery] string reason, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason)) return Problems.BadParameter("reason", "is required: say why the claim is retracted.");
        if (reason.Length > 2_000) return Problems.BadParameter("reason", "must be at most 2000 characters.");
        var match = Preconditions.IfMatch(http.Request);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var current = await UpdateClaim.CurrentAsync(connection, tx, id, ct);
        if (current is null) return Problems.NotFound("Claim", id);
        if (match.Version is { } expected && expected != current.Version) return Preconditions.Stale("claim", current.Version);
        if (current.Fields.Status == ClaimStatus.Retracted)
        {
            return Problems.Conflict("The claim is already retracted.", $"Claim {id} was retracted before.");
        }

        var before = current.Detail;
        var fields = current.Fields with { Status = ClaimStatus.Retracted, RetractedReason = reason.Trim() };
        await ClaimWriter.UpdateAsync(connection, tx, id, current.Version, fields, write.CuratorId, ct);
        await ConflictMaintenance.MaintainAsync(connection, tx, [id], write.CuratorId, ct);
        var after = (await ClaimQuery.LoadAsync(connection, tx, id, ct))!;
        await ClaimWriter.RecordAsync(connection, tx, id, "retracted", reason.Trim(), before, after, write.CuratorId, ct);
        http.Response.Headers.ETag = after.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }
}
