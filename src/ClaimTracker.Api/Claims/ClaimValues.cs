using System.Globalization;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;

namespace ClaimTracker.Api.Claims;

/// <summary>A date's period as stored: any length, with how the report stated it.</summary>
public sealed record Period(
    DateOnly Start, DateOnly End, PeriodPrecision Precision, string Display, string? Part, bool Approximate,
    TimeOnly? TimeOfDay, int? UtcOffsetMinutes, string? Resolution)
{
    public static Period Of(PartialDate date) => new(date.Start, date.End, date.Precision switch
    {
        DatePrecision.Day => PeriodPrecision.Day,
        DatePrecision.Month => PeriodPrecision.Month,
        _ => PeriodPrecision.Year,
    }, DateView.Describe(date), null, false, null, null, null);

    /// <summary>The period as a day, month or year when it is exactly one; else the narrowest one that holds it.</summary>
    public PartialDate Enclosing()
    {
        var last = End.AddDays(-1);
        if (End == Start.AddDays(1)) return new PartialDate(Start, DatePrecision.Day);
        if (Start.Year == last.Year && Start.Month == last.Month) return new PartialDate(new DateOnly(Start.Year, Start.Month, 1), DatePrecision.Month);
        return new PartialDate(new DateOnly(Start.Year, 1, 1), DatePrecision.Year);
    }
}

/// <summary>What a claim's value means once read: the value as stored, the figure table's row, and a date's period.</summary>
public sealed record ValueMeaning(ClaimValueInput Value, string? Hedge, int? HedgeTable, string? Reading, Period? Period)
{
    public static ValueMeaning Plain(ClaimValueInput value) =>
        new(value, null, null, null, value.Kind == ValueKind.Time && PartialDate.TryParse(value.Date, out var d) ? Period.Of(d) : null);
}

/// <summary>The report a claim comes from, as far as reading its expressions goes: its language and publication date.</summary>
public sealed record ReportContext(string Language, PartialDate? Published);

/// <summary>
/// Reads the figure or date a curator typed as the report states it ("more than 40", "by the end of 2026") by the
/// documented tables (docs/figures.md, docs/dates.md). What cannot be read is a failure naming value.expression,
/// quoting the text and saying what could be read of it: never a silent guess. Fields sent beside the expression
/// override what it reads as.
/// </summary>
public static class ClaimValues
{
    public static (ValueMeaning? Meaning, FieldFailure? Failure) Read(ClaimValueInput value, PropertyDetail property, ReportContext? report)
    {
        if (value.Expression is not { } expression) return (ValueMeaning.Plain(value), null);
        var language = value.Language ?? report?.Language ?? "en";
        if (value.Kind == ValueKind.Quantity)
        {
            var result = FigureExpression.Read(expression, language, counts: property.NonNegative);
            if (!result.Ok) return (null, new("value.expression", $"\"{expression}\" cannot be read as a figure: {result.Error}"));
            var r = result.Reading;
            var approximation = value.Approximation ?? r.Approximation;
            var read = value with
            {
                Amount = value.Amount ?? r.Amount,
                LowerBound = value.LowerBound ?? (approximation == Approximation.Approximate ? null : r.LowerBound),
                UpperBound = value.UpperBound ?? (approximation == Approximation.Approximate ? null : r.UpperBound),
                Approximation = approximation,
                Tolerance = value.Tolerance ?? (approximation == Approximation.Approximate ? r.Tolerance : null),
                StatedAs = value.StatedAs ?? expression.Trim(),
                Unit = value.Unit,
            };
            if (read.LowerBound is { } low && read.UpperBound is { } high && low > high)
            {
                return (null, new("value.lowerBound", $"must not be greater than upperBound; \"{expression}\" reads as {Figure(r.LowerBound)} to {Figure(r.UpperBound)}."));
            }
            if (read.Amount is null && read.LowerBound is null && read.UpperBound is null)
            {
                return (null, new("value.expression", $"\"{expression}\" reads as no figure at all."));
            }
            return (new ValueMeaning(read, r.Hedge, r.TableVersion, r.Explanation, null), null);
        }

        var dated = DateExpression.Read(expression, language, report?.Published);
        if (!dated.Ok)
        {
            return (null, new("value.expression", $"\"{expression}\" cannot be read as a date: {dated.Error}" +
                (report?.Published is null ? " (the report has no publication date to place a relative date against)" : "")));
        }
        var d = dated.Reading;
        var period = new Period(d.Start, d.End, d.Precision, d.Display, d.Part, d.Approximate, d.TimeOfDay?.Time,
            d.TimeOfDay?.UtcOffset is { } offset ? (int)offset.TotalMinutes : null, d.Resolution);
        if (value.Date is { } explicitDate && PartialDate.TryParse(explicitDate, out var given)) period = Period.Of(given);
        var timed = value with
        {
            Date = period.Enclosing().ToString(),
            Modifier = value.Modifier ?? d.Modifier,
            StatedAs = value.StatedAs ?? expression.Trim(),
        };
        return (new ValueMeaning(timed, null, null, d.Explanation, period), null);
    }

    private static string Figure(decimal? value) => value?.ToString("#,0.##", CultureInfo.InvariantCulture) ?? "open";
}
