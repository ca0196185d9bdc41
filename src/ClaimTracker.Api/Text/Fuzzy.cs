namespace ClaimTracker.Api.Text;

/// <summary>
/// Approximate substring search (Sellers' algorithm): the span of a text closest, by edit distance, to a
/// pattern, or every span within a distance. Used to say where a quote that is not in a text comes closest, and
/// to find every place a passage could have gone in a corrected text. Works in UTF-16 units.
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

    /// <summary>
    /// Every span of the text within <paramref name="maxDistance"/> of the pattern, nearest first, none overlapping
    /// a nearer one, at most <paramref name="limit"/>. Each is a local minimum of the distance: a span one character
    /// longer or shorter at its end is no nearer.
    /// </summary>
    public static List<Match> Matches(string text, string pattern, int maxDistance, int limit)
    {
        int n = text.Length, m = pattern.Length;
        var found = new List<Match>();
        if (m == 0 || n == 0 || limit <= 0 || (long)n * m > MaxCells) return found;

        // atEnd[j]: the distance from the pattern to the best substring of text ending at j.
        var atEnd = new int[n + 1];
        atEnd[0] = m;
        var prev = new int[m + 1];
        var cur = new int[m + 1];
        for (var i = 0; i <= m; i++) prev[i] = i;
        for (var j = 1; j <= n; j++)
        {
            cur[0] = 0;
            var c = text[j - 1];
            for (var i = 1; i <= m; i++)
            {
                var substitute = prev[i - 1] + (pattern[i - 1] == c ? 0 : 1);
                cur[i] = Math.Min(substitute, Math.Min(prev[i], cur[i - 1]) + 1);
            }
            atEnd[j] = cur[m];
            (prev, cur) = (cur, prev);
        }

        var ends = new List<(int End, int Distance)>();
        for (var j = 1; j <= n; j++)
        {
            var d = atEnd[j];
            if (d > maxDistance || d >= atEnd[j - 1] || (j < n && d > atEnd[j + 1])) continue;
            // Along a run of ends at the same distance ("2,500" against "2,000": "2,00" and "2,000"), the one that
            // ends a word, so a match never stops inside a number.
            var end = j;
            while (end < n && atEnd[end + 1] == d && char.IsLetterOrDigit(text[end])) end++;
            ends.Add((end < n && char.IsLetterOrDigit(text[end]) ? j : end, d));
        }
        // Nearest first; a span overlapping a nearer one is the same place, found again.
        foreach (var (end, distance) in ends.OrderBy(e => e.Distance).ThenBy(e => e.End).Take(limit * 4))
        {
            var start = StartOf(text, pattern, end, distance);
            if (found.Any(f => start < f.End && f.Start < end)) continue;
            found.Add(new Match(start, end, distance));
            if (found.Count == limit) break;
        }
        return found;
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
