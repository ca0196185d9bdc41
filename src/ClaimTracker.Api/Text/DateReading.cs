using System.Diagnostics.CodeAnalysis;
using ClaimTracker.Api.Claims;

namespace ClaimTracker.Api.Text;

/// <summary>How long a date's period is: a day, a week, a quarter, "late 2026" (a third of a year), a span of days ...</summary>
public enum PeriodPrecision { Day, Week, Month, Quarter, Half, Third, Year, Decade, Span }

/// <summary>Whether the text speaks of the past or the future, where it matters to place a date without a year.</summary>
public enum DateTense { Unknown, Past, Future }

/// <summary>A local time of day, with its zone when the text gives one.</summary>
/// <param name="Zone">As written ("GMT", "local time", "Baghdad time"); null when the text names none.</param>
/// <param name="UtcOffset">The zone's offset from UTC when it is known (GMT 0, Baghdad +3); null for "local time" of an unnamed place.</param>
/// <param name="HourOnly">Only the hour is stated ("4 a.m."), so the moment is that hour.</param>
public sealed record TimeOfDayReading(TimeOnly Time, string? Zone, TimeSpan? UtcOffset, bool HourOnly, string StatedAs);

/// <summary>A date as a report states it: a period [Start, End), how precise it is, and how it relates to the claim.</summary>
/// <param name="StatedAs">The expression read, as written.</param>
/// <param name="End">The first day after the period.</param>
/// <param name="Part">The part of a larger period the text names: early, mid, late, beginning, end, first_half, q3, ...</param>
/// <param name="Approximate">The text hedges the date ("around the end of 2026"). The period is not widened: the flag tells a comparison to allow for it.</param>
/// <param name="Resolution">How a relative date, or a day or month without its year, was placed, in words.</param>
/// <param name="Display">The period for people: "late 2026", "22-23 July 2024", "September 2026".</param>
/// <param name="Due">For a deadline ("by ..."), the day by which it is due: the last day of the period.</param>
/// <param name="Date">The period as a day, month or year when it is exactly one (what today's claim model stores).</param>
/// <param name="Enclosing">The narrowest day, month or year that contains the whole period.</param>
public sealed record DateReading(
    string StatedAs,
    DateOnly Start,
    DateOnly End,
    PeriodPrecision Precision,
    string? Part,
    TimeModifier Modifier,
    bool Approximate,
    TimeOfDayReading? TimeOfDay,
    string? Resolution,
    string Display,
    DateOnly? Due,
    PartialDate? Date,
    PartialDate Enclosing,
    string Explanation)
{
    // The widest offsets in use: a day in an unknown zone may begin 14 hours before UTC's and end 12 hours after.
    private static readonly TimeSpan East = TimeSpan.FromHours(14), West = TimeSpan.FromHours(12);

    /// <summary>
    /// The UTC instants the reading may stand for: the stated moment when its zone is known; otherwise the period
    /// widened by the offsets a zone can have, so that "27 January" and "28 January, 04:00 Baghdad time" may meet.
    /// </summary>
    public (DateTime From, DateTime To) UtcRange()
    {
        if (TimeOfDay is { } tod && Precision == PeriodPrecision.Day)
        {
            var local = Start.ToDateTime(tod.Time, DateTimeKind.Unspecified);
            var length = tod.HourOnly ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);
            return tod.UtcOffset is { } offset
                ? (DateTime.SpecifyKind(local - offset, DateTimeKind.Utc), DateTime.SpecifyKind(local - offset + length, DateTimeKind.Utc))
                : (DateTime.SpecifyKind(local - East, DateTimeKind.Utc), DateTime.SpecifyKind(local + length + West, DateTimeKind.Utc));
        }
        return (DateTime.SpecifyKind(Start.ToDateTime(TimeOnly.MinValue) - East, DateTimeKind.Utc),
            DateTime.SpecifyKind(End.ToDateTime(TimeOnly.MinValue) + West, DateTimeKind.Utc));
    }

    /// <summary>Whether the two readings may name the same moment, allowing for time zones.</summary>
    public bool MayOverlap(DateReading other)
    {
        var (a0, a1) = UtcRange();
        var (b0, b1) = other.UtcRange();
        return a0 < b1 && b0 < a1;
    }

    /// <summary>The reading as a claim value of today's model, which stores a day, month or year: the enclosing one.</summary>
    public ClaimValueInput ToClaimValue() =>
        new(ValueKind.Time, Date: (Date ?? Enclosing).ToString(), Modifier: Modifier, StatedAs: StatedAs);
}

/// <summary>The outcome of reading a date: a reading, or why there is none.</summary>
public sealed record DateResult(DateReading? Reading, string? Error)
{
    [MemberNotNullWhen(true, nameof(Reading))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Reading is not null;
}
