using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Sources;

public sealed record SourceSummary(
    long Id,
    string Title,
    string? Subtitle,
    string? Outlet,
    string[] Authors,
    string? Url,
    string Language,
    DateView? Published,
    RevisionSummary Revision,
    string CreatedBy,
    DateTime CreatedAt);

/// <param name="Outlet">Only sources from this outlet (case-insensitive).</param>
/// <param name="PublishedFrom">Only sources whose published period ends on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="PublishedTo">Only sources whose published period starts on or before this date's period.</param>
/// <param name="Cursor">The nextCursor of the previous page.</param>
/// <param name="Limit">Page size, 1 to 200 (default 50).</param>
public sealed record ListSourcesQuery(
    [property: FromQuery(Name = "outlet")] string? Outlet,
    [property: FromQuery(Name = "published_from")] string? PublishedFrom,
    [property: FromQuery(Name = "published_to")] string? PublishedTo,
    [property: FromQuery(Name = "cursor")] string? Cursor,
    [property: FromQuery(Name = "limit")] int? Limit);

public static class ListSources
{
    private sealed record Position(long Id);

    public static async Task<Results<Ok<Page<SourceSummary>>, ValidationProblem>> Handle(
        [AsParameters] ListSourcesQuery query, NpgsqlDataSource db, CancellationToken ct)
    {
        if (Paging.Check<Position>(query.Cursor, query.Limit, out var after, out var take) is { } problem) return problem;
        PartialDate? from = null, to = null;
        if (query.PublishedFrom is not null && (from = PartialDate.ParseOrNull(query.PublishedFrom)) is null)
        {
            return Problems.BadParameter("published_from", $"must be a real date written as {PartialDate.Format}.");
        }
        if (query.PublishedTo is not null && (to = PartialDate.ParseOrNull(query.PublishedTo)) is null)
        {
            return Problems.BadParameter("published_to", $"must be a real date written as {PartialDate.Format}.");
        }
        if (from is { } f && to is { } t && f.Start >= t.End)
        {
            return Problems.BadParameter("published_from", "must not be after published_to.");
        }

        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<SourceRow>(new CommandDefinition($"""
            select {SourceRow.Columns}
            from sources s
            join curators c on c.id = s.created_by
            join lateral (
                select * from source_revisions r where r.source_id = s.id order by r.number desc limit 1
            ) r on true
            where (@outlet::text is null or lower(s.outlet) = lower(@outlet))
              and (@fromDate::date is null or s.published_until > @fromDate)
              and (@toEnd::date is null or s.published_on < @toEnd)
              and (@afterId::bigint is null or s.id > @afterId)
            order by s.id
            limit @limit
            """,
            new { outlet = query.Outlet, fromDate = from?.Start, toEnd = to?.End, afterId = after?.Id, limit = take + 1 },
            cancellationToken: ct))).ToList();

        var next = rows.Count > take ? Cursor.Encode(new Position(rows[take - 1].Id)) : null;
        return TypedResults.Ok(new Page<SourceSummary>([.. rows.Take(take).Select(r => r.ToSummary())], next));
    }
}
