using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public enum ClaimSort { Id, Recent, Relevance }

/// <summary>
/// What GET /claims counts by. The valid-time facets count each claim once, in the period its valid time starts (its
/// end, when only that is known); the publication facets and outlet count it once in each period (outlet) of the sources
/// that evidence it, as the source facet does. A date known only to the year has no month. The conflict certainty facet
/// counts each claim once, by the surest of its unsettled conflicts (the conflict_certainty filter).
/// </summary>
public enum ClaimFacet { Source, Property, Subject, AssertedBy, Status, ValidYear, ValidMonth, PublishedYear, PublishedMonth, Outlet, ConflictCertainty }

/// <param name="Sort">id (oldest first, the default), recent (newest first), or relevance (with q; its default then).</param>
/// <param name="Facet">Count the matching claims per value of these fields: source, property, subject, asserted_by, status,
/// valid_year and valid_month (when the claim's valid time starts: 2024, 2024-09), published_year and published_month (when
/// its sources were published), outlet (its sources' outlets), conflict_certainty (the surest of its unsettled conflicts:
/// certain, possible or none). Repeat for several, e.g. facet=source&amp;facet=valid_month.</param>
public sealed record ClaimListQuery(
    [property: FromQuery(Name = "sort")] Param<ClaimSort>? Sort,
    [property: FromQuery(Name = "facet")] Param<ClaimFacet>[]? Facet)
{
    public sealed class Validator : AbstractValidator<ClaimListQuery>
    {
        public Validator() =>
            RuleFor(q => q.Facet).Must(f => f!.Where(x => x.IsValid).Select(x => x.Value).Distinct().Count() == f!.Length)
                .When(q => q.Facet is { Length: > 1 } f && f.All(x => x.IsValid)).OverridePropertyName("facet").WithMessage("names a facet twice.");
    }
}

/// <param name="Value">The value to filter by (an id for sources, subjects and asserters, a key for properties; "source" for the
/// source's own voice).</param>
public sealed record FacetValue(string? Value, string Label, long Count);

/// <param name="Ranked">How many matching claims were ranked: the newest ones, at most 10,000 (the setting
/// ClaimTracker:RelevanceCandidates).</param>
/// <param name="AllMatches">Whether those were every matching claim; false when more matched than are ranked.</param>
public sealed record RelevanceScope(int Ranked, bool AllMatches);

/// <param name="Facets">Counts per value of each requested facet, for the whole filtered set: the 30 most frequent values.</param>
/// <param name="Relevance">With sort=relevance: which matching claims were ranked. Null for the other sorts.</param>
public sealed record ClaimPage(
    IReadOnlyList<ClaimDetail> Items, string? NextCursor, Dictionary<string, FacetValue[]>? Facets, RelevanceScope? Relevance);

public static class ListClaims
{
    public sealed record Position(long Id, double? Rank = null);

    public static async Task<Results<Ok<ClaimPage>, ValidationProblem>> Handle(
        [AsParameters] ClaimFilterQuery filterQuery, [AsParameters] ClaimListQuery listQuery, [AsParameters] PageQuery<Position> page,
        ReadDb db, IOptions<ClaimTrackerOptions> options, CancellationToken ct)
    {
        var (after, take) = (page.After, page.Take);
        var facets = listQuery.Facet?.Select(f => f.Value).Distinct().ToArray() ?? [];
        await using var connection = await db.OpenConnectionAsync(ct);
        var (built, problem) = await ClaimFilter.BuildAsync(connection, filterQuery, ct);
        if (built is not { } filter) return problem!;
        await using var tx = filter.PlansPerValue ? await PerValuePlans.BeginAsync(connection, ct) : null;

        var sort = listQuery.Sort?.Value ?? (filter.HasText ? ClaimSort.Relevance : ClaimSort.Id);
        if (sort == ClaimSort.Relevance && !filter.HasText) return Problems.BadParameter("sort", "relevance needs q.");
        var (order, keyset) = sort switch
        {
            ClaimSort.Id => ("order by c.id", "c.id > @afterId"),
            ClaimSort.Recent => ("order by c.id desc", "c.id < @afterId"),
            _ => ($"order by {Relevance} desc, c.id desc", $"({Relevance}, c.id) < (@afterRank::real, @afterId)"),
        };
        RelevanceScope? scope = null;
        string? candidates = null;
        if (sort == ClaimSort.Relevance)
        {
            // Ranking scores every candidate: a term found in most claims would rank hundreds of thousands of them.
            // Relevance ranks the newest matches, at most a configured number, and the answer says how many it ranked.
            var cap = options.Value.RelevanceCandidates;
            filter.Parameters.Add("candidates", cap);
            var matched = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                $"select count(*)::int from (select 1 from claims c where {filter.Where} limit @candidates + 1) m", filter.Parameters, cancellationToken: ct));
            scope = new RelevanceScope(Math.Min(matched, cap), matched <= cap);
            if (!scope.AllMatches)
            {
                candidates = $"c.id >= (select min(n.id) from (select c.id from claims c where {filter.Where} order by c.id desc limit @candidates) n)";
                filter.Conditions.Add(candidates);
            }
        }
        if (after is not null)
        {
            if (sort == ClaimSort.Relevance && after.Rank is null) return Problems.BadParameter("cursor", "is not a cursor of this sort.");
            filter.Parameters.Add("afterId", after.Id);
            filter.Parameters.Add("afterRank", after.Rank);
            filter.Conditions.Add(keyset);
        }
        filter.Parameters.Add("limit", take + 1);
        var rows = await ClaimQuery.ManyAsync(connection, null, $"where {filter.Where} {order} limit @limit", filter.Parameters, ct);

        string? next = null;
        if (rows.Count > take)
        {
            var last = rows[take - 1];
            double? rank = sort == ClaimSort.Relevance
                ? await connection.ExecuteScalarAsync<double>(new CommandDefinition(
                    $"select {Relevance} from claims c where c.id = @id", new { id = last.Id, q = filterQuery.Q }, cancellationToken: ct))
                : null;
            next = Cursor<Position>.Encode(new Position(last.Id, rank));
            rows.RemoveAt(rows.Count - 1);
        }
        // Highlights for the page's rows only: ts_headline reads each passage whole.
        if (filterQuery.Q is { } q) rows = await SearchSnippets.AddAsync(connection, rows, q, ct);

        Dictionary<string, FacetValue[]>? counts = null;
        if (facets.Length > 0)
        {
            // Facets count the whole filtered set, not the page or the ranked candidates.
            if (after is not null) filter.Conditions.Remove(keyset);
            if (candidates is not null) filter.Conditions.Remove(candidates);
            counts = [];
            foreach (var facet in facets) counts[facet.Db()] = await FacetAsync(connection, filter, facet, ct);
        }
        return TypedResults.Ok(new ClaimPage(rows, next, counts, scope));
    }

    internal const string Relevance = "ts_rank_cd(c.search, websearch_to_tsquery('english', @q))::real";

    private static async Task<FacetValue[]> FacetAsync(NpgsqlConnection connection, ClaimFilter filter, ClaimFacet facet, CancellationToken ct)
    {
        var sql = facet switch
        {
            ClaimFacet.Source => $"""
                select e.source_id::text as value, so.title as label, count(distinct c.id) as count
                from claims c join claim_evidence e on e.claim_id = c.id join sources so on so.id = e.source_id
                where {filter.Where} group by e.source_id, so.title
                """,
            ClaimFacet.Property => $"""
                select p.key as value, p.label, count(*) as count
                from claims c join properties p on p.id = c.property_id
                where {filter.Where} group by p.key, p.label
                """,
            ClaimFacet.Subject => $"""
                select s.id::text as value, s.name as label, count(*) as count
                from claims c join subjects s on s.id = c.subject_id
                where {filter.Where} group by s.id, s.name
                """,
            ClaimFacet.AssertedBy => $"""
                select coalesce(a.id::text, 'source') as value, coalesce(a.name, 'the source''s own voice') as label, count(*) as count
                from claims c left join subjects a on a.id = c.asserted_by
                where {filter.Where} group by a.id, a.name
                """,
            ClaimFacet.Status => $"""
                select c.status as value, c.status as label, count(*) as count
                from claims c where {filter.Where} group by c.status
                """,
            ClaimFacet.ValidYear => $"""
                select to_char(d.starts, 'YYYY') as value, to_char(d.starts, 'YYYY') as label, count(*) as count
                from claims c cross join lateral (select coalesce(c.valid_from, c.valid_to) as starts) d
                where {filter.Where} and d.starts is not null group by 1
                """,
            ClaimFacet.ValidMonth => $"""
                select to_char(d.starts, 'YYYY-MM') as value, to_char(d.starts, 'FMMonth YYYY') as label, count(*) as count
                from claims c cross join lateral (select case when c.valid_from is not null
                    then case when c.valid_from_precision <> 'year' then c.valid_from end
                    else case when c.valid_to_precision <> 'year' then c.valid_to end end as starts) d
                where {filter.Where} and d.starts is not null group by 1, 2
                """,
            ClaimFacet.PublishedYear => $"""
                select to_char(so.published_on, 'YYYY') as value, to_char(so.published_on, 'YYYY') as label, count(distinct c.id) as count
                from claims c join claim_evidence e on e.claim_id = c.id join sources so on so.id = e.source_id
                where {filter.Where} and so.published_on is not null group by 1
                """,
            ClaimFacet.PublishedMonth => $"""
                select to_char(so.published_on, 'YYYY-MM') as value, to_char(so.published_on, 'FMMonth YYYY') as label, count(distinct c.id) as count
                from claims c join claim_evidence e on e.claim_id = c.id join sources so on so.id = e.source_id
                where {filter.Where} and so.published_precision <> 'year' group by 1, 2
                """,
            ClaimFacet.ConflictCertainty => $"""
                select w.standing as value, case w.standing when 'certain' then 'in a certain conflict'
                    when 'possible' then 'in possible conflicts only' else 'in no unsettled conflict' end as label, count(*) as count
                from claims c cross join lateral (select {ClaimFilter.ConflictStandingOf("c")} as standing) w
                where {filter.Where} group by w.standing
                """,
            _ => $"""
                select min(so.outlet) as value, min(so.outlet) as label, count(distinct c.id) as count
                from claims c join claim_evidence e on e.claim_id = c.id join sources so on so.id = e.source_id
                where {filter.Where} and so.outlet is not null group by lower(so.outlet)
                """,
        };
        return [.. await connection.QueryAsync<FacetValue>(new CommandDefinition(
            $"select * from ({sql}) f order by count desc, label limit 30", filter.Parameters, cancellationToken: ct))];
    }
}
