namespace ClaimTracker.Api.Text;

/// <summary>
/// Approximate substring search (Sellers' algorithm): the span of a text closest, by edit distance, to a
/// pattern. Used to say where a quote that is not in a text comes closest. Works in UTF-16 units.
/// </summary>
public static class Fuzzy
{
    public sealed record Match(int Start, int End, int Distance);

    /// <summary>Beyond this many cells (text length x pattern length) the search is skipped.</summary>
    public const long MaxCells = 40_000_000;

    public static Match? BestMatch(string text, string pattern)
    {
        int n = text.Length, m = pattern.Length;
        if (m == 0 || n == 0 || (long)n * m > MaxCells) return null;

        // Column j holds, for each prefix of the pattern, the distance to the best substring of text ending at j.
        var prev = new int[m + 1];
        var cur = new int[m + 1];
        for (var i = 0; i <= m; i++) prev[i] = i;
        int best = m, bestEnd = 0;
        for (var j = 1; j <= n; j++)
        {
            cur[0] = 0; // a match may start anywhere
            var c = text[j - 1];
            for (var i = 1; i <= m; i++)
            {
                var substitute = prev[i - 1] + (pattern[i - 1] == c ? 0 : 1);
                cur[i] = Math.Min(substitute, Math.Min(prev[i], cur[i - 1]) + 1);
            }
            if (cur[m] < best)
            {
                best = cur[m];
                bestEnd = j;
            }
            (prev, cur) = (cur, prev);
        }
        if (bestEnd == 0) return null;
        return new Match(StartOf(text, pattern, bestEnd, best), bestEnd, best);
    }

    /// <summary>Walks back from the match's end to the start whose span has the match's distance, the longest such span.</summary>
    private static int StartOf(string text, string pattern, int end, int distance)
    {
        int m = pattern.Length, maxLength = Math.Min(end, m + distance);
        // Distances between the reversed pattern and text[end - k .. end], anchored at end.
        var prev = new int[m + 1];
        var cur = new int[m + 1];
        for (var i = 0; i <= m; i++) prev[i] = i;
        var start = end - Math.Min(end, m);
        for (var k = 1; k <= maxLength; k++)
        {
            cur[0] = k;
            var c = text[end - k];
            for (var i = 1; i <= m; i++)
            {
                var substitute = prev[i - 1] + (pattern[m - i] == c ? 0 : 1);
                cur[i] = Math.Min(substitute, Math.Min(prev[i], cur[i - 1]) + 1);
            }
            if (cur[m] == distance) start = end - k;
            (prev, cur) = (cur, prev);
        }
        return start;
    }

    /// <summary>Plain Levenshtein distance between two strings.</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length < b.Length) (a, b) = (b, a);
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var i = 0; i <= b.Length; i++) prev[i] = i;
        for (var j = 1; j <= a.Length; j++)
        {
            cur[0] = j;
            for (var i = 1; i <= b.Length; i++)
            {
                cur[i] = Math.Min(prev[i - 1] + (a[j - 1] == b[i - 1] ? 0 : 1), Math.Min(prev[i], cur[i - 1]) + 1);
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
