using System.Globalization;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>The filters of a claims query; every one optional, all combinable.</summary>
/// <param name="Subject">A subject's id, name or alias (any case), e.g. US forces in Iraq; its alias US troops in Iraq, or its id, finds the same claims.</param>
/// <param name="IncludeNarrower">true: also claims about the subject's narrower subjects (events within a topic).</param>
/// <param name="Property">A property key from GET /properties, e.g. troop_count.</param>
/// <param name="Source">Only claims evidenced by this source (its id), e.g. 1.</param>
/// <param name="AssertedBy">Who asserts: a subject's id, name or alias, e.g. Reuters; or "source" for the reporting source's own voice.</param>
/// <param name="Status">draft, verified or retracted. Without it, retracted claims are left out.</param>
/// <param name="Rank">preferred, normal or deprecated.</param>
/// <param name="Best">true: only the best-ranked claims of each subject and property (preferred ones where there are any, else normal ones).</param>
/// <param name="Value">Quantities that state this figure, e.g. 2,500 (2500 reads the same): whose bounded range (bounds and approximation
/// applied) contains it, or whose amount it is ("at least 2" is found by 2, not by every larger figure).</param>
/// <param name="ValueMin">Quantities whose range reaches this figure or more, e.g. 1000.</param>
/// <param name="ValueMax">Quantities whose range reaches this figure or less, e.g. 5,000.</param>
/// <param name="Unit">Quantities in this unit, e.g. troops: case, singular or plural, and the synonyms the conflict rules
/// know (soldiers, service members and personnel count as troops; people as persons) do not matter.</param>
/// <param name="From">Claims whose valid time or time value overlaps the period from this date on: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-09.</param>
/// <param name="To">... up to this date's period, inclusive: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2026.</param>
/// <param name="Q">Full-text search over the claim, its subject's names and its passages, in PostgreSQL's websearch syntax: words
/// (all must match), "quoted phrases", or, and -excluded words, e.g. withdrawal -coalition. At most 500 characters.</param>
/// <param name="NeedsReview">true: only claims left without an exact or moved supporting passage by a corrected source text; false: none of them.</param>
/// <param name="AgreesWith">Only the claims that agree with this claim (its id), e.g. 17: the list behind its corroboration's agreeingCount.</param>
/// <param name="Outlet">Only claims evidenced by a source from this outlet (case-insensitive), e.g. Antiwar.com.</param>
/// <param name="PublishedFrom">Only claims evidenced by a source whose published period ends on or after this date: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-09.</param>
/// <param name="PublishedTo">Only claims evidenced by a source whose published period starts on or before this date's period: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024.</param>
/// <param name="ConflictCertainty">By the surest of a claim's unsettled (open or acknowledged) conflicts: certain (at least one is
/// certain), possible (every one is only possible) or none (the claim is in no unsettled conflict), e.g. possible.</param>
public sealed record ClaimFilterQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "include_narrower")] Param<bool>? IncludeNarrower,
    [property: FromQuery(Name = "property")] string? Property,
    [property: FromQuery(Name = "source")] Param<long>? Source,
    [property: FromQuery(Name = "asserted_by")] string? AssertedBy,
    [property: FromQuery(Name = "status")] Param<ClaimStatus>? Status,
    [property: FromQuery(Name = "rank")] Param<ClaimRank>? Rank,
    [property: FromQuery(Name = "best")] Param<bool>? Best,
    [property: FromQuery(Name = "value")] Param<Figure>? Value,
    [property: FromQuery(Name = "value_min")] Param<Figure>? ValueMin,
    [property: FromQuery(Name = "value_max")] Param<Figure>? ValueMax,
    [property: FromQuery(Name = "unit")] string? Unit,
    [property: FromQuery(Name = "from")] Param<PartialDate>? From,
    [property: FromQuery(Name = "to")] Param<PartialDate>? To,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "needs_review")] Param<bool>? NeedsReview = null,
    [property: FromQuery(Name = "agrees_with")] Param<long>? AgreesWith = null,
    [property: FromQuery(Name = "outlet")] string? Outlet = null,
    [property: FromQuery(Name = "published_from")] Param<PartialDate>? PublishedFrom = null,
    [property: FromQuery(Name = "published_to")] Param<PartialDate>? PublishedTo = null,
    [property: FromQuery(Name = "conflict_certainty")] Param<ConflictStanding>? ConflictCertainty = null)
{
    public sealed class Validator : AbstractValidator<ClaimFilterQuery>
    {
        public Validator()
        {
            RuleFor(q => q.Q).Must(q => q!.Length <= ClaimFilter.MaxSearchLength).When(q => q.Q is not null).OverridePropertyName("q")
                .WithMessage($"must be at most {ClaimFilter.MaxSearchLength} characters.");
            RuleFor(q => q.Q).Must(q => !string.IsNullOrWhiteSpace(q)).When(q => q.Q is not null).OverridePropertyName("q").WithMessage("must not be blank.");
            RuleFor(q => q).Must(q => q.ValueMin!.Value.Value.Value <= q.ValueMax!.Value.Value.Value)
                .When(q => q.ValueMin is { IsValid: true } && q.ValueMax is { IsValid: true })
                .OverridePropertyName("value_min").WithMessage("must not be greater than value_max.");
            RuleFor(q => q).Must(q => q.From!.Value.Value.Start < q.To!.Value.Value.End)
                .When(q => q.From is { IsValid: true } && q.To is { IsValid: true })
                .OverridePropertyName("from").WithMessage("must not be after to.");
            RuleFor(q => q).Must(q => q.PublishedFrom!.Value.Value.Start < q.PublishedTo!.Value.Value.End)
                .When(q => q.PublishedFrom is { IsValid: true } && q.PublishedTo is { IsValid: true })
                .OverridePropertyName("published_from").WithMessage("must not be after published_to.");
        }
    }
}

/// <summary>Where a claim stands among its unsettled (open or acknowledged) conflicts: the surest of them, or none.</summary>
public enum ConflictStanding { Certain, Possible, None }

/// <summary>A filter turned into SQL conditions on claims (alias c) and their parameters.</summary>
public sealed class ClaimFilter
{
    /// <summary>
    /// The SQL for a claim's <see cref="ConflictStanding"/>: 'certain' sorts before 'possible', so the least certainty of its
    /// unsettled conflicts is the surest one.
    /// </summary>
    public static string ConflictStandingOf(string claim) => $"""
        coalesce((select min(k.certainty) from conflicts k
                  where (k.claim_a = {claim}.id or k.claim_b = {claim}.id) and k.status in ('open', 'acknowledged')), 'none')
        """;

    /// <summary>The longest full-text search accepted (q).</summary>
    public const int MaxSearchLength = 500;

    public List<string> Conditions { get; } = [];
    public DynamicParameters Parameters { get; } = new();
    public bool HasText { get; private set; }

    /// <summary>Whether the filter's cost depends on its values (a search term, a figure): see <see cref="PerValuePlans"/>.</summary>
    public bool PlansPerValue { get; private set; }

    public string Where => Conditions.Count == 0 ? "true" : string.Join(" and ", Conditions);

    /// <summary>The filter's SQL; a subject, asserter or property that names nothing is a 400 naming the parameter.</summary>
    public static async Task<(ClaimFilter? Filter, ValidationProblem? Problem)> BuildAsync(
        NpgsqlConnection connection, ClaimFilterQuery query, CancellationToken ct)
    {
        var filter = new ClaimFilter();
        var p = filter.Parameters;

        if (query.Subject is { } subjectRef)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subjectRef, ct) is not { } subject)
            {
                return (null, Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subjectRef}\"."));
            }
            if (query.IncludeNarrower?.Value == true)
            {
                p.Add("subjectIds", (await NarrowerAsync(connection, subject.Id, ct)).ToArray());
                filter.Conditions.Add("c.subject_id = any(@subjectIds)");
            }
            else
            {
                p.Add("subjectId", subject.Id);
                filter.Conditions.Add("c.subject_id = @subjectId");
            }
        }
        if (query.Property is { } property)
        {
            var propertyId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "select id from properties where key = @property", new { property }, cancellationToken: ct));
            if (propertyId is null) return (null, Problems.BadParameter("property", $"no property has the key \"{property}\"."));
            p.Add("propertyId", propertyId);
            filter.Conditions.Add("c.property_id = @propertyId");
        }
        if (query.Source?.Value is { } source)
        {
            p.Add("sourceId", source);
            filter.Conditions.Add("exists (select 1 from claim_evidence fe where fe.claim_id = c.id and fe.source_id = @sourceId)");
        }
        if (query.AssertedBy is { } asserterRef)
        {
            if (asserterRef == "source")
            {
                filter.Conditions.Add("c.asserted_by is null");
            }
            else if (await SubjectLookup.ByReferenceAsync(connection, null, asserterRef, ct) is { } asserter)
            {
                p.Add("assertedBy", asserter.Id);
                filter.Conditions.Add("c.asserted_by = @assertedBy");
            }
            else
            {
                return (null, Problems.BadParameter("asserted_by", $"no subject has the id, name or alias \"{asserterRef}\" (use \"source\" for the source's own voice)."));
            }
        }
        if (query.Status?.Value is { } status)
        {
            p.Add("status", status.Db());
            filter.Conditions.Add("c.status = @status");
        }
        else
        {
            filter.Conditions.Add("c.status <> 'retracted'");
        }
        if (query.Rank?.Value is { } rank)
        {
            p.Add("rank", rank.Db());
            filter.Conditions.Add("c.rank = @rank");
        }
        if (query.Best?.Value == true)
        {
            filter.Conditions.Add("""
                c.rank <> 'deprecated' and (c.rank = 'preferred' or not exists (
                    select 1 from claims b where b.subject_id = c.subject_id and b.property_id = c.property_id
                    and b.rank = 'preferred' and b.status <> 'retracted'))
                """);
        }
        if (query.Value?.Value is { } value)
        {
            p.Add("value", value.Value);
            // An open range ("at least 2") contains every larger figure but states none of them (claims_stating).
            filter.Conditions.Add("c.id in (select id from claims_stating(@value::numeric))");
            filter.PlansPerValue = true;
        }
        var (min, max) = (query.ValueMin?.Value.Value, query.ValueMax?.Value.Value);
        if (min is not null || max is not null)
        {
            p.Add("valueMin", min);
            p.Add("valueMax", max);
            filter.Conditions.Add("c.value_range && numrange(@valueMin::numeric, @valueMax::numeric, '[]')");
            filter.PlansPerValue = true;
        }
        if (query.Unit is { } unit)
        {
            p.Add("unit", unit.Trim());
            // By the unit's key (db/functions/unit_key.sql), as the conflict rules compare units.
            filter.Conditions.Add("unit_key(c.unit) = unit_key(@unit)");
        }
        var (from, to) = (query.From?.Value, query.To?.Value);
        if (from is not null || to is not null)
        {
            p.Add("periodStart", from?.Start);
            p.Add("periodEnd", to?.End);
            filter.Conditions.Add("""
                (c.valid_range && daterange(@periodStart::date, @periodEnd::date) or c.time_range && daterange(@periodStart::date, @periodEnd::date))
                """);
        }
        if (query.NeedsReview?.Value is { } review)
        {
            filter.Conditions.Add((review ? "" : "not ") + """
                not exists (select 1 from claim_evidence re join passages rp on rp.id = re.passage_id
                            where re.claim_id = c.id and re.stance = 'supports' and rp.state in ('exact', 'moved'))
                """);
        }
        if (query.AgreesWith?.Value is { } agreesWith)
        {
            p.Add("agreesWith", agreesWith);
            filter.Conditions.Add("c.id in (select id from agreeing_claims(@agreesWith))");
        }
        if (query.Outlet is { } outlet)
        {
            p.Add("outlet", outlet.Trim());
            filter.Conditions.Add("""
                exists (select 1 from claim_evidence oe join sources os on os.id = oe.source_id where oe.claim_id = c.id and lower(os.outlet) = lower(@outlet))
                """);
        }
        var (publishedFrom, publishedTo) = (query.PublishedFrom?.Value, query.PublishedTo?.Value);
        if (publishedFrom is not null || publishedTo is not null)
        {
            // As GET /sources reads it: a source's published period overlaps the one asked for.
            p.Add("publishedFrom", publishedFrom?.Start);
            p.Add("publishedTo", publishedTo?.End);
            filter.Conditions.Add("""
                exists (select 1 from claim_evidence pe join sources ps on ps.id = pe.source_id where pe.claim_id = c.id
                        and (@publishedFrom::date is null or ps.published_until > @publishedFrom) and (@publishedTo::date is null or ps.published_on < @publishedTo))
                """);
        }
        if (query.ConflictCertainty?.Value is { } standing)
        {
            p.Add("standing", standing.Db());
            filter.Conditions.Add($"{ConflictStandingOf("c")} = @standing");
        }
        if (query.Q is { } q)
        {
            p.Add("q", q);
            filter.Conditions.Add("c.search @@ websearch_to_tsquery('english', @q)");
            filter.HasText = true;
            filter.PlansPerValue = true;
        }
        return (filter, null);
    }

    public static bool TryEnum<T>(string text, out T value) where T : struct, Enum
    {
        value = default;
        var match = Enum.GetValues<T>().FirstOrDefault(v => v.Db() == text.Trim().ToLowerInvariant());
        if (match.Db() != text.Trim().ToLowerInvariant()) return false;
        value = match;
        return true;
    }

    /// <summary>The subject and every subject below it.</summary>
    public static async Task<List<long>> NarrowerAsync(NpgsqlConnection connection, long subjectId, CancellationToken ct) =>
        [.. await connection.QueryAsync<long>(new CommandDefinition("""
            with recursive tree (id, depth) as (
                select @subjectId::bigint, 0
                union
                select s.id, t.depth + 1 from subjects s join tree t on s.broader_id = t.id where t.depth < 20
            )
            select distinct id from tree
            """, new { subjectId }, cancellationToken: ct))];
}
