using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <param name="Subject">Conflicts about this subject (id, name or alias).</param>
/// <param name="Property">Conflicts over this property (key).</param>
/// <param name="Source">Conflicts in which either claim is evidenced by this source (id).</param>
/// <param name="Status">open, acknowledged, resolved or closed. Without it, every conflict but the closed ones.</param>
/// <param name="Scope">between_reports or internal.</param>
public sealed record ListConflictsQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "property")] string? Property,
    [property: FromQuery(Name = "source")] long? Source,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "scope")] string? Scope,
    [property: FromQuery(Name = "cursor")] string? Cursor,
    [property: FromQuery(Name = "limit")] int? Limit);

public static class ListConflicts
{
    private sealed record Position(long Id);

    public static async Task<Results<Ok<Page<ConflictDetail>>, ValidationProblem>> Handle(
        [AsParameters] ListConflictsQuery query, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Paging.Check<Position>(query.Cursor, query.Limit, out var after, out var take) is { } problem) return problem;
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
        if (query.Source is { } source)
        {
            p.Add("sourceId", source);
            conditions.Add("exists (select 1 from claim_evidence e where e.claim_id in (f.claim_a, f.claim_b) and e.source_id = @sourceId)");
        }
        if (query.Status is { } status)
        {
            if (!ClaimFilter.TryEnum<ConflictStatus>(status, out var s)) return Problems.BadParameter("status", $"must be one of: {DbEnum.Names<ConflictStatus>()}.");
            p.Add("status", s.Db());
            conditions.Add("f.status = @status");
        }
        else
        {
            conditions.Add("f.status <> 'closed'");
        }
        if (query.Scope is { } scope)
        {
            if (!ClaimFilter.TryEnum<ConflictScope>(scope, out var s)) return Problems.BadParameter("scope", $"must be one of: {DbEnum.Names<ConflictScope>()}.");
            p.Add("scope", s.Db());
            conditions.Add("f.scope = @scope");
        }
        if (after is not null)
        {
            p.Add("afterId", after.Id);
            conditions.Add("f.id < @afterId");
        }
        p.Add("limit", take + 1);

        var rows = await ConflictQuery.ManyAsync(connection, null,
            $"where {string.Join(" and ", conditions)} order by f.id desc limit @limit", p, ct);
        var next = rows.Count > take ? Cursor.Encode(new Position(rows[take - 1].Id)) : null;
        return TypedResults.Ok(new Page<ConflictDetail>([.. rows.Take(take)], next));
    }

    public static async Task<Results<Ok<ConflictDetail>, ProblemHttpResult>> HandleOne(long id, NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (await ConflictQuery.LoadAsync(connection, null, id, ct) is not { } conflict) return Problems.NotFound("Conflict", id);
        response.Headers.ETag = conflict.ETag;
        return TypedResults.Ok(conflict);
    }
}
