using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using DiffPlex.Chunkers;
using DiffPlex;

namespace ClaimTracker.Api.Passages;

public enum AnchorState { Exact, Moved, Fuzzy, Orphaned }

/// <param name="Anchor">Where the passage stands in the new text; null when orphaned.</param>
/// <param name="Score">1 for exact and moved; for fuzzy, the match's score; for orphaned, the best score rejected.</param>
public sealed record Reanchored(AnchorState State, Anchor? Anchor, double Score);

/// <summary>
/// Follows a passage from one revision of a text to the next (docs/anchoring.md):
/// exact when the same text stands in the same surroundings, its offsets mapped through the diff of the two texts;
/// moved when the same text stands elsewhere or in new surroundings (between repeats, the one whose context agrees
/// best); fuzzy when only a close match exists whose score reaches <see cref="MinimumScore"/>; otherwise orphaned.
/// A match under the minimum is never taken, however it compares with the other candidates.
/// </summary>
public static class Reanchoring
{
    /// <summary>The least score a fuzzy match needs; below it the passage is orphaned.</summary>
    public const double MinimumScore = 0.8;

    /// <summary>The least similarity the quote itself needs, whatever its context.</summary>
    public const double MinimumQuoteSimilarity = 0.7;

    /// <summary>How much the quote's similarity weighs in the score; its context (prefix and suffix) weighs the rest.</summary>
    public const double QuoteWeight = 0.7;

    /// <summary>The diff of two texts as a map from old code-point offsets to new ones, over the stretches that did not change.</summary>
    public sealed class TextMap
    {
        private readonly List<(int Old, int New, int Length)> _equal;

        private TextMap(List<(int Old, int New, int Length)> equal) => _equal = equal;

        public IReadOnlyList<(int Old, int New, int Length)> Equal => _equal;

        public static TextMap Of(CodePoints oldText, CodePoints newText)
        {
            var chunker = new DelimiterChunker(WordDelimiters);
            var diff = Differ.Instance.CreateDiffs(oldText.Text, newText.Text, false, false, chunker);
            // Chunk offsets, in code points, of each piece of each text.
            int[] Starts(IReadOnlyList<string> pieces, CodePoints text)
            {
                var starts = new int[pieces.Count + 1];
                var utf16 = 0;
                for (var i = 0; i < pieces.Count; i++)
                {
                    starts[i] = text.FromUtf16(utf16);
                    utf16 += pieces[i].Length;
                }
                starts[^1] = text.Length;
                return starts;
            }
            var oldStarts = Starts(diff.PiecesOld, oldText);
            var newStarts = Starts(diff.PiecesNew, newText);

            var equal = new List<(int, int, int)>();
            int a = 0, b = 0;
            void Keep(int untilA)
            {
                var count = untilA - a;
                if (count > 0) equal.Add((oldStarts[a], newStarts[b], oldStarts[a + count] - oldStarts[a]));
                a += count;
                b += count;
            }
            foreach (var block in diff.DiffBlocks)
            {
                Keep(block.DeleteStartA);
                a += block.DeleteCountA;
                b += block.InsertCountB;
            }
            Keep(diff.PiecesOld.Count);
            return new TextMap(equal);
        }

        /// <summary>The new offset of an old position that lies in an unchanged stretch (a start: inside; an end: inside or at its end).</summary>
        public int? Map(int position, bool isEnd)
        {
            foreach (var (o, n, length) in _equal)
            {
                if (isEnd ? position > o && position <= o + length : position >= o && position < o + length) return n + position - o;
            }
            return null;
        }

        /// <summary>Where an old position falls in the new text, approximately (the nearest unchanged stretch).</summary>
        public int Near(int position, int newLength)
        {
            (int O, int N, int L)? before = null;
            foreach (var segment in _equal)
            {
                if (segment.Old > position) break;
                before = segment;
            }
            return before is { } s ? Math.Clamp(s.N + Math.Min(position - s.O, s.L), 0, newLength) : 0;
        }
    }

    private static readonly char[] WordDelimiters = [' ', '\t', '\n', '\r', '.', ',', ';', ':', '!', '?', '"', '\u201C', '\u201D', '(', ')'];

    /// <param name="map">The diff from the text the old anchor stands in; null when the old anchor has no place (an
    /// orphan followed from its last known quote).</param>
    public static Reanchored Reanchor(CodePoints newText, TextMap? map, Anchor old)
    {
        // 1. Through the diff: the same text where the diff puts it.
        if (map is not null && map.Map(old.Start, isEnd: false) is { } start && map.Map(old.End, isEnd: true) is { } end
            && end - start == old.End - old.Start && newText.Slice(start, end) == old.Exact)
        {
            var there = Anchoring.At(newText, start, end);
            var sameSurroundings = there.Prefix == old.Prefix && there.Suffix == old.Suffix;
            return new Reanchored(sameSurroundings ? AnchorState.Exact : AnchorState.Moved, there, 1);
        }

        // 2. The same text elsewhere; between repeats, the one whose context agrees best, then the nearest.
        var length = CodePoints.Count(old.Exact);
        var near = map?.Near(old.Start, newText.Length) ?? 0;
        var exact = Anchoring.Occurrences(newText, old.Exact).Select(s => Anchoring.At(newText, s, s + length)).ToList();
        if (exact.Count > 0)
        {
            var best = exact.OrderByDescending(a => Context(old, a)).ThenBy(a => Math.Abs(a.Start - near)).First();
            return new Reanchored(AnchorState.Moved, best, 1);
        }

        // 3. A close match: the span of the new text nearest the quote by edit distance, scored with its context.
        if (Fuzzy.BestMatch(newText.Text, old.Exact) is { } match)
        {
            int s = newText.FromUtf16(match.Start), e = newText.FromUtf16(match.End);
            var candidate = Anchoring.At(newText, s, e);
            var quote = Similarity(old.Exact, candidate.Exact);
            var score = Math.Round(QuoteWeight * quote + (1 - QuoteWeight) * Context(old, candidate), 3);
            return quote >= MinimumQuoteSimilarity && score >= MinimumScore
                ? new Reanchored(AnchorState.Fuzzy, candidate, score)
                : new Reanchored(AnchorState.Orphaned, null, score);
        }
        return new Reanchored(AnchorState.Orphaned, null, 0);
    }

    /// <summary>1 minus the edit distance over the longer length: 1 for equal texts, 0 for nothing in common.</summary>
    public static double Similarity(string a, string b) =>
        a.Length == 0 && b.Length == 0 ? 1 : 1 - (double)Fuzzy.Distance(a, b) / Math.Max(a.Length, b.Length);

    /// <summary>
    /// How well a candidate's surroundings agree with the old ones: the better of its two sides, since an edit next to
    /// a passage (a following paragraph deleted) changes one side while the other still confirms the place. A
    /// lookalike elsewhere agrees on neither. An empty old side agrees.
    /// </summary>
    private static double Context(Anchor old, Anchor candidate) =>
        Math.Max(Side(old.Prefix, candidate.Prefix, fromEnd: true), Side(old.Suffix, candidate.Suffix, fromEnd: false));

    private static double Side(string old, string candidate, bool fromEnd)
    {
        if (old.Length == 0) return 1;
        // Compare equal lengths: the part of the candidate's context next to the passage.
        var n = Math.Min(old.Length, candidate.Length);
        var theirs = fromEnd ? candidate[^n..] : candidate[..n];
        return Similarity(old, theirs);
    }
}
