using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

public sealed record SubjectRef(long Id, string Name);

/// <param name="Aliases">Every name that resolves to this subject, its own name first.</param>
/// <param name="Broader">The subject this one is part of.</param>
/// <param name="Narrower">The subjects that are part of this one.</param>
/// <param name="ClaimCount">Claims about this subject, retracted ones excluded.</param>
/// <param name="Anonymous">An unnamed speaker ("a senior US official"), named by the report's description; a voice of its own.</param>
/// <param name="SameAs">The speaker a curator said this one is: the two count as one voice.</param>
public sealed record SubjectDetail(
    long Id,
    string Name,
    string? Kind,
    string? Description,
    string[] Aliases,
    SubjectRef? Broader,
    SubjectRef[] Narrower,
    long ClaimCount,
    string CreatedBy,
    DateTime CreatedAt,
    bool Anonymous = false,
    SubjectRef? SameAs = null);

public static class GetSubject
{
    public static async Task<Results<Ok<SubjectDetail>, ProblemHttpResult>> Handle([FromRoute(Name = "id")] Param<long> idParam, ReadDb db, CancellationToken ct)
    {
        var id = idParam.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, id, ct) is { } subject ? TypedResults.Ok(subject) : Problems.NotFound("Subject", id);
    }

    public static async Task<SubjectDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            select s.id, s.name, s.kind, s.description, s.created_at, c.name as created_by,
                   b.id as broader_id, b.name as broader_name, s.anonymous,
                   m.id as same_as_id, m.name as same_as_name,
                   array(select a.alias from subject_aliases a where a.subject_id = s.id
                         order by a.alias_key <> lower(s.name), a.alias) as aliases,
                   (select coalesce(json_agg(json_build_object('id', n.id, 'name', n.name) order by n.name), '[]')
                    from subjects n where n.broader_id = s.id)::text as narrower,
                   (select count(*) from claims k where k.subject_id = s.id and k.status <> 'retracted') as claim_count
            from subjects s
            join curators c on c.id = s.created_by
            left join subjects b on b.id = s.broader_id
            left join subjects m on m.id = s.same_as_id
            where s.id = @id
            """, new { id }, tx, cancellationToken: ct));
        return row is null ? null : new SubjectDetail(
            row.Id, row.Name, row.Kind, row.Description, row.Aliases,
            row.BroaderId is { } b ? new SubjectRef(b, row.BroaderName!) : null,
            JsonSerializer.Deserialize<SubjectRef[]>(row.Narrower, JsonSerializerOptions.Web) ?? [],
            row.ClaimCount, row.CreatedBy, row.CreatedAt, row.Anonymous,
            row.SameAsId is { } m ? new SubjectRef(m, row.SameAsName!) : null);
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Kind { get; init; }
        public string? Description { get; init; }
        public DateTime CreatedAt { get; init; }
        public string CreatedBy { get; init; } = "";
        public long? BroaderId { get; init; }
        public string? BroaderName { get; init; }
        public string[] Aliases { get; init; } = [];
        public string Narrower { get; init; } = "[]";
        public long ClaimCount { get; init; }
        public bool Anonymous { get; init; }
        public long? SameAsId { get; init; }
        public string? SameAsName { get; init; }
    }
}
