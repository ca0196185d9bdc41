using ClaimTracker.Api.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ClaimTracker.Api.Claims;

public static class GetClaim
{
    // The kept document when it is current (one statement); else the answer is built, kept and sent as the same bytes.
    public static async Task<Results<JsonBytes<ClaimDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, ReadDb db, HttpContext http, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ClaimDocuments.FindAsync(http, connection, id, ct) is not { } found) return Problems.NotFound("Claim", id);
        if (found.Body is { } kept)
        {
            http.Response.Headers.ETag = ClaimDetail.ETagOf(found.Version);
            return new JsonBytes<ClaimDetail>(kept);
        }

        if (await ClaimQuery.LoadAsync(connection, null, id, ct) is not { } claim) return Problems.NotFound("Claim", id);
        http.Response.Headers.ETag = claim.ETag;
        var body = ClaimDocuments.Serialize(claim with { Corroboration = await Corroborations.ForAsync(connection, claim, ct) }, json.Value.SerializerOptions);
        if (claim.Version == found.Version) await ClaimDocuments.KeepAsync(connection, id, found, body, ct);
        return new JsonBytes<ClaimDetail>(body);
    }
}
