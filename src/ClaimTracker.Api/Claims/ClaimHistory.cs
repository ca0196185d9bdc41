using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public enum RevisionAction { Created, Revised, EvidenceAdded, Retracted }

/// <param name="Number">The claim's version after this revision.</param>
/// <param name="Reason">Why, as the curator said (revisions and retractions).</param>
/// <param name="Before">The claim as it was; null for its creation.</param>
public sealed record ClaimRevision(int Number, RevisionAction Action, string? Reason, string Curator, DateTime At, ClaimDetail? Before, ClaimDetail After);

public static class ClaimHistory
{
    public static async Task<Results<Ok<ClaimRevision[]>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<(int Number, string Action, string? Reason, string Curator, DateTime At, string? Before, string? After)>(
            new CommandDefinition("""
                select r.number, r.action, r.reason, c.name, r.created_at, r.before::text, r.after::text
                from claim_revisions r join curators c on c.id = r.created_by
                where r.claim_id = @id
                order by r.number
                """, new { id }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return Problems.NotFound("Claim", id);
        var revisions = new ClaimRevision[rows.Count];
        for (var i = rows.Count - 1; i >= 0; i--)
        {
            var r = rows[i];
            // A bulk import stores no "after" for its creations: it is what the next revision found, or the claim now.
            var after = r.After is not null ? Read(r.After)!
                : i + 1 < rows.Count ? revisions[i + 1].Before!
                : (await ClaimQuery.LoadAsync(connection, null, id, ct))!;
            revisions[i] = new ClaimRevision(r.Number, DbEnum.Parse<RevisionAction>(r.Action), r.Reason, r.Curator, r.At,
                r.Before is null ? null : Read(r.Before), after);
        }
        return TypedResults.Ok(revisions);
    }

    private static ClaimDetail? Read(string json) => JsonSerializer.Deserialize<ClaimDetail>(json, Snapshot)?.Bounded();

    private static readonly JsonSerializerOptions Snapshot = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        // Snapshots written by older versions may lack newer fields or hold ones since dropped.
        options.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip;
        options.RespectRequiredConstructorParameters = false;
        return options;
    }
}
