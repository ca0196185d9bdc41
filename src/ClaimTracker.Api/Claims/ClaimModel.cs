using System.Globalization;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using FluentValidation;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// What kind of value a claim states. quantity, time, text and stance follow the property's type; none (there is
/// none: "no US troops remain") and unknown ("the number is unknown") may be stated for any property.
/// </summary>
public enum ValueKind { Quantity, Time, Text, Stance, None, Unknown }

/// <summary>How a quantity was stated: "2,500" exact; "about 2,500" approximate; "hundreds" a range; "at least".</summary>
public enum Approximation { Exact, Approximate, Range, AtLeast, AtMost }

/// <summary>How a time value relates to its date: on it, by it (a deadline), before, after, from or until it.</summary>
public enum TimeModifier { On, By, Before, After, From, Until }

public enum Stance { Affirms, Denies }

public enum ClaimStatus { Draft, Verified, Retracted }

/// <summary>As in Wikidata's statement model: which of several claims on one question is the best supported.</summary>
public enum ClaimRank { Preferred, Normal, Deprecated }

public enum EvidenceStance { Supports, Refutes }

/// <summary>A claim's value. Fields that do not belong to its kind must be left out.</summary>
/// <param name="Amount">The figure stated (quantity). Omit for a bare range such as "hundreds".</param>
/// <param name="LowerBound">The least the statement allows (quantity), e.g. 200 for "hundreds".</param>
/// <param name="UpperBound">The most the statement allows (quantity), e.g. 999 for "hundreds".</param>
/// <param name="Unit">The unit counted (quantity); defaults to the property's unit.</param>
/// <param name="Approximation">How the figure was stated (quantity); exact when an amount is given alone.</param>
/// <param name="Tolerance">For approximate figures, the fraction either side the statement allows (default 0.1: "about 2,500" is 2,250 to 2,750).</param>
/// <param name="Date">The date (time), as precisely as stated: YYYY, YYYY-MM or YYYY-MM-DD.</param>
/// <param name="Modifier">How the time relates to the date (time): on (default), by, before, after, from, until.</param>
/// <param name="Text">What was said (text).</param>
/// <param name="Stance">Whether the asserter affirms or denies the proposition (stance).</param>
/// <param name="Proposition">The proposition affirmed or denied (stance), worded positively: "US withdrawal from Iraq was discussed".</param>
/// <param name="StatedAs">The original wording: "about 2,500", "by September 2026".</param>
/// <param name="Expression">The figure or date as the report states it, for the server to read (quantity, time): "more than 40",
/// "dozens", "most of the 2,500", "rund 2.400"; "by the end of 2026", "late 2026", "22-23 July 2024", "earlier this month"
/// (placed against the report's date). Its bounds or its period come from docs/figures.md and docs/dates.md; fields sent
/// beside it (amount, bounds, tolerance, date, modifier) override what it reads as.</param>
/// <param name="Language">The language of the expression (en, de, fr); by default the supporting source's.</param>
public sealed record ClaimValueInput(
    ValueKind Kind,
    decimal? Amount = null,
    decimal? LowerBound = null,
    decimal? UpperBound = null,
    string? Unit = null,
    Approximation? Approximation = null,
    decimal? Tolerance = null,
    string? Date = null,
    TimeModifier? Modifier = null,
    string? Text = null,
    Stance? Stance = null,
    string? Proposition = null,
    string? StatedAs = null,
    string? Expression = null,
    string? Language = null)
{
    /// <summary>The largest figure a claim may state, either sign: a quadrillion.</summary>
    public const decimal Largest = 1_000_000_000_000_000m;

    private static readonly string OutOfRange = $"must be between {Figure(-Largest)} and {Figure(Largest)}.";

    private static string Figure(decimal? value) => value?.ToString("#,0.############################", CultureInfo.InvariantCulture) ?? "";

    /// <summary>The approximation actually meant when none was named.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Approximation? EffectiveApproximation => Kind != ValueKind.Quantity ? null
        : Approximation ?? (Amount is null ? Claims.Approximation.Range : Claims.Approximation.Exact);

    public sealed class Validator : AbstractValidator<ClaimValueInput>
    {
        public Validator()
        {
            RuleFor(v => v.Kind).IsInEnum();
            RuleFor(v => v.Expression).Null().When(v => v.Kind is not (ValueKind.Quantity or ValueKind.Time))
                .WithMessage("is only for quantity and time values.");
            RuleFor(v => v.Expression).Must(e => e!.Trim().Length > 0).When(v => v.Expression is not null).WithMessage("must not be blank.");
            RuleFor(v => v.Expression).MaximumLength(200);
            RuleFor(v => v.Language).MaximumLength(2).Matches("^[a-z]{2}$").WithMessage("must be a two-letter language code: en, de or fr.");
            // An expression is read by the server; what it reads as is checked when it is read (ClaimValues).
            When(v => v.Kind == ValueKind.Quantity && v.Expression is null, () =>
            {
                RuleFor(v => v.Amount).NotNull()
                    .When(v => v.EffectiveApproximation is Claims.Approximation.Exact or Claims.Approximation.Approximate)
                    .WithMessage("is required for an exact or approximate quantity.");
                RuleFor(v => v.Amount).NotNull().When(v => v.EffectiveApproximation == Claims.Approximation.AtLeast && v.LowerBound is null)
                    .WithMessage("or lowerBound is required for 'at least'.");
                RuleFor(v => v.Amount).NotNull().When(v => v.EffectiveApproximation == Claims.Approximation.AtMost && v.UpperBound is null)
                    .WithMessage("or upperBound is required for 'at most'.");
                RuleFor(v => v.LowerBound).NotNull().When(v => v.EffectiveApproximation == Claims.Approximation.Range && v.UpperBound is null)
                    .WithMessage("or upperBound is required for a range.");
                RuleFor(v => v.LowerBound).LessThanOrEqualTo(v => v.UpperBound!.Value).When(v => v.LowerBound is not null && v.UpperBound is not null)
                    .WithMessage("must not be greater than upperBound.");
                // Against the bounds sent; the largest figure is the rule below.
                RuleFor(v => v.Amount).Must((v, amount) => (v.LowerBound is null || amount >= v.LowerBound) && (v.UpperBound is null || amount <= v.UpperBound))
                    .When(v => v.Amount is not null && (v.LowerBound is not null || v.UpperBound is not null))
                    .WithMessage(v => v.LowerBound is null ? $"must not be greater than upperBound ({Figure(v.UpperBound)})."
                        : v.UpperBound is null ? $"must not be less than lowerBound ({Figure(v.LowerBound)})."
                        : $"must lie between lowerBound ({Figure(v.LowerBound)}) and upperBound ({Figure(v.UpperBound)}).");
                RuleFor(v => v.Tolerance).InclusiveBetween(0m, 0.99m).When(v => v.Tolerance is not null);
                RuleFor(v => v.Tolerance).Null().When(v => v.EffectiveApproximation != Claims.Approximation.Approximate)
                    .WithMessage("is only for approximate quantities.");
                RuleFor(v => v.Unit).MaximumLength(100);
            });
            RuleFor(v => v.Amount).InclusiveBetween(-Largest, Largest).When(v => v.Amount is not null).WithMessage(OutOfRange);
            RuleFor(v => v.LowerBound).InclusiveBetween(-Largest, Largest).When(v => v.LowerBound is not null).WithMessage(OutOfRange);
            RuleFor(v => v.UpperBound).InclusiveBetween(-Largest, Largest).When(v => v.UpperBound is not null).WithMessage(OutOfRange);
            When(v => v.Kind != ValueKind.Quantity, () =>
            {
                RuleFor(v => v.Amount).Null().WithMessage("is only for quantity values.");
                RuleFor(v => v.LowerBound).Null().WithMessage("is only for quantity values.");
                RuleFor(v => v.UpperBound).Null().WithMessage("is only for quantity values.");
                RuleFor(v => v.Unit).Null().WithMessage("is only for quantity values.");
                RuleFor(v => v.Approximation).Null().WithMessage("is only for quantity values.");
                RuleFor(v => v.Tolerance).Null().WithMessage("is only for quantity values.");
            });
            RuleFor(v => v.Date).NotEmpty().When(v => v.Kind == ValueKind.Time && v.Expression is null).WithMessage("or expression is required for a time value.");
            RuleFor(v => v.Date).PartialDate();
            RuleFor(v => v.Date).Null().When(v => v.Kind != ValueKind.Time).WithMessage("is only for time values.");
            RuleFor(v => v.Modifier).Null().When(v => v.Kind != ValueKind.Time).WithMessage("is only for time values.");
            RuleFor(v => v.Text).NotEmpty().When(v => v.Kind == ValueKind.Text).WithMessage("is required for a text value.");
            RuleFor(v => v.Text).Null().When(v => v.Kind != ValueKind.Text).WithMessage("is only for text values.");
            RuleFor(v => v.Text).MaximumLength(10_000);
            RuleFor(v => v.Stance).NotNull().When(v => v.Kind == ValueKind.Stance).WithMessage("is required for a stance.");
            RuleFor(v => v.Proposition).NotEmpty().When(v => v.Kind == ValueKind.Stance).WithMessage("is required for a stance.");
            RuleFor(v => v.Stance).Null().When(v => v.Kind != ValueKind.Stance).WithMessage("is only for stance values.");
            RuleFor(v => v.Proposition).Null().When(v => v.Kind != ValueKind.Stance).WithMessage("is only for stance values.");
            RuleFor(v => v.Proposition).MaximumLength(1_000);
            RuleFor(v => v.StatedAs).MaximumLength(1_000);
        }
    }

    /// <returns>Why this value cannot be a value of the property (field below "value", reason), or null.</returns>
    public (string Field, string Reason)? Mismatch(PropertyDetail property)
    {
        var expected = property.ValueType switch
        {
            PropertyType.Quantity => ValueKind.Quantity,
            PropertyType.Time => ValueKind.Time,
            PropertyType.Text => ValueKind.Text,
            _ => ValueKind.Stance,
        };
        if (Kind != expected && Kind is not (ValueKind.None or ValueKind.Unknown))
        {
            return ("kind", $"must be {expected.Db()} (or none, or unknown) for the property \"{property.Key}\", whose values are {property.ValueType.Db()}s.");
        }
        if (Kind == ValueKind.Quantity && property.NonNegative)
        {
            if (Amount < 0) return ("amount", $"must not be negative: \"{property.Key}\" counts.");
            if (LowerBound < 0) return ("lowerBound", $"must not be negative: \"{property.Key}\" counts.");
            if (UpperBound < 0) return ("upperBound", $"must not be negative: \"{property.Key}\" counts.");
        }
        return null;
    }
}

/// <summary>A claim's value as stored, with the range it covers once its bounds and approximation are applied.</summary>
/// <param name="Low">The least figure the claim allows (quantity); null when unbounded.</param>
/// <param name="High">The most the claim allows (quantity); null when unbounded.</param>
/// <param name="Date">The date (time) as a day, month or year: the period itself, or the narrowest one that holds it ("2026" for late 2026).</param>
/// <param name="Precision">How precisely the date is known (time): day, month or year.</param>
/// <param name="Period">The date's period exactly as stated (time): a week, a quarter, "late 2026", a span of days, with its time of day.</param>
/// <param name="Expression">The figure or date as the curator typed it from the report, when the server read it.</param>
/// <param name="Reading">How the server read the expression, in words, naming the table row (docs/figures.md) or the form (docs/dates.md).</param>
/// <param name="Hedge">The row of the figure table the expression was read by ("more_than", "dozens", ...), and the table's version.</param>
public sealed record ClaimValueView(
    ValueKind Kind,
    decimal? Amount,
    decimal? LowerBound,
    decimal? UpperBound,
    string? Unit,
    Approximation? Approximation,
    decimal? Tolerance,
    decimal? Low,
    decimal? High,
    string? Date,
    DatePrecision? Precision,
    TimeModifier? Modifier,
    string? Text,
    Stance? Stance,
    string? Proposition,
    string? StatedAs,
    PeriodView? Period = null,
    string? Expression = null,
    string? Reading = null,
    HedgeView? Hedge = null);

/// <param name="Key">The row of the figure table (docs/figures.md): more_than, nearly, dozens, most_of, ...</param>
/// <param name="Table">The version of the table.</param>
public sealed record HedgeView(string Key, int Table);

/// <summary>A date's period as the report states it.</summary>
/// <param name="Start">Its first day.</param>
/// <param name="End">Its last day.</param>
/// <param name="Precision">day, week, month, quarter, half, third, year, decade, or span (a run of days).</param>
/// <param name="Display">For people: "late 2026", "22-23 July 2024", "September 2026".</param>
/// <param name="Part">The part of a larger period it names: early, mid, late, beginning, end, first_half, q3, ...</param>
/// <param name="Approximate">The report hedges the date ("around the end of 2026"): a near miss is then only a possible conflict.</param>
/// <param name="TimeOfDay">The local time of day, when the report gives one (HH:MM).</param>
/// <param name="UtcOffsetMinutes">The offset of that time's zone from UTC, when known (Baghdad: 180).</param>
/// <param name="Resolution">How a relative date, or a day without its year, was placed against the report's date.</param>
/// <param name="Due">For a deadline, the day it is due: the period's last day ("by 2026" is due on 31 December 2026).</param>
public sealed record PeriodView(
    DateOnly Start, DateOnly End, PeriodPrecision Precision, string Display, string? Part, bool Approximate,
    string? TimeOfDay, int? UtcOffsetMinutes, string? Resolution, DateOnly? Due);

public sealed record ClaimProperty(string Key, string Label, PropertyType ValueType, string? Unit);

/// <summary>When the claimed fact holds. Either end may be open; a single period has from equal to to.</summary>
public sealed record ValidTime(DateView? From, DateView? To);

/// <summary>A passage supporting (or refuting) a claim, with the source that reports it.</summary>
/// <param name="Start">Code-point offset of the passage in its source revision.</param>
/// <param name="Revision">The source revision the offsets count in.</param>
/// <param name="State">Where the passage stands in its source's latest revision: exact, moved, fuzzy, orphaned or ambiguous.</param>
public sealed record EvidenceView(
    long PassageId, EvidenceStance Stance, int Start, int End, string Exact, string Prefix, string Suffix, int Revision,
    Passages.AnchorState State, PassageSource Source);

/// <param name="Text">The claim in words, for people.</param>
/// <param name="AssertedBy">Who asserts the claim; null means the reporting source's own voice.</param>
/// <param name="ValidTime">When the fact holds; null when the claim does not say.</param>
/// <param name="StatedOn">When it was said; when it was reported is each evidence source's published date.</param>
/// <param name="Version">Changes with every revision; the ETag is "v{version}".</param>
/// <param name="Conflicts">The claim's first 20 conflicts that are not closed, oldest first; all of them are at <paramref name="ConflictsHref"/>.</param>
/// <param name="ConflictCount">How many conflicts of the claim are not closed.</param>
/// <param name="ConflictsHref">The paged list of those conflicts: GET /conflicts?claim={id}.</param>
/// <param name="Corroboration">Agreeing claims and independent supports; given by GET /claims/{id} only, null elsewhere.</param>
/// <param name="NeedsReview">True when a corrected source text left none of the claim's supporting passages exact or moved.</param>
/// <param name="AsOf">As of when the value holds: the valid time, else when it was said, else the report's date; null when nothing dates it.</param>
/// <param name="Attribution">The voices the claim comes through, outermost first; the last is the asserter. Empty for the source's own voice.</param>
/// <param name="PartOf">The claim this one is a part of (a breakdown), if any.</param>
/// <param name="Snippet">On GET /claims with q only: the passage the search matched, its matching words marked; absent otherwise.</param>
/// <param name="ReconciledHref">For a quantity claim, what the reports say the figure is for its subject and property over the months
/// of its as-of period, in its unit: GET /reconciled?subject={subject id}&amp;property={key}&amp;from=...&amp;to=...&amp;unit=... (an open
/// end is left out); null for other claims.</param>
public sealed record ClaimDetail(
    long Id,
    string Text,
    SubjectRef Subject,
    ClaimProperty Property,
    ClaimValueView Value,
    ValidTime? ValidTime,
    DateView? StatedOn,
    SubjectRef? AssertedBy,
    string? Location,
    string? Note,
    ClaimStatus Status,
    string? RetractedReason,
    ClaimRank Rank,
    int Version,
    EvidenceView[] Evidence,
    Conflicts.ConflictRef[] Conflicts,
    int ConflictCount,
    string ConflictsHref,
    Corroboration? Corroboration,
    bool NeedsReview,
    string CreatedBy,
    DateTime CreatedAt,
    string UpdatedBy,
    DateTime UpdatedAt,
    AsOfView? AsOf = null,
    VoiceView[]? Attribution = null,
    long? PartOf = null,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    Snippet? Snippet = null,
    string? ReconciledHref = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public string ETag => ETagOf(Version);

    public static string ETagOf(int version) => $"\"v{version}\"";

    /// <summary>How many of a claim's conflicts its answers embed: one claim can be in thousands.</summary>
    public const int EmbeddedConflicts = 20;

    public static string ConflictsOf(long id) => $"/conflicts?claim={id}";

    /// <summary>The reconciled figure of a quantity claim's subject and property over its as-of period; null for other claims.</summary>
    public static string? ReconciledOf(long subjectId, ClaimProperty property, ClaimValueView value, AsOfView? asOf)
    {
        if (value.Kind != ValueKind.Quantity || property.ValueType != PropertyType.Quantity) return null;
        var (from, to) = Period(asOf?.Start, asOf?.End);
        // In the claim's own unit: "900 contractors" is weighed with the contractors, not with the troops beside it.
        return $"/reconciled?subject={subjectId}&property={Uri.EscapeDataString(property.Key)}"
            + (from is null ? "" : "&from=" + from) + (to is null ? "" : "&to=" + to)
            + (value.Unit is null ? "" : "&unit=" + Uri.EscapeDataString(value.Unit));
    }

    // The months the as-of period falls in (a whole year as YYYY): a count as of one day is weighed with the month's
    // other counts, as the comparison window of a changing value (31 days by default) weighs them.
    private static (string? From, string? To) Period(DateOnly? start, DateOnly? end)
    {
        static string Month(DateOnly d) => d.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        if (start is { } s && end is { } e && s.Day == 1 && s.Month == 1 && e.Month == 12 && e.Day == 31)
        {
            return (s.ToString("yyyy", CultureInfo.InvariantCulture), e.ToString("yyyy", CultureInfo.InvariantCulture));
        }
        return (start is { } a ? Month(a) : null, end is { } b ? Month(b) : null);
    }

    /// <summary>A stored snapshot as answers give a claim now: written before the conflicts were bounded, it may list them all.</summary>
    public ClaimDetail Bounded()
    {
        var conflicts = Conflicts ?? [];
        return this with
        {
            Conflicts = conflicts.Length > EmbeddedConflicts ? conflicts[..EmbeddedConflicts] : conflicts,
            ConflictCount = Math.Max(ConflictCount, conflicts.Length),
            ConflictsHref = ConflictsOf(Id),
            ReconciledHref = ReconciledOf(Subject.Id, Property, Value, AsOf),
        };
    }
}

public enum AsOfBasis { Valid, Stated, Published }

/// <summary>As of when the claim's value holds, and what that rests on.</summary>
/// <param name="Basis">valid (its valid time), stated (when it was said), or published (its report's date).</param>
/// <param name="Start">The first day it holds; null when open-ended into the past (a valid time with only an end).</param>
/// <param name="End">The last day it holds (included); null when open-ended (a valid time with only a start).</param>
public sealed record AsOfView(DateOnly? Start, DateOnly? End, AsOfBasis Basis);

/// <summary>A voice of a claim's attribution.</summary>
/// <param name="Anonymous">An unnamed speaker, kept with the report's description as its name.</param>
public sealed record VoiceView(long Id, string Name, bool Anonymous);

/// <summary>Claims in words: "US forces in Iraq: troop count about 2,500 troops (April 2024)".</summary>
public static class ClaimText
{
    public static string Describe(string subject, ClaimProperty property, ClaimValueView value, ValidTime? valid, string? assertedBy)
    {
        var what = value.Kind switch
        {
            ValueKind.Quantity => $"{property.Label} {value.StatedAs ?? Figure(value)}",
            ValueKind.Time => $"{property.Label} {Modifier(value.Modifier)}{Date(value.Date, value.Precision)}",
            ValueKind.Text => $"{property.Label}: \u201c{value.Text}\u201d",
            ValueKind.Stance => $"{(value.Stance == Claims.Stance.Affirms ? "affirms" : "denies")} that {value.Proposition}",
            ValueKind.None => $"no {property.Label}" + (value.StatedAs is null ? "" : $" ({value.StatedAs})"),
            _ => $"{property.Label} unknown",
        };
        var when = (valid?.From, valid?.To) switch
        {
            ({ } from, { } to) when from == to => $" ({Date(from.Date, from.Precision)})",
            ({ } from, { } to) => $" ({Date(from.Date, from.Precision)} to {Date(to.Date, to.Precision)})",
            ({ } from, null) => $" (from {Date(from.Date, from.Precision)})",
            (null, { } to) => $" (until {Date(to.Date, to.Precision)})",
            _ => "",
        };
        var who = assertedBy is null ? "" : $", according to {assertedBy}";
        return $"{subject}: {what}{when}{who}";
    }

    private static string Figure(ClaimValueView v)
    {
        static string N(decimal? d) => d?.ToString("#,0.##", CultureInfo.InvariantCulture) ?? "?";
        var unit = v.Unit is null ? "" : " " + v.Unit;
        return v.Approximation switch
        {
            Approximation.Approximate => $"about {N(v.Amount)}{unit}",
            Approximation.AtLeast => $"at least {N(v.Amount ?? v.LowerBound)}{unit}",
            Approximation.AtMost => $"at most {N(v.Amount ?? v.UpperBound)}{unit}",
            Approximation.Range => $"{N(v.LowerBound)} to {N(v.UpperBound)}{unit}",
            _ => $"{N(v.Amount)}{unit}",
        };
    }

    private static string Modifier(TimeModifier? modifier) => modifier is null or TimeModifier.On ? "" : modifier.Value.Db() + " ";

    private static string Date(string? date, DatePrecision? precision) =>
        PartialDate.TryParse(date, out var d) ? DateView.Describe(d) : date ?? "";
}
