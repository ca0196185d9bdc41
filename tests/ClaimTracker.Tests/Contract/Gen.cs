using System.Globalization;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>The run's one source of randomness: everything generated comes from it, so a seed replays a run.</summary>
public sealed class Gen(int seed)
{
    private readonly Random _random = new(seed);

    public int Int(int maxExclusive) => _random.Next(maxExclusive);
    public int Int(int min, int maxExclusive) => _random.Next(min, maxExclusive);
    public bool Chance(double p) => _random.NextDouble() < p;
    public double Double() => _random.NextDouble();
    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
    public T Pick<T>(T first, T second, params T[] rest)
    {
        var i = _random.Next(rest.Length + 2);
        return i == 0 ? first : i == 1 ? second : rest[i - 2];
    }

    public List<T> Some<T>(IReadOnlyList<T> items, int max)
    {
        var count = Int(0, Math.Min(max, items.Count) + 1);
        return [.. items.OrderBy(_ => _random.Next()).Take(count)];
    }

    /// <summary>A partial date (YYYY, YYYY-MM or YYYY-MM-DD) between the years given; now and then the first or last year a date can have.</summary>
    public string Date(int fromYear = 1990, int toYear = 2030, bool edges = true)
    {
        // Dates run from 0001 to 9998 (a period in 9999 would end past the last representable day).
        var year = edges && Chance(0.08) ? Pick(1, 9998) : Int(fromYear, toYear + 1);
        return Int(3) switch
        {
            0 => year.ToString("D4", CultureInfo.InvariantCulture),
            1 => $"{year:D4}-{Int(1, 13):D2}",
            _ => Day(year),
        };
    }

    public string Day(int year)
    {
        var month = Int(1, 13);
        return $"{year:D4}-{month:D2}-{Int(1, DateTime.DaysInMonth(year, month) + 1):D2}";
    }

    /// <summary>Two partial dates in order (the first period starts before the second ends).</summary>
    public (string From, string To) Period()
    {
        // The widest periods a client can ask for, now and then.
        if (Chance(0.08)) return Pick(("0001", "9998"), ("0001-01-01", "9998-12-31"), ("2024", "9998-12"), ("0001-01", "2024"));
        string a = Date(edges: false), b = Date(edges: false);
        return string.CompareOrdinal(a[..4], b[..4]) < 0 ? (a, b) : string.CompareOrdinal(a[..4], b[..4]) > 0 ? (b, a) : (a[..4], b[..4]);
    }

    private static readonly string[] Words =
    [
        "troops", "Iraq", "withdrawal", "coalition", "Baghdad", "officials", "said", "militias", "attack", "base", "drone", "September",
        "2026", "Pentagon", "talks", "security", "partnership", "forces", "parliament", "vote", "deadline", "Reuters", "about", "2,500",
    ];

    /// <summary>Ordinary words, now and then with text that is valid but not ASCII.</summary>
    public string Text(int minWords = 1, int maxWords = 8)
    {
        var words = Enumerable.Range(0, Int(minWords, maxWords + 1)).Select(_ => Pick(Words)).ToList();
        if (Chance(0.15)) words.Insert(Int(words.Count + 1), Pick("👍🏽", "القوات", "שלום", "“quoted”", "naïve", "日本語", "Ελλάδα"));
        return string.Join(' ', words);
    }

    public string Word() => Pick(Words);

    public decimal Amount(bool nonNegative)
    {
        decimal value = Int(5) switch
        {
            0 => Int(0, 10),
            1 => Int(0, 100_000),
            2 => Int(0, 10_000) + Int(1, 100) / 100m,
            3 => Pick(2_500m, 3_000m, 1_000_000_000_000_000m, 0.5m),
            _ => Int(100, 5_000) * 10,
        };
        return nonNegative || Chance(0.7) ? value : -value;
    }
}
