using System.Text.Json;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// Reads claims with everything a client shows: subject, property, value, attribution and evidence (passages and
/// their sources), in one statement however many claims are read.
/// </summary>
public static class ClaimQuery
{
    public static readonly string Select = $$"""
        select c.id, c.subject_id, s.name as subject_name, p.key as property_key, p.label as property_label,
               p.value_type as property_type, p.unit as property_unit,
               c.value_kind, c.amount, c.lower_bound, c.upper_bound, c.unit, c.approximation, c.tolerance,
               lower(c.value_range) as range_low, upper(c.value_range) as range_high,
               c.time_on, c.time_precision, c.time_modifier, c.text_value, c.stance, c.proposition, c.stated_as,
               c.valid_from, c.valid_from_precision, c.valid_to, c.valid_to_precision, c.stated_on, c.stated_precision,
               c.asserted_by, a.name as asserted_by_name, c.location, c.note,
               c.status, c.retracted_reason, c.rank, c.version,
               cc.name as created_by, c.created_at, cu.name as updated_by, c.updated_at,
               (select coalesce(json_agg(json_build_object(
                        'passageId', e.passage_id, 'stance', e.stance,
                        'start', ps.start_offset, 'end', ps.end_offset, 'exact', ps.exact, 'prefix', ps.prefix, 'suffix', ps.suffix,
                        'revision', r.number, 'state', ps.state, 'sourceId', so.id, 'title', so.title, 'outlet', so.outlet,
                        'publishedOn', so.published_on, 'publishedPrecision', so.published_precision)
                        order by so.published_on nulls last, so.id, ps.start_offset), '[]')
                from claim_evidence e
                join passages ps on ps.id = e.passage_id
                join source_revisions r on r.id = ps.revision_id
                join sources so on so.id = e.source_id
                where e.claim_id = c.id)::text as evidence,
               (select coalesce(json_agg(json_build_object(
                        'id', f.id, 'status', f.status, 'rule', f.rule, 'scope', f.scope,
                        'otherClaimId', case when f.claim_a = c.id then f.claim_b else f.claim_a end) order by f.id), '[]')
                from (select * from conflicts f where (f.claim_a = c.id or f.claim_b = c.id) and f.status <> 'closed'
                      order by f.id limit {{ClaimDetail.EmbeddedConflicts}}) f)::text as conflicts,
               (select count(*) from conflicts f where (f.claim_a = c.id or f.claim_b = c.id) and f.status <> 'closed')::int as conflict_count,
               not exists (select 1 from claim_evidence ne join passages np on np.id = ne.passage_id
                           where ne.claim_id = c.id and ne.stance = 'supports' and np.state in ('exact', 'moved')) as needs_review
        from claims c
        join subjects s on s.id = c.subject_id
        join properties p on p.id = c.property_id
        left join subjects a on a.id = c.asserted_by
        join curators cc on cc.id = c.created_by
        join curators cu on cu.id = c.updated_by
        """;

    public static async Task<ClaimDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<ClaimRow>(new CommandDefinition(Select + " where c.id = @id", new { id }, tx, cancellationToken: ct)))
        ?.ToDetail();

    public static async Task<List<ClaimDetail>> ManyAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string whereAndOrder, object parameters, CancellationToken ct) =>
        [.. (await connection.QueryAsync<ClaimRow>(new CommandDefinition(Select + " " + whereAndOrder, parameters, tx, cancellationToken: ct)))
            .Select(r => r.ToDetail())];
}

internal sealed class ClaimRow
{
    public long Id { get; init; }
    public long SubjectId { get; init; }
    public string SubjectName { get; init; } = "";
    public string PropertyKey { get; init; } = "";
    public string PropertyLabel { get; init; } = "";
    public string PropertyType { get; init; } = "";
    public string? PropertyUnit { get; init; }
    public string ValueKind { get; init; } = "";
    public decimal? Amount { get; init; }
    public decimal? LowerBound { get; init; }
    public decimal? UpperBound { get; init; }
    public string? Unit { get; init; }
    public string? Approximation { get; init; }
    public decimal? Tolerance { get; init; }
    public decimal? RangeLow { get; init; }
    public decimal? RangeHigh { get; init; }
    public DateOnly? TimeOn { get; init; }
    public string? TimePrecision { get; init; }
    public string? TimeModifier { get; init; }
    public string? TextValue { get; init; }
    public string? Stance { get; init; }
    public string? Proposition { get; init; }
    public string? StatedAs { get; init; }
    public DateOnly? ValidFrom { get; init; }
    public string? ValidFromPrecision { get; init; }
    public DateOnly? ValidTo { get; init; }
    public string? ValidToPrecision { get; init; }
    public DateOnly? StatedOn { get; init; }
    public string? StatedPrecision { get; init; }
    public long? AssertedBy { get; init; }
    public string? AssertedByName { get; init; }
    public string? Location { get; init; }
    public string? Note { get; init; }
    public string Status { get; init; } = "";
    public string? RetractedReason { get; init; }
    public string Rank { get; init; } = "";
    public int Version { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public string UpdatedBy { get; init; } = "";
    public DateTime UpdatedAt { get; init; }
    public string Evidence { get; init; } = "[]";
    public string Conflicts { get; init; } = "[]";
    public int ConflictCount { get; init; }
    public bool NeedsReview { get; init; }

    private sealed record ConflictJson(long Id, string Status, string Rule, string Scope, long OtherClaimId);

    private sealed record EvidenceJson(
        long PassageId, string Stance, int Start, int End, string Exact, string Prefix, string Suffix, int Revision, string State,
        long SourceId, string Title, string? Outlet, DateOnly? PublishedOn, string? PublishedPrecision);

    public ClaimValueView Value => new(
        DbEnum.Parse<ValueKind>(ValueKind), Amount, LowerBound, UpperBound, Unit, DbEnum.ParseOrNull<Approximation>(Approximation), Tolerance,
        RangeLow, RangeHigh, PartialDate.FromDb(TimeOn, TimePrecision)?.ToString(), DbEnum.ParseOrNull<DatePrecision>(TimePrecision),
        DbEnum.ParseOrNull<TimeModifier>(TimeModifier), TextValue, DbEnum.ParseOrNull<Stance>(Stance), Proposition, StatedAs);

    /// <summary>The stored fields, as a write reads them back to change them.</summary>
    public ClaimFields Fields(PropertyDetail property) => new(
        SubjectId, property,
        new ClaimValueInput(
            DbEnum.Parse<ValueKind>(ValueKind), Amount, LowerBound, UpperBound, Unit, DbEnum.ParseOrNull<Approximation>(Approximation), Tolerance,
            PartialDate.FromDb(TimeOn, TimePrecision)?.ToString(), DbEnum.ParseOrNull<TimeModifier>(TimeModifier),
            TextValue, DbEnum.ParseOrNull<Stance>(Stance), Proposition, StatedAs),
        PartialDate.FromDb(ValidFrom, ValidFromPrecision), PartialDate.FromDb(ValidTo, ValidToPrecision),
        PartialDate.FromDb(StatedOn, StatedPrecision), AssertedBy, Location, Note,
        DbEnum.Parse<ClaimStatus>(Status), RetractedReason, DbEnum.Parse<ClaimRank>(Rank));

    public ValidTime? Valid => ValidFrom is null && ValidTo is null
        ? null
        : new ValidTime(DateView.FromDb(ValidFrom, ValidFromPrecision), DateView.FromDb(ValidTo, ValidToPrecision));

    public ClaimDetail ToDetail()
    {
        var property = new ClaimProperty(PropertyKey, PropertyLabel, DbEnum.Parse<PropertyType>(PropertyType), PropertyUnit);
        var value = Value;
        var valid = Valid;
        var evidence = JsonSerializer.Deserialize<EvidenceJson[]>(Evidence, JsonSerializerOptions.Web) ?? [];
        return new ClaimDetail(
            Id,
            ClaimText.Describe(SubjectName, property, value, valid, AssertedByName),
            new SubjectRef(SubjectId, SubjectName),
            property,
            value,
            valid,
            DateView.FromDb(StatedOn, StatedPrecision),
            AssertedBy is { } a ? new SubjectRef(a, AssertedByName!) : null,
            Location,
            Note,
            DbEnum.Parse<ClaimStatus>(Status),
            RetractedReason,
            DbEnum.Parse<ClaimRank>(Rank),
            Version,
            [.. evidence.Select(e => new EvidenceView(e.PassageId, DbEnum.Parse<EvidenceStance>(e.Stance), e.Start, e.End, e.Exact, e.Prefix, e.Suffix,
                e.Revision, DbEnum.Parse<AnchorState>(e.State), new PassageSource(e.SourceId, e.Title, e.Outlet, DateView.FromDb(e.PublishedOn, e.PublishedPrecision))))],
            [.. (JsonSerializer.Deserialize<ConflictJson[]>(Conflicts, JsonSerializerOptions.Web) ?? []).Select(f => new ConflictRef(
                f.Id, DbEnum.Parse<ConflictStatus>(f.Status), DbEnum.Parse<ConflictRule>(f.Rule), DbEnum.Parse<ConflictScope>(f.Scope),
                f.OtherClaimId, $"/conflicts/{f.Id}"))],
            ConflictCount,
            ClaimDetail.ConflictsOf(Id),
            null,
            NeedsReview,
            CreatedBy, CreatedAt, UpdatedBy, UpdatedAt);
    }
}
