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
               upper(c.time_range) as time_end, c.time_part, c.time_approximate, c.time_of_day, c.time_utc_offset, c.time_resolution,
               c.time_display, c.value_expression, c.hedge, c.hedge_table, c.value_reading, c.part_of,
               lower(c.as_of) as as_of_start, upper(c.as_of) as as_of_end, c.as_of_basis, p.time_semantics,
               (select coalesce(json_agg(json_build_object('id', v.id, 'name', v.name, 'anonymous', v.anonymous) order by t.position), '[]')
                from claim_attributions t join subjects v on v.id = t.subject_id where t.claim_id = c.id)::text as attribution,
               a.anonymous as asserted_by_anonymous,
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
                        'id', f.id, 'status', f.status, 'rule', f.rule, 'scope', f.scope, 'certainty', f.certainty,
                        'certaintyReason', f.certainty_reason,
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
    public DateOnly? TimeEnd { get; init; }
    public string? TimePart { get; init; }
    public bool TimeApproximate { get; init; }
    public TimeOnly? TimeOfDay { get; init; }
    public int? TimeUtcOffset { get; init; }
    public string? TimeResolution { get; init; }
    public string? TimeDisplay { get; init; }
    public string? ValueExpression { get; init; }
    public string? Hedge { get; init; }
    public int? HedgeTable { get; init; }
    public string? ValueReading { get; init; }
    public long? PartOf { get; init; }
    public DateOnly? AsOfStart { get; init; }
    public DateOnly? AsOfEnd { get; init; }
    public string? AsOfBasis { get; init; }
    public string TimeSemantics { get; init; } = "moment";
    public string Attribution { get; init; } = "[]";
    public bool? AssertedByAnonymous { get; init; }

    private sealed record ConflictJson(long Id, string Status, string Rule, string Scope, string Certainty, string? CertaintyReason, long OtherClaimId);

    private sealed record VoiceJson(long Id, string Name, bool Anonymous);

    /// <summary>The stored period of a time value: any length, as the report stated it.</summary>
    private Period? StoredPeriod => TimeOn is { } start && TimePrecision is { } precision && TimeEnd is { } end
        ? new Period(start, end, DbEnum.Parse<PeriodPrecision>(precision), TimeDisplay ?? "", TimePart, TimeApproximate, TimeOfDay, TimeUtcOffset, TimeResolution)
        : null;

    /// <summary>The date as a day, month or year: the period itself, or the narrowest that holds it.</summary>
    private PartialDate? Enclosing => StoredPeriod?.Enclosing();

    private sealed record EvidenceJson(
        long PassageId, string Stance, int Start, int End, string Exact, string Prefix, string Suffix, int Revision, string State,
        long SourceId, string Title, string? Outlet, DateOnly? PublishedOn, string? PublishedPrecision);

    public ClaimValueView Value
    {
        get
        {
            var period = StoredPeriod;
            var modifier = DbEnum.ParseOrNull<TimeModifier>(TimeModifier);
            var due = period is null ? (DateOnly?)null
                : TimeSemantics == "due" || modifier == Claims.TimeModifier.By ? period.End.AddDays(-1) : null;
            return new(
                DbEnum.Parse<ValueKind>(ValueKind), Amount, LowerBound, UpperBound, Unit, DbEnum.ParseOrNull<Approximation>(Approximation), Tolerance,
                RangeLow, RangeHigh, Enclosing?.ToString(), Enclosing?.Precision,
                modifier, TextValue, DbEnum.ParseOrNull<Stance>(Stance), Proposition, StatedAs,
                period is null ? null : new PeriodView(period.Start, period.End.AddDays(-1), period.Precision, period.Display, period.Part,
                    period.Approximate, period.TimeOfDay?.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture), period.UtcOffsetMinutes,
                    period.Resolution, due),
                ValueExpression, ValueReading, Hedge is { } hedge ? new HedgeView(hedge, HedgeTable ?? 0) : null);
        }
    }

    /// <summary>The claim's voices, outermost first: its attribution chain, or its asserter alone.</summary>
    public VoiceView[] Voices =>
        JsonSerializer.Deserialize<VoiceJson[]>(Attribution, JsonSerializerOptions.Web) is { Length: > 0 } chain
            ? [.. chain.Select(v => new VoiceView(v.Id, v.Name, v.Anonymous))]
            : AssertedBy is { } a ? [new VoiceView(a, AssertedByName!, AssertedByAnonymous == true)] : [];

    /// <summary>The stored fields, as a write reads them back to change them.</summary>
    public ClaimFields Fields(PropertyDetail property) => new(
        SubjectId, property,
        new ValueMeaning(
            new ClaimValueInput(
                DbEnum.Parse<ValueKind>(ValueKind), Amount, LowerBound, UpperBound, Unit, DbEnum.ParseOrNull<Approximation>(Approximation), Tolerance,
                Enclosing?.ToString(), DbEnum.ParseOrNull<TimeModifier>(TimeModifier),
                TextValue, DbEnum.ParseOrNull<Stance>(Stance), Proposition, StatedAs, ValueExpression),
            Hedge, HedgeTable, ValueReading, StoredPeriod),
        PartialDate.FromDb(ValidFrom, ValidFromPrecision), PartialDate.FromDb(ValidTo, ValidToPrecision),
        PartialDate.FromDb(StatedOn, StatedPrecision), AssertedBy, Location, Note,
        DbEnum.Parse<ClaimStatus>(Status), RetractedReason, DbEnum.Parse<ClaimRank>(Rank), PartOf, [.. Voices.Select(v => v.Id)]);

    public ValidTime? Valid => ValidFrom is null && ValidTo is null
        ? null
        : new ValidTime(DateView.FromDb(ValidFrom, ValidFromPrecision), DateView.FromDb(ValidTo, ValidToPrecision));

    public ClaimDetail ToDetail()
    {
        var property = new ClaimProperty(PropertyKey, PropertyLabel, DbEnum.Parse<PropertyType>(PropertyType), PropertyUnit);
        var value = Value;
        var valid = Valid;
        var evidence = JsonSerializer.Deserialize<EvidenceJson[]>(Evidence, JsonSerializerOptions.Web) ?? [];
        var asOf = AsOfBasis is { } basis ? new AsOfView(AsOfStart, AsOfEnd?.AddDays(-1), DbEnum.Parse<AsOfBasis>(basis)) : null;
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
                f.OtherClaimId, $"/conflicts/{f.Id}", DbEnum.Parse<ConflictCertainty>(f.Certainty), f.CertaintyReason))],
            ConflictCount,
            ClaimDetail.ConflictsOf(Id),
            null,
            NeedsReview,
            CreatedBy, CreatedAt, UpdatedBy, UpdatedAt,
            asOf,
            Voices,
            PartOf,
            ReconciledHref: ClaimDetail.ReconciledOf(SubjectId, property, value, asOf));
    }
}
