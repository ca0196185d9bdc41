namespace ClaimTracker.Api.Text;

/// <summary>A date as precisely as it is known: "2024-09" with precision month stands for all of September 2024.</summary>
/// <param name="Date">YYYY, YYYY-MM or YYYY-MM-DD.</param>
public sealed record DateView(string Date, DatePrecision Precision)
{
    public static DateView? From(PartialDate? date) => date is { } d ? new DateView(d.ToString(), d.Precision) : null;

    public static DateView? FromDb(DateOnly? start, string? precision) => From(PartialDate.FromDb(start, precision));

    /// <summary>For people: "29 August 2024", "September 2026", "2014".</summary>
    public static string Describe(PartialDate date) => date.Precision switch
    {
        DatePrecision.Day => date.Start.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
        DatePrecision.Month => date.Start.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture),
        _ => date.Start.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture),
    };
}
