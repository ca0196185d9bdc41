using ClaimTracker.Api.Infrastructure;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

public sealed record SubjectSummary(long Id, string Name, string? Kind, string[] Aliases, long? BroaderId, long ClaimCount);

/// <param name="Q">Subjects any of whose names or aliases contain this text (case-insensitive), e.g. sudani. At most 300 characters.</param>
/// <param name="Name">The one subject with exactly this name or alias (case-insensitive), e.g. PMF.</param>
public sealed record ListSubjectsQuery(
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "name")] string? Name)
{
    public sealed class Validator : AbstractValidator<ListSubjectsQuery>
    {
        public Validator() => RuleFor(q => q.Q).MaximumLength(300).OverridePropertyName("q");
    }
}

public static class ListSubjects
{
    public sealed record Position(string Name, long Id);

    public static async Task<Ok<Page<SubjectSummary>>> Handle(
        [AsParameters] ListSubjectsQuery query, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            select s.id, s.name, s.kind,
                   array(select a.alias from subject_aliases a where a.subject_id = s.id
                         order by a.alias_key <> lower(s.name), a.alias) as aliases,
                   s.broader_id,
                   (select count(*) from claims k where k.subject_id = s.id and k.status <> 'retracted') as claim_count
            from subjects s
            where (@q::text is null or exists (
                      select 1 from subject_aliases a
                      where a.subject_id = s.id and strpos(a.alias_key, lower(@q)) > 0))
              and (@name::text is null or s.id = (select subject_id from subject_aliases where alias_key = lower(@name)))
              and (@afterName::text is null or (s.name, s.id) > (@afterName, @afterId))
            order by s.name, s.id
            limit @limit
            """,
            new { q = query.Q, name = query.Name?.Trim(), afterName = after?.Name, afterId = after?.Id, limit = take + 1 },
            cancellationToken: ct))).ToList();
        return TypedResults.Ok(new Page<SubjectSummary>(
            [.. rows.Take(take).Select(r => new SubjectSummary(r.Id, r.Name, r.Kind, r.Aliases, r.BroaderId, r.ClaimCount))],
            page.Next(rows, r => new Position(r.Name, r.Id))));
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Kind { get; init; }
        public string[] Aliases { get; init; } = [];
        public long? BroaderId { get; init; }
        public long ClaimCount { get; init; }
    }
}
