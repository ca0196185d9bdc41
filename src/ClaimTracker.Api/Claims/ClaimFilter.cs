using System.Globalization;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>The filters of a claims query; every one optional, all combinable.</summary>
/// <param name="Subject">A subject's id, name or alias.</param>
/// <param name="IncludeNarrower">Also claims about the subject's narrower subjects (events within a topic).</param>
/// <param name="Property">A property key.</param>
/// <param name="Source">Only claims evidenced by this source (id).</param>
/// <param name="AssertedBy">Who asserts: a subject's id, name or alias, or "source" for the reporting source's own voice.</param>
/// <param name="Status">draft, verified or retracted. Without it, retracted claims are left out.</param>
/// <param name="Rank">preferred, normal or deprecated.</param>
/// <param name="Best">Only the best-ranked claims of each subject and property: preferred ones where there are any, else normal ones.</param>
/// <param name="Value">Quantities that state this figure: whose bounded range (bounds and approximation applied) contains it, or whose
/// amount it is ("at least 2" is found by 2, not by every larger figure); "2,500" and "2500" alike.</param>
/// <param name="ValueMin">Quantities whose range reaches this figure or more.</param>
/// <param name="ValueMax">Quantities whose range reaches this figure or less.</param>
/// <param name="Unit">Quantities in this unit (case-insensitive).</param>
/// <param name="From">Claims whose valid time or time value overlaps the period from this date (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="To">... to this date's period, inclusive.</param>
/// <param name="NeedsReview">Only claims (true) or no claims (false) left without an exact or moved supporting passage by a corrected source text.</param>
/// <param name="Q">Full-text search over the claim, its subject's names and its passages (PostgreSQL websearch syntax).</param>
public sealed record ClaimFilterQuery(
    [property: FromQuery(Name = "subject")] string? Subject,
    [property: FromQuery(Name = "include_narrower")] bool? IncludeNarrower,
    [property: FromQuery(Name = "property")] string? Property,
    [property: FromQuery(Name = "source")] long? Source,
    [property: FromQuery(Name = "asserted_by")] string? AssertedBy,
    [property: FromQuery(Name = "status")] string? Status,
    [property: FromQuery(Name = "rank")] string? Rank,
    [property: FromQuery(Name = "best")] bool? Best,
    [property: FromQuery(Name = "value")] string? Value,
    [property: FromQuery(Name = "value_min")] string? ValueMin,
    [property: FromQuery(Name = "value_max")] string? ValueMax,
    [property: FromQuery(Name = "unit")] string? Unit,
    [property: FromQuery(Name = "from")] string? From,
    [property: FromQuery(Name = "to")] string? To,
    [property: FromQuery(Name = "q")] string? Q,
    [property: FromQuery(Name = "needs_review")] bool? NeedsReview = null);

/// <summary>A filter turned into SQL conditions on claims (alias c) and their parameters.</summary>
public sealed class ClaimFilter
{
    /// <summary>The longest full-text search accepted (q).</summary>
    public const int MaxSearchLength = 500;

    public List<string> Conditions { get; } = [];
    public DynamicParameters Parameters { get; } = new();
    public bool HasText { get; private set; }

    /// <summary>Whether the filter's cost depends on its values (a search term, a figure): see <see cref="PerValuePlans"/>.</summary>
    public bool PlansPerValue { get; private set; }

    public string Where => Conditions.Count == 0 ? "true" : string.Join(" and ", Conditions);

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
            if (query.IncludeNarrower == true)
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
        if (query.Source is { } source)
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
        if (query.Status is { } status)
        {
            if (!TryEnum<ClaimStatus>(status, out var s)) return (null, Problems.BadParameter("status", $"must be one of: {DbEnum.Names<ClaimStatus>()}."));
            p.Add("status", s.Db());
            filter.Conditions.Add("c.status = @status");
        }
        else
        {
            filter.Conditions.Add("c.status <> 'retracted'");
        }
        if (query.Rank is { } rank)
        {
            if (!TryEnum<ClaimRank>(rank, out var r)) return (null, Problems.BadParameter("rank", $"must be one of: {DbEnum.Names<ClaimRank>()}."));
            p.Add("rank", r.Db());
            filter.Conditions.Add("c.rank = @rank");
        }
        if (query.Best == true)
        {
            filter.Conditions.Add("""
                c.rank <> 'deprecated' and (c.rank = 'preferred' or not exists (
                    select 1 from claims b where b.subject_id = c.subject_id and b.property_id = c.property_id
                    and b.rank = 'preferred' and b.status <> 'retracted'))
                """);
        }
        if (query.Value is { } valueText)
        {
            if (ParseFigure(valueText) is not { } value) return (null, Problems.BadParameter("value", "must be a number, such as 2500 or 2,500."));
            p.Add("value", value);
            // An open range ("at least 2") contains every larger figure but states none of them (claims_stating, 0007).
            filter.Conditions.Add("c.id in (select id from claims_stating(@value::numeric))");
            filter.PlansPerValue = true;
        }
        decimal? min = null, max = null;
        if (query.ValueMin is { } minText && (min = ParseFigure(minText)) is null)
        {
            return (null, Problems.BadParameter("value_min", "must be a number, such as 2500 or 2,500."));
        }
        if (query.ValueMax is { } maxText && (max = ParseFigure(maxText)) is null)
        {
            return (null, Problems.BadParameter("value_max", "must be a number, such as 2500 or 2,500."));
        }
        if (min > max) return (null, Problems.BadParameter("value_min", "must not be greater than value_max."));
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
            filter.Conditions.Add("lower(c.unit) = lower(@unit)");
        }
        PartialDate? from = null, to = null;
        if (query.From is not null && (from = PartialDate.ParseOrNull(query.From)) is null)
        {
            return (null, Problems.BadParameter("from", $"must be a real date written as {PartialDate.Format}."));
        }
        if (query.To is not null && (to = PartialDate.ParseOrNull(query.To)) is null)
        {
            return (null, Problems.BadParameter("to", $"must be a real date written as {PartialDate.Format}."));
        }
        if (from is { } f && to is { } t && f.Start >= t.End) return (null, Problems.BadParameter("from", "must not be after to."));
        if (from is not null || to is not null)
        {
            p.Add("periodStart", from?.Start);
            p.Add("periodEnd", to?.End);
            filter.Conditions.Add("""
                (c.valid_range && daterange(@periodStart::date, @periodEnd::date) or c.time_range && daterange(@periodStart::date, @periodEnd::date))
                """);
        }
        if (query.NeedsReview is { } review)
        {
            filter.Conditions.Add((review ? "" : "not ") + """
                not exists (select 1 from claim_evidence re join passages rp on rp.id = re.passage_id
                            where re.claim_id = c.id and re.stance = 'supports' and rp.state in ('exact', 'moved'))
                """);
        }
        if (query.Q is { } q)
        {
            if (q.Length > MaxSearchLength) return (null, Problems.BadParameter("q", $"must be at most {MaxSearchLength} characters."));
            if (string.IsNullOrWhiteSpace(q)) return (null, Problems.BadParameter("q", "must not be blank."));
            p.Add("q", q);
            filter.Conditions.Add("c.search @@ websearch_to_tsquery('english', @q)");
            filter.HasText = true;
            filter.PlansPerValue = true;
        }
        return (filter, null);
    }

    /// <summary>"2,500", "2500", "2 500" and "2500.5" read as numbers; anything else does not.</summary>
    public static decimal? ParseFigure(string text)
    {
        var cleaned = text.Trim().Replace(",", "").Replace("_", "").Replace(" ", "").Replace("\u202F", "").Replace("\u00A0", "");
        return cleaned.Length is > 0 and <= 30
               && decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
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
