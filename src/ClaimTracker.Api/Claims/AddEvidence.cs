using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public static class AddEvidence
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, EvidenceInput request, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var id = idParam.Value;
        // If-Match is optional here: adding evidence does not overwrite anything another curator wrote.
        var match = Preconditions.IfMatch(http.Request, required: false);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var context = write.Context(ct);
        var (claim, problem) = await ClaimWrites.LockAsync(context, id, match.Version);
        if (problem is not null) return problem;
        var (after, refused) = await ClaimWrites.AddEvidenceAsync(context, claim!, [request]);
        if (refused is not null) return refused;
        http.Response.Headers.ETag = after!.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }
}
