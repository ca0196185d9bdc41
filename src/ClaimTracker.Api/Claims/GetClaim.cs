using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public static class GetClaim
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, HttpResponse response, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ClaimQuery.LoadAsync(connection, null, id, ct) is not { } claim) return Problems.NotFound("Claim", id);
        response.Headers.ETag = claim.ETag;
        return TypedResults.Ok(claim with { Corroboration = await Corroborations.ForAsync(connection, claim, ct) });
    }
}
