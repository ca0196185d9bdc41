using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Figures;

/// <summary>A claim stating the figure, with the passages of one source that support it.</summary>
/// <param name="How">states: the figure is the claim's own ("2,500", "nearly 2,500"); admits: the claim's bounded range only
/// allows it ("about 2,400" allows 2,160 to 2,640). Those that state it come first.</param>
public sealed record FigureClaim(
    long ClaimId, string Text, SubjectRef Subject, ClaimProperty Property, ClaimValueView Value, SubjectRef? AssertedBy,
    ClaimStatus Status, EvidenceView[] Passages, FigureMatch How = FigureMatch.States);

/// <summary>states: the figure is the claim's amount. admits: the claim's bounded range contains it.</summary>
public enum FigureMatch { States, Admits }

/// <param name="Claims">The source's first 20 claims that state the figure, by id.</param>
/// <param name="ClaimCount">How many of the source's claims state the figure with a supporting passage.</param>
/// <param name="ClaimsHref">The paged list of the claims with evidence in this source that state the figure:
/// GET /claims?value=...&amp;source=... (with the unit and property looked up).</param>
public sealed record FigureSource(PassageSource Source, FigureClaim[] Claims, int ClaimCount, string ClaimsHref);

/// <param name="Value">The figure to look up (required), e.g. 2,500; 2500 and 2 500 read the same.</param>
/// <param name="Unit">Only quantities in this unit, e.g. troops or people: case, singular or plural, and the synonyms the
/// conflict rules know (soldiers, service members and personnel count as troops) do not matter.</param>
/// <param name="Property">Only claims with this property key, e.g. troop_count.</param>
public sealed record FigureQuery(
    [property: FromQuery(Name = "value"), System.ComponentModel.DataAnnotations.Required] Param<Figure>? Value,
    [property: FromQuery(Name = "unit")] string? Unit,
    [property: FromQuery(Name = "property")] string? Property)
{
    public sealed class Validator : AbstractValidator<FigureQuery>
    {
        public Validator() =>
            RuleFor(q => q.Value).NotNull().OverridePropertyName("value").WithMessage("is required: the figure to look up, such as 2500 or 2,500.");
    }
}

/// <param name="Value">The figure looked up.</param>
/// <param name="SourceCount">How many sources support the figure, over every page.</param>
/// <param name="ClaimCount">How many claims state it with a supporting passage, over every page.</param>
/// <param name="Sources">This page of the sources with a claim whose stated range contains the figure, oldest published
/// first (undated sources last); each with all of its claims that state it.</param>
/// <param name="NextCursor">Pass as <c>cursor</c> for the next page; null on the last.</param>
public sealed record FigureResult(
    decimal Value, string? Unit, string? Property, long SourceCount, long ClaimCount, FigureSource[] Sources, string? NextCursor);

public static class FindFigure
{
    public static void MapFigures(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/figures").WithTags("Figures").WithValidation().WithConditionalReads(keep: true)
            .MapGet("/", Handle)
            .WithName("FindFigure")
            .WithSummary("Which articles support a figure")
            .WithDescription("Every claim that states the figure (its amount, hedged or not: \"nearly 2,500\"), and every claim whose bounded range admits it once its stated bounds and approximation are applied (\"about 2,400\" allows 2,160 to 2,640), each labelled how, grouped by the source that reports it, with the passages; within a source those that state it come first. 2500 and 2,500 are the same figure. The sources come in pages, oldest published first, with the totals over every page.");

    // The sort key of the last source returned: its published date (undated sources sort as 9999-12-31) and id.
    public sealed record Position(DateOnly Published, long Id);

    private sealed class Hits
    {
        public long SourceCount { get; init; }
        public long ClaimCount { get; init; }
        public long[] Ids { get; init; } = [];
        public string[] Published { get; init; } = [];
        public long[] ClaimIds { get; init; } = [];
        public long[] ListedSources { get; init; } = [];
        public long[] ListedClaims { get; init; } = [];
        public long[] CountedSources { get; init; } = [];
        public int[] Counts { get; init; } = [];
    }

    /// <summary>How many of a source's claims stating the figure the answer lists: one source may state it in thousands.</summary>
    public const int ClaimsPerSource = 20;

    /// <summary>The sources supporting a figure, a page at a time (the page counts sources, not claims).</summary>
    public static async Task<Results<Ok<FigureResult>, ValidationProblem>> Handle(
        [AsParameters] FigureQuery query, [AsParameters] PageQuery<Position> page, ReadDb db, CancellationToken ct)
    {
        var (figure, unit, property) = (query.Value!.Value.Value.Value, query.Unit, query.Property);
        var (after, take) = (page.After, page.Take);

        await using var connection = await db.OpenConnectionAsync(ct);
        var (filter, problem) = await ClaimFilter.BuildAsync(connection,
            new ClaimFilterQuery(null, null, property, null, null, null, null, null, query.Value, null, null, unit, null, null, null), ct);
        if (problem is not null) return problem;
        await using var tx = await PerValuePlans.BeginAsync(connection, ct);

        // One pass over the matching claims gives the totals, this page's sources and their claims; only those are loaded.
        var p = filter!.Parameters;
        p.Add("afterPublished", after?.Published ?? DateOnly.MinValue);
        p.Add("afterId", after?.Id ?? 0L);
        p.Add("take", take);
        p.Add("perSource", ClaimsPerSource);
        var hits = await connection.QuerySingleAsync<Hits>(new CommandDefinition($"""
            with hits as materialized (
                select e.source_id, c.id as claim_id
                from claims c join claim_evidence e on e.claim_id = c.id and e.stance = 'supports'
                where {filter.Where}
            ), sources_hit as materialized (
                select s.id, coalesce(s.published_on, date '9999-12-31') as published
                from sources s where s.id in (select source_id from hits)
            ), page as (
                select id, published from sources_hit
                where (published, id) > (@afterPublished, @afterId)
                order by published, id limit @take + 1
            ), shown as (
                select id from page order by published, id limit @take
            ), shown_claims as materialized (
                select source_id, claim_id, row_number() over (partition by source_id order by claim_id) as n,
                       count(*) over (partition by source_id)::int as total
                from (select distinct source_id, claim_id from hits where source_id in (select id from shown)) h
            )
            select (select count(*) from sources_hit) as source_count,
                   (select count(distinct claim_id) from hits) as claim_count,
                   coalesce((select array_agg(id order by published, id) from page), array[]::bigint[]) as ids,
                   coalesce((select array_agg(published::text order by published, id) from page), array[]::text[]) as published,
                   coalesce((select array_agg(distinct claim_id) from shown_claims where n <= @perSource), array[]::bigint[]) as claim_ids,
                   coalesce((select array_agg(source_id order by source_id, claim_id) from shown_claims where n <= @perSource), array[]::bigint[]) as listed_sources,
                   coalesce((select array_agg(claim_id order by source_id, claim_id) from shown_claims where n <= @perSource), array[]::bigint[]) as listed_claims,
                   coalesce((select array_agg(source_id order by source_id) from shown_claims where n = 1), array[]::bigint[]) as counted_sources,
                   coalesce((select array_agg(total order by source_id) from shown_claims where n = 1), array[]::int[]) as counts
            """, p, tx, cancellationToken: ct));

        var pageIds = hits.Ids.Take(take).ToArray();
        var next = hits.Ids.Length > take ? Cursor<Position>.Encode(new Position(DateOnly.ParseExact(hits.Published[take - 1], "yyyy-MM-dd"), hits.Ids[take - 1])) : null;
        var claims = hits.ClaimIds.Length == 0 ? [] : await ClaimQuery.ManyAsync(connection, tx, "where c.id = any(@ids) order by c.id", new { ids = hits.ClaimIds }, ct);

        var order = pageIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var listed = hits.ListedSources.Zip(hits.ListedClaims).ToHashSet();
        var counts = hits.CountedSources.Zip(hits.Counts).ToDictionary(x => x.First, x => x.Second);
        var sources = claims
            .SelectMany(c => c.Evidence.Where(e => e.Stance == EvidenceStance.Supports && order.ContainsKey(e.Source.Id) && listed.Contains((e.Source.Id, c.Id)))
                .Select(e => (Claim: c, Evidence: e)))
            .GroupBy(x => x.Evidence.Source.Id)
            .OrderBy(g => order[g.Key])
            .Select(g => new FigureSource(
                g.First().Evidence.Source,
                [.. g.GroupBy(x => x.Claim.Id).Select(c => new FigureClaim(
                    c.Key, c.First().Claim.Text, c.First().Claim.Subject, c.First().Claim.Property, c.First().Claim.Value,
                    c.First().Claim.AssertedBy, c.First().Claim.Status, [.. c.Select(x => x.Evidence)],
                    c.First().Claim.Value.Amount == figure ? FigureMatch.States : FigureMatch.Admits))
                    .OrderBy(c => c.How).ThenBy(c => c.ClaimId)],
                counts[g.Key],
                ClaimsOf(figure, unit, property, g.Key)))
            .ToArray();
        return TypedResults.Ok(new FigureResult(figure, unit, property, hits.SourceCount, hits.ClaimCount, sources, next));
    }

    private static string ClaimsOf(decimal figure, string? unit, string? property, long sourceId) =>
        $"/claims?value={figure.ToString(System.Globalization.CultureInfo.InvariantCulture)}&source={sourceId}" +
        (unit is null ? "" : "&unit=" + Uri.EscapeDataString(unit)) + (property is null ? "" : "&property=" + Uri.EscapeDataString(property));
}
