using System.Text.Json;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Figures;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ClaimTracker.Api.Reconciled;

/// <param name="Subject">The subject (required): its id, name or alias (any case), e.g. US forces in Iraq.</param>
/// <param name="Property">The property (required): the key of a quantity property from GET /properties, e.g. troop_count.</param>
/// <param name="From">Claims whose as-of time (valid time, else when said, else the report's date) overlaps the period from this
/// date on: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024-09. Without it the period is open into the past.</param>
/// <param name="To">... up to this date's period, inclusive: YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2024. Without it the period is open
/// into the future; without either, every claim counts, undated ones too.</param>
/// <param name="Unit">Weigh the claims in this unit, e.g. contractors. Matched by unit key, as the conflict rules and the unit filters
/// of /claims and /figures match it: case, singular or plural and the synonyms they know do not matter (unit=soldiers weighs the
/// troops). Without it, the property's default unit when any claim of the period counts in it, else the unit most of them count
/// in (ties: the first by name). Claims in other units are never weighed with them; a unit no claim counts in answers no figures.</param>
public sealed record ReconciledQuery(
    [property: FromQuery(Name = "subject"), System.ComponentModel.DataAnnotations.Required] string? Subject,
    [property: FromQuery(Name = "property"), System.ComponentModel.DataAnnotations.Required] string? Property,
    [property: FromQuery(Name = "from")] Param<PartialDate>? From,
    [property: FromQuery(Name = "to")] Param<PartialDate>? To,
    [property: FromQuery(Name = "unit")] string? Unit)
{
    public sealed class Validator : AbstractValidator<ReconciledQuery>
    {
        public Validator()
        {
            RuleFor(q => q.Subject).Must(s => !string.IsNullOrWhiteSpace(s)).OverridePropertyName("subject")
                .WithMessage("is required: a subject's id, name or alias.");
            RuleFor(q => q.Property).Must(p => !string.IsNullOrWhiteSpace(p)).OverridePropertyName("property")
                .WithMessage("is required: the key of a quantity property, such as troop_count.");
            RuleFor(q => q).Must(q => q.From!.Value.Value.Start < q.To!.Value.Value.End)
                .When(q => q.From is { IsValid: true } && q.To is { IsValid: true })
                .OverridePropertyName("from").WithMessage("must not be after to.");
            RuleFor(q => q.Unit).Must(u => !string.IsNullOrWhiteSpace(u)).When(q => q.Unit is not null).OverridePropertyName("unit")
                .WithMessage("must name a unit, such as troops; leave it out to weigh the default unit.");
        }
    }
}

/// <summary>The quantity property reconciled.</summary>
/// <param name="Key">Its key, e.g. troop_count.</param>
/// <param name="Label">Its label, for people.</param>
/// <param name="Unit">The unit it counts in by default; a claim may name its own (see the answer's unit and units).</param>
public sealed record ReconciledProperty(string Key, string Label, string? Unit);

/// <summary>The period asked for, as read; a null end is open.</summary>
/// <param name="From">The period's first date (YYYY, YYYY-MM or YYYY-MM-DD), or null when open into the past.</param>
/// <param name="To">The period's last date, inclusive at its precision, or null when open into the future.</param>
public sealed record ReconciledPeriod(string? From, string? To);

/// <summary>A passage behind a figure: one claim's supporting passage in one source, and whose voice it is.</summary>
/// <param name="ClaimId">The claim that states or admits the figure.</param>
/// <param name="How">states: the figure is the claim's amount (exactly or as a hedge's amount: "about 2,500" states 2,500);
/// admits: the claim's bounded range only allows it ("about 2,400" allows 2,160 to 2,640).</param>
/// <param name="Value">The claim's value as the claim view shows it: amount, approximation, bounds and the range they allow.</param>
/// <param name="Voice">The independent voice the passage speaks in: the claim's original speaker, else the source's organisation
/// (the wire a copy republishes, the subject its outlet names, the outlet).</param>
/// <param name="Source">The source the passage is in: id, title, outlet and published date.</param>
/// <param name="PassageId">The passage's id (GET /passages/{id}).</param>
/// <param name="Exact">The passage's exact text.</param>
public sealed record ReconciledPassage(long ClaimId, FigureMatch How, ClaimValueView Value, string Voice, PassageSource Source, long PassageId, string Exact);

/// <summary>A unit the period's claims count in: one unit key, whatever the spelling ("troops", "soldiers" and "service members" are one).</summary>
/// <param name="Unit">Its name: the property's default unit when that has the same key, else the spelling most of its claims use (ties: the
/// first by name), e.g. contractors; null for claims that name no unit, of a property that has none.</param>
/// <param name="Key">Its unit key (db/functions/unit_key.sql: lower case, singular, synonyms folded), e.g. contractor; null with the unit.</param>
/// <param name="Names">The spellings its claims use, by name, e.g. service members, soldiers, troops.</param>
/// <param name="ClaimCount">How many claims of the period count in it: those that are weighed when it is the unit.</param>
/// <param name="Weighed">True for the unit the answer's figures are in.</param>
/// <param name="Href">The reconciled figure in this unit: GET /reconciled with the same subject, property and period and unit=... (no
/// unit for claims that name none: they are the default).</param>
public sealed record ReconciledUnit(string? Unit, string? Key, string[] Names, int ClaimCount, bool Weighed, string Href);

/// <summary>A reported figure with the independent voices behind it.</summary>
/// <param name="Amount">The figure, as the claims report it (their amount).</param>
/// <param name="VoiceCount">How many independent voices support it: for lowest and highest those that state it; for the consensus
/// and its ties those that state or admit it.</param>
/// <param name="Voices">The first 20 of those voices, by name.</param>
/// <param name="PassageCount">How many passages (a claim's supporting passage in a source) support it.</param>
/// <param name="Passages">The first 20 of them: those that state it first, then by claim.</param>
public sealed record ReconciledFigure(decimal Amount, int VoiceCount, string[] Voices, int PassageCount, ReconciledPassage[] Passages);

/// <summary>The figure the most independent voices support, and any other with as many.</summary>
/// <param name="Amount">The figure supported by the most independent voices; when several are tied, the lowest of them (see
/// <paramref name="Tied"/>).</param>
/// <param name="VoiceCount">How many independent voices support it, stating or admitting it.</param>
/// <param name="Voices">The first 20 of those voices, by name.</param>
/// <param name="PassageCount">How many passages support it.</param>
/// <param name="Passages">The first 20 of them: those that state it first, then by claim.</param>
/// <param name="Tied">True when other reported figures have as many voices: the reports do not settle on one figure.</param>
/// <param name="TieCount">How many other figures have as many voices.</param>
/// <param name="Ties">The first 20 of those other figures, lowest first, each with its voices and passages.</param>
public sealed record ReconciledConsensus(
    decimal Amount, int VoiceCount, string[] Voices, int PassageCount, ReconciledPassage[] Passages,
    bool Tied, int TieCount, ReconciledFigure[] Ties);

/// <summary>What the reports say a figure is, for one subject, property and period.</summary>
/// <param name="Subject">The subject, as resolved from the reference given.</param>
/// <param name="Property">The quantity property.</param>
/// <param name="Period">The period asked for.</param>
/// <param name="ClaimCount">How many claims were weighed: quantity claims of the subject and property in the period and the unit, not
/// retracted, not deprecated, not a part of a breakdown, with a supporting passage. 0 when no claim counts in the unit asked for.</param>
/// <param name="VoiceCount">How many independent voices those claims speak in.</param>
/// <param name="CandidateCount">How many distinct figures the claims report (each is a candidate for the consensus).</param>
/// <param name="Unit">The unit weighed: the one asked for (by its name in the claims when any counts in it, else as asked), else the
/// property's default unit when any claim of the period counts in it, else the unit most of them count in (ties: the first by name);
/// with no claim in the period, the property's default unit. Null when the claims weighed name no unit.</param>
/// <param name="UnitKey">The unit key weighed, e.g. troop: only claims whose unit has this key are weighed.</param>
/// <param name="Units">Every unit the period's claims count in, most claims first (ties: by name), each with its claim count, whether it is the
/// one weighed, and the link to the figure in it. None is weighed when no claim counts in the unit asked for.</param>
/// <param name="Lowest">The lowest figure reported, with the voices and passages that state it; null when no claim reports one.</param>
/// <param name="Highest">The highest figure reported, with the voices and passages that state it; null when no claim reports one.</param>
/// <param name="Consensus">The reported figure the most independent voices support; null when no claim reports one.</param>
public sealed record ReconciledAnswer(
    SubjectRef Subject, ReconciledProperty Property, ReconciledPeriod Period,
    int ClaimCount, int VoiceCount, int CandidateCount, string? Unit, string? UnitKey, ReconciledUnit[] Units,
    ReconciledFigure? Lowest, ReconciledFigure? Highest, ReconciledConsensus? Consensus);

public static class GetReconciled
{
    /// <summary>How many voices, passages and ties each figure lists; a figure reported everywhere has thousands.</summary>
    public const int Listed = 20;

    // Only claims of one unit are weighed: "2,500 troops" and "900 contractors" are no range. Units are one by their key
    // (unit_key, as the conflict rules and the unit filters of /claims and /figures compare them); a claim's unit is its
    // own, else its property's. The unit is the one asked for, else the property's, else the one most claims count in.
    // Candidates are the distinct amounts the weighed claims report. Who backs a candidate is the project's rule of
    // "states the figure" (claims_stating, as /figures), asked of the weighed claims only, and whose voice each backing
    // passage is follows claim_voice, as corroboration counts independent supports.
    private const string Sql = """
        with eligible as materialized (
            select c.id, c.amount, coalesce(c.unit, p.unit) as unit, unit_key(coalesce(c.unit, p.unit)) as key
            from claims c join properties p on p.id = c.property_id
            where c.subject_id = @subjectId and c.property_id = @propertyId and c.value_kind = 'quantity'
              and c.status <> 'retracted' and c.rank <> 'deprecated' and c.part_of is null
              and (@periodStart::date is null and @periodEnd::date is null or c.as_of && daterange(@periodStart::date, @periodEnd::date))
              and exists (select 1 from claim_evidence e where e.claim_id = c.id and e.stance = 'supports')
        ), units as materialized (
            select key, count(*)::int as claim_count,
                   coalesce(array_agg(distinct unit order by unit) filter (where unit is not null), array[]::text[]) as names,
                   case when key is not distinct from unit_key(@defaultUnit::text) then @defaultUnit::text
                        else mode() within group (order by unit) end as name
            from eligible group by key
        ), chosen as materialized (
            -- Without claims in the period, the property's unit: the answer still says what it would weigh.
            select case when @unit::text is not null then unit_key(@unit::text)
                        else coalesce((select key from units
                                       order by key is not distinct from unit_key(@defaultUnit::text) desc, claim_count desc, name
                                       limit 1), unit_key(@defaultUnit::text)) end as key
        ), weighed as materialized (
            select e.id, e.amount from eligible e where e.key is not distinct from (select key from chosen)
        ), supports as materialized (
            select w.id as claim_id, e.source_id, e.passage_id, ps.start_offset, v.key, v.name
            from weighed w
            join claim_evidence e on e.claim_id = w.id and e.stance = 'supports'
            join passages ps on ps.id = e.passage_id
            cross join lateral claim_voice(w.id, e.source_id) v
        ), candidates as materialized (
            select distinct amount as figure from weighed where amount is not null
        ), backing as materialized (
            select k.figure, m.how, s.*
            from candidates k cross join supports s
            join lateral (select st.how from claims_stating(k.figure) st where st.id = s.claim_id) m on true
        ), per_figure as materialized (
            select figure, count(distinct key)::int as supporting from backing group by figure
        ), top as (
            select figure, row_number() over (order by figure) as n
            from per_figure where supporting = (select max(supporting) from per_figure)
        ), picked (role, figure) as (
            select 'lowest', min(figure) from candidates having count(*) > 0
            union all
            select 'highest', max(figure) from candidates having count(*) > 0
            union all
            select 'consensus', figure from top where n <= @listed + 1
        ), listed as materialized (
            select p.role, b.figure, b.claim_id, b.passage_id, b.how, b.key, b.name,
                   row_number() over (partition by p.role, b.figure order by b.how = 'admits', b.claim_id, b.start_offset, b.passage_id) as n
            from picked p join backing b on b.figure = p.figure and (p.role = 'consensus' or b.how = 'states')
        )
        select (select count(*) from weighed)::int as claim_count,
               (select count(distinct key) from supports)::int as voice_count,
               (select count(*) from candidates)::int as candidate_count,
               (select greatest(count(*) - 1, 0) from top)::int as tie_count,
               (select key from chosen) as unit_key,
               (select coalesce(json_agg(json_build_object('key', key, 'unit', name, 'names', names, 'claimCount', claim_count)
                                         order by claim_count desc, name), '[]') from units)::text as units,
               (select coalesce(json_agg(json_build_object(
                        'role', f.role, 'figure', f.figure, 'voiceCount', f.voice_count, 'passageCount', f.passage_count,
                        'voices', (select coalesce(json_agg(v.name order by v.name, v.key), '[]') from (
                                       select l.key, min(l.name) as name from listed l where l.role = f.role and l.figure = f.figure
                                       group by l.key order by min(l.name), l.key limit @listed) v),
                        'passages', (select coalesce(json_agg(json_build_object('claimId', l.claim_id, 'passageId', l.passage_id, 'how', l.how, 'voice', l.name)
                                                     order by l.n), '[]')
                                     from listed l where l.role = f.role and l.figure = f.figure and l.n <= @listed))
                        order by f.role, f.figure), '[]')
                from (select role, figure, count(distinct key)::int as voice_count, count(*)::int as passage_count
                      from listed group by role, figure) f)::text as figures
        """;

    private sealed class Row
    {
        public int ClaimCount { get; init; }
        public int VoiceCount { get; init; }
        public int CandidateCount { get; init; }
        public int TieCount { get; init; }
        public string? UnitKey { get; init; }
        public string Units { get; init; } = "[]";
        public string Figures { get; init; } = "[]";
    }

    private sealed record UnitJson(string? Key, string? Unit, string[] Names, int ClaimCount);

    private sealed record PassageJson(long ClaimId, long PassageId, string How, string Voice);

    private sealed record FigureJson(string Role, decimal Figure, int VoiceCount, int PassageCount, string[] Voices, PassageJson[] Passages);

    private sealed record PropertyRow(long Id, string Key, string Label, string ValueType, string? Unit);

    public static async Task<Results<Ok<ReconciledAnswer>, ValidationProblem, ProblemHttpResult>> Handle(
        [AsParameters] ReconciledQuery query, ReadDb db, CancellationToken ct)
    {
        var (from, to) = (query.From?.Value, query.To?.Value);
        await using var connection = await db.OpenConnectionAsync(ct);

        // The property first: a request naming a good subject and a bad property is refused for the property.
        var property = await connection.QuerySingleOrDefaultAsync<PropertyRow>(new CommandDefinition(
            "select id, key, label, value_type, unit from properties where key = @key", new { key = query.Property!.Trim() }, cancellationToken: ct));
        if (property is null) return Problems.BadParameter("property", $"no property has the key \"{query.Property}\".");
        if (property.ValueType != "quantity")
        {
            return Problems.Unprocessable("property", $"\"{property.Key}\" is a {property.ValueType} property; only a quantity property has figures to reconcile.");
        }
        if (await SubjectLookup.ByReferenceAsync(connection, null, query.Subject!, ct) is not { } subject)
        {
            return Problems.BadParameter("subject", $"no subject has the id, name or alias \"{query.Subject}\".");
        }

        // One snapshot for the figures and the claims they list, each planned for its own subject and property.
        await using var tx = await PerValuePlans.BeginAsync(connection, ct);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(Sql, new
        {
            subjectId = subject.Id, propertyId = property.Id, periodStart = from?.Start, periodEnd = to?.End, listed = Listed,
            unit = query.Unit?.Trim(), defaultUnit = property.Unit,
        }, tx, cancellationToken: ct));
        var here = $"/reconciled?subject={subject.Id}&property={Uri.EscapeDataString(property.Key)}"
            + (from is null ? "" : $"&from={from}") + (to is null ? "" : $"&to={to}");
        var units = (JsonSerializer.Deserialize<UnitJson[]>(row.Units, JsonSerializerOptions.Web) ?? []).Select(u => new ReconciledUnit(
            u.Unit, u.Key, u.Names, u.ClaimCount, u.Key == row.UnitKey,
            u.Unit is null ? here : $"{here}&unit={Uri.EscapeDataString(u.Unit)}")).ToArray();
        var weighedUnit = units.FirstOrDefault(u => u.Weighed);
        var figures = JsonSerializer.Deserialize<FigureJson[]>(row.Figures, JsonSerializerOptions.Web) ?? [];
        var ids = figures.SelectMany(f => f.Passages.Select(p => p.ClaimId)).Distinct().ToArray();
        var claims = ids.Length == 0 ? []
            : (await ClaimQuery.ManyAsync(connection, tx, "where c.id = any(@ids)", new { ids }, ct)).ToDictionary(c => c.Id);

        ReconciledFigure Figure(FigureJson f) => new(f.Figure, f.VoiceCount, f.Voices, f.PassageCount,
            [.. f.Passages.Select(p =>
            {
                var claim = claims[p.ClaimId];
                var evidence = claim.Evidence.First(e => e.PassageId == p.PassageId);
                return new ReconciledPassage(p.ClaimId, p.How == "states" ? FigureMatch.States : FigureMatch.Admits, claim.Value, p.Voice,
                    evidence.Source, p.PassageId, evidence.Exact);
            })]);

        var lowest = figures.FirstOrDefault(f => f.Role == "lowest");
        var highest = figures.FirstOrDefault(f => f.Role == "highest");
        var top = figures.Where(f => f.Role == "consensus").OrderBy(f => f.Figure).Select(Figure).ToList();
        var consensus = top.Count == 0 ? null : new ReconciledConsensus(
            top[0].Amount, top[0].VoiceCount, top[0].Voices, top[0].PassageCount, top[0].Passages,
            row.TieCount > 0, row.TieCount, [.. top.Skip(1).Take(Listed)]);

        return TypedResults.Ok(new ReconciledAnswer(
            new SubjectRef(subject.Id, subject.Name),
            new ReconciledProperty(property.Key, property.Label, property.Unit),
            new ReconciledPeriod(from?.ToString(), to?.ToString()),
            row.ClaimCount, row.VoiceCount, row.CandidateCount,
            weighedUnit is null ? query.Unit?.Trim() ?? property.Unit : weighedUnit.Unit, row.UnitKey, units,
            lowest is null ? null : Figure(lowest),
            highest is null ? null : Figure(highest),
            consensus));
    }
}
