using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <param name="Subject">Conflicts about this subject: its id, name or alias (any case), e.g. US forces in Iraq.</param>
/// <param name="Property">Conflicts over this property: its key, e.g. troop_count.</param>
/// <param name="Source">Conflicts in which either claim is evidenced by this source: its id, e.g. 1.</param>
/// <param name="Status">open, acknowledged, resolved or closed. Without it, every conflict but the closed ones.</param>
/// <param name="Scope">between_reports (two voices disagree) or internal (one voice contradicts itself in one source).</param>
/// <param name="Certainty">certain (the two cannot both be right) or possible (they may not be about the same moment, or a hedge
/// leaves room; certaintyReason says which). Without it, both.</param>
/// <param name="Claim">Conflicts of this claim: its id, e.g. 17. A claim's answer embeds its first 20 and links here for all.</param>
public sealed record ListConflictsQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "property")] string? Property,
    [property: FromQuery(Name = "source")] Param<long>? Source,
    [property: FromQuery(Name = "status")] Param<ConflictStatus>? Status,
    [property: FromQuery(Name = "scope")] Param<ConflictScope>? Scope,
    [property: FromQuery(Name = "certainty")] Param<ConflictCertainty>? Certainty = null,
    [property: FromQuery(Name = "claim")] Param<long>? Claim = null);

public static class ListConflicts
{
    public sealed record Position(long Id);

    public static async Task<Results<Ok<Page<ConflictDetail>>, ValidationProblem>> Handle(
        [AsParameters] ListConflictsQuery query, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);
        var conditions = new List<string>();
        var p = new DynamicParameters();

        await using var connection = await db.OpenConnectionAsync(ct);
        if (query.Subject is { } subjectRef)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subjectRef, ct) is not { } subject)
            {
                return Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subjectRef}\".");
            }
            p.Add("subjectId", subject.Id);
            conditions.Add("exists (select 1 from claims k where k.id = f.claim_a and k.subject_id = @subjectId)");
        }
        if (query.Property is { } property)
        {
            var propertyId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "select id from properties where key = @property", new { property }, cancellationToken: ct));
            if (propertyId is null) return Problems.BadParameter("property", $"no property has the key \"{property}\".");
            p.Add("propertyId", propertyId);
            conditions.Add("exists (select 1 from claims k where k.id in (f.claim_a, f.claim_b) and k.property_id = @propertyId)");
        }
        if (query.Source?.Value is { } source)
        {
            p.Add("sourceId", source);
            conditions.Add("exists (select 1 from claim_evidence e where e.claim_id in (f.claim_a, f.claim_b) and e.source_id = @sourceId)");
        }
        if (query.Claim?.Value is { } claim)
        {
            p.Add("claimId", claim);
            conditions.Add("(f.claim_a = @claimId or f.claim_b = @claimId)");
        }
        if (query.Status?.Value is { } status)
        {
            p.Add("status", status.Db());
            conditions.Add("f.status = @status");
        }
        else
        {
            conditions.Add("f.status <> 'closed'");
        }
        if (query.Scope?.Value is { } scope)
        {
            p.Add("scope", scope.Db());
            conditions.Add("f.scope = @scope");
        }
        if (query.Certainty?.Value is { } certainty)
        {
            p.Add("certainty", certainty.Db());
            conditions.Add("f.certainty = @certainty");
        }
        if (after is not null)
        {
            p.Add("afterId", after.Id);
            conditions.Add("f.id < @afterId");
        }
        p.Add("limit", take + 1);

        var rows = await ConflictQuery.ManyAsync(connection, null,
            $"where {string.Join(" and ", conditions)} order by f.id desc limit @limit", p, ct);
        return TypedResults.Ok(new Page<ConflictDetail>([.. rows.Take(take)], page.Next(rows, r => new Position(r.Id))));
    }

    public static async Task<Results<Ok<ConflictDetail>, ProblemHttpResult>> HandleOne([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, HttpResponse response, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ConflictQuery.LoadAsync(connection, null, id, ct) is not { } conflict) return Problems.NotFound("Conflict", id);
        response.Headers.ETag = conflict.ETag;
        return TypedResults.Ok(conflict);
    }
}
