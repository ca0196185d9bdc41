using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
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

/// <param name="Outlet">Only sources from this outlet (case-insensitive), e.g. Antiwar.com.</param>
/// <param name="PublishedFrom">Only sources whose published period ends on or after this date: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-09.</param>
/// <param name="PublishedTo">Only sources whose published period starts on or before this date's period: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024.</param>
public sealed record ListSourcesQuery(
    [property: FromQuery(Name = "outlet")] string? Outlet,
    [property: FromQuery(Name = "published_from")] Param<PartialDate>? PublishedFrom,
    [property: FromQuery(Name = "published_to")] Param<PartialDate>? PublishedTo)
{
    public sealed class Validator : AbstractValidator<ListSourcesQuery>
    {
        public Validator() =>
            RuleFor(q => q).Must(q => q.PublishedFrom!.Value.Value.Start < q.PublishedTo!.Value.Value.End)
                .When(q => q.PublishedFrom is { IsValid: true } && q.PublishedTo is { IsValid: true })
                .OverridePropertyName("published_from").WithMessage("must not be after published_to.");
    }
}

public static class ListSources
{
    public sealed record Position(long Id);

    public static async Task<Ok<Page<SourceSummary>>> Handle(
        [AsParameters] ListSourcesQuery query, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);
        var (from, to) = (query.PublishedFrom?.Value, query.PublishedTo?.Value);

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

        return TypedResults.Ok(new Page<SourceSummary>([.. rows.Take(take).Select(r => r.ToSummary())], page.Next(rows, r => new Position(r.Id))));
    }
}
