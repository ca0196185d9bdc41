using System.Globalization;
using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Text;

/// <summary>A figure as people write it in a query: "2,500", "2500", "2 500" and "2500.5" read alike.</summary>
public readonly record struct Figure(decimal Value) : IQueryValue<Figure>
{
    public static string Expected => "a number, such as 2500 or 2,500.";

    public static bool TryRead(string text, out Figure value)
    {
        var cleaned = text.Trim().Replace(",", "").Replace("_", "").Replace(" ", "").Replace("\u202F", "").Replace("\u00A0", "");
        value = default;
        if (cleaned.Length is 0 or > 30
            || !decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }
        value = new Figure(n);
        return true;
    }

    /// <summary>The figure a text states, or null.</summary>
    public static decimal? Read(string text) => TryRead(text, out var figure) ? figure.Value : null;
}
