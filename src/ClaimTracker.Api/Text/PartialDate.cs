using System.Globalization;
using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Text;

public enum DatePrecision { Day, Month, Year }

/// <summary>
/// A date known only as precisely as the evidence allows, written in ISO 8601's reduced forms:
/// "2024" (year), "2024-09" (month), "2024-09-17" (day). It stands for a whole period, never for its first day.
/// </summary>
public readonly record struct PartialDate(DateOnly Start, DatePrecision Precision) : IQueryValue<PartialDate>
{
    public const string Format = "YYYY, YYYY-MM or YYYY-MM-DD (years 0001 to 9998)";

    public static string Expected => $"a real date written as {Format}.";

    public static bool TryRead(string text, out PartialDate value) => TryParse(text, out value);

    static void IQueryValue<PartialDate>.Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        schema.Type = Microsoft.OpenApi.JsonSchemaType.String;
        schema.Pattern = @"^\d{4}(-\d{2}(-\d{2})?)?$";
        schema.Description = "Must be " + Expected;
    }

    /// <summary>The first day after the period.</summary>
    public DateOnly End => Precision switch
    {
        DatePrecision.Day => Start.AddDays(1),
        DatePrecision.Month => Start.AddMonths(1),
        _ => Start.AddYears(1),
    };

    public static bool TryParse(string? text, out PartialDate date)
    {
        date = default;
        // The period after 9998 would end past the last representable day.
        if (string.IsNullOrEmpty(text) || text.StartsWith("9999", StringComparison.Ordinal)) return false;
        var inv = CultureInfo.InvariantCulture;
        switch (text.Length)
        {
            case 4 when int.TryParse(text, NumberStyles.None, inv, out var y) && y >= 1:
                date = new(new DateOnly(y, 1, 1), DatePrecision.Year);
                return true;
            case 7 when DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", inv, DateTimeStyles.None, out var m):
                date = new(m, DatePrecision.Month);
                return true;
            case 10 when DateOnly.TryParseExact(text, "yyyy-MM-dd", inv, DateTimeStyles.None, out var d):
                date = new(d, DatePrecision.Day);
                return true;
            default:
                return false;
        }
    }

    public static PartialDate? ParseOrNull(string? text) => TryParse(text, out var d) ? d : null;

    public static PartialDate? FromDb(DateOnly? start, string? precision) =>
        start is { } s && precision is not null ? new PartialDate(s, DbEnum.Parse<DatePrecision>(precision)) : null;

    /// <summary>The precision as stored in the database's text columns.</summary>
    public string PrecisionName => Precision.Db();

    public override string ToString() => Precision switch
    {
        DatePrecision.Day => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DatePrecision.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => Start.ToString("yyyy", CultureInfo.InvariantCulture),
    };
}
