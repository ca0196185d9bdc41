using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public static class CreateClaim
{
    public static async Task<Results<Created<ClaimDetail>, ProblemHttpResult>> Handle(
        CreateClaimRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var (claim, problem) = await ClaimWrites.CreateAsync(write.Context(ct), request);
        if (problem is not null) return problem;
        http.Response.Headers.ETag = claim!.ETag;
        return await write.CommitAsync(TypedResults.Created($"/claims/{claim.Id}", claim), ct);
    }
}
