using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using DiffPlex.Chunkers;
using DiffPlex;

namespace ClaimTracker.Api.Passages;

public enum AnchorState { Exact, Moved, Fuzzy, Orphaned, Ambiguous }

/// <summary>A place in a corrected text where a passage could stand, as the re-anchoring weighed it.</summary>
/// <param name="Start">Code-point offset in the new revision.</param>
/// <param name="End">Code-point offset just past its last character.</param>
/// <param name="Exact">The text there.</param>
/// <param name="Score">0.7 × quote similarity + 0.3 × context similarity (docs/anchoring.md).</param>
/// <param name="Agrees">Whether its surroundings agree with the passage's stored context: at least half of the stored
/// prefix or suffix stands unchanged right next to it.</param>
public sealed record AnchorCandidate(int Start, int End, string Exact, double Score, bool Agrees);

/// <param name="Anchor">Where the passage stands in the new text; null when orphaned or ambiguous.</param>
/// <param name="Score">1 for exact and moved; for fuzzy, the match's score; for ambiguous, the best candidate's;
/// for orphaned, the best score rejected.</param>
/// <param name="Candidates">The places weighed, best first (at most <see cref="Reanchoring.MaxCandidates"/>); empty for exact.</param>
public sealed record Reanchored(AnchorState State, Anchor? Anchor, double Score, IReadOnlyList<AnchorCandidate> Candidates);

/// <summary>
/// Follows a passage from one revision of a text to the next (docs/anchoring.md). Exact when the same text stands
/// in the same surroundings where the diff puts it. Otherwise every place the quote could have gone is weighed:
/// moved needs the same text at the one place whose surroundings agree, clear of every other place by
/// <see cref="Margin"/>; fuzzy needs a close match whose score reaches <see cref="MinimumScore"/>, clear of the
/// runner-up by the margin; ambiguous when two places are too close to call, or the same words stand where nothing
/// around them can tell one repeat from another; otherwise orphaned. Never a guess between lookalikes.
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
    /// orphan or ambiguous passage followed from its last known quote).</param>
    /// <param name="repeatsBefore">How many times the quote occurred in the text the old anchor stands in.</param>
    public static Reanchored Reanchor(CodePoints newText, TextMap? map, Anchor old, int repeatsBefore = 1)
    {
        int? mapped = null;
        // 1. Through the diff: the same text where the diff puts it, in the same surroundings.
        if (map is not null && map.Map(old.Start, isEnd: false) is { } start && map.Map(old.End, isEnd: true) is { } end
            && end - start == old.End - old.Start && newText.Slice(start, end) == old.Exact)
        {
            var there = Anchoring.At(newText, start, end);
            if (there.Prefix == old.Prefix && there.Suffix == old.Suffix) return new Reanchored(AnchorState.Exact, there, 1, []);
            mapped = start;
        }

        // 2. Every place the quote could have gone, best first; between equal scores, the nearest to where it was.
        var near = mapped ?? map?.Near(old.Start, newText.Length) ?? 0;
        var places = Places(newText, old).OrderByDescending(p => p.Score).ThenBy(p => Math.Abs(p.Anchor.Start - near)).ToList();
        if (places.Count == 0)
        {
            // Nothing within reach: report how close the nearest span came.
            return new Reanchored(AnchorState.Orphaned, null, NearestScore(newText, old), []);
        }
        var candidates = places.Take(MaxCandidates).Select(p => p.ToCandidate()).ToList();
        var same = places.Where(p => p.SameText).ToList();
        var agreeing = same.Where(p => p.Agrees).ToList();

        // Clear of every other place by the margin, or too close to call.
        bool Clear(Place chosen) => places.All(p => p == chosen || chosen.Score - p.Score >= Margin);
        Reanchored Ambiguous() => new(AnchorState.Ambiguous, null, places[0].Score, candidates);

        if (agreeing.Count == 1)
        {
            return Clear(agreeing[0]) ? new Reanchored(AnchorState.Moved, agreeing[0].Anchor, 1, candidates) : Ambiguous();
        }
        if (agreeing.Count > 1) return Ambiguous();
        if (same.Count > 0)
        {
            // The same words, but nowhere do their surroundings agree. One long quote found once is itself evidence
            // of the place (a whole paragraph moved); a short one, or a repeat, tells nothing by itself.
            var only = same[0];
            var distinctive = same.Count == 1 && repeatsBefore <= 1 && CodePoints.Count(old.Exact) >= ShortQuote;
            var rivalled = places.Any(p => p != only && (p.Qualifies || only.Score - p.Score < Margin));
            return distinctive && !rivalled ? new Reanchored(AnchorState.Fuzzy, only.Anchor, only.Score, candidates) : Ambiguous();
        }
        // 3. Close matches only: the best, if it is good enough and clear of the runner-up.
        var best = places[0];
        if (!best.Qualifies) return new Reanchored(AnchorState.Orphaned, null, best.Score, candidates);
        return Clear(best) ? new Reanchored(AnchorState.Fuzzy, best.Anchor, best.Score, candidates) : Ambiguous();
    }

    /// <summary>Two places are too close to call when their scores differ by less than this.</summary>
    public const double Margin = 0.05;

    /// <summary>The share of the stored prefix or suffix that must stand unchanged right next to a place for its
    /// surroundings to agree.</summary>
    public const double ContextAgreement = 0.5;

    /// <summary>A quote shorter than this many code points (the length of its stored context) does not tell, by
    /// itself, where it stands.</summary>
    public const int ShortQuote = Anchoring.ContextLength;

    /// <summary>How many of the places weighed are kept with the result.</summary>
    public const int MaxCandidates = 5;

    private sealed record Place(Anchor Anchor, bool SameText, double Quote, double Score, bool Agrees)
    {
        public bool Qualifies => Quote >= MinimumQuoteSimilarity && Score >= MinimumScore;

        public AnchorCandidate ToCandidate() => new(Anchor.Start, Anchor.End, Anchor.Exact, Score, Agrees);
    }

    /// <summary>Every occurrence of the quote, and every span within the edit distance a fuzzy match may have.</summary>
    private static List<Place> Places(CodePoints newText, Anchor old)
    {
        var length = CodePoints.Count(old.Exact);
        var places = Anchoring.Occurrences(newText, old.Exact).Select(s => Weigh(old, Anchoring.At(newText, s, s + length), sameText: true)).ToList();
        var reach = (int)Math.Floor((1 - MinimumQuoteSimilarity) * old.Exact.Length);
        foreach (var match in Fuzzy.Matches(newText.Text, old.Exact, reach, MaxCandidates * 2))
        {
            if (match.Distance == 0) continue; // an occurrence, weighed above
            int s = newText.FromUtf16(match.Start), e = newText.FromUtf16(match.End);
            if (places.Any(p => s < p.Anchor.End && p.Anchor.Start < e)) continue;
            places.Add(Weigh(old, Anchoring.At(newText, s, e), sameText: false));
        }
        return places;
    }

    private static Place Weigh(Anchor old, Anchor candidate, bool sameText)
    {
        var quote = sameText ? 1 : Similarity(old.Exact, candidate.Exact);
        var score = Math.Round(QuoteWeight * quote + (1 - QuoteWeight) * Context(old, candidate), 3);
        return new Place(candidate, sameText, quote, score, Agree(old, candidate));
    }

    private static double NearestScore(CodePoints newText, Anchor old)
    {
        if (Fuzzy.BestMatch(newText.Text, old.Exact) is not { } match) return 0;
        int s = newText.FromUtf16(match.Start), e = newText.FromUtf16(match.End);
        return Weigh(old, Anchoring.At(newText, s, e), sameText: false).Score;
    }

    /// <summary>1 minus the edit distance over the longer length: 1 for equal texts, 0 for nothing in common.</summary>
    public static double Similarity(string a, string b) =>
        a.Length == 0 && b.Length == 0 ? 1 : 1 - (double)Fuzzy.Distance(a, b) / Math.Max(a.Length, b.Length);

    /// <summary>
    /// How well a candidate's surroundings agree with the old ones, for its score: the better of its two sides, since
    /// an edit next to a passage (a following paragraph deleted) changes one side while the other still confirms the
    /// place. A lookalike elsewhere agrees on neither.
    /// </summary>
    private static double Context(Anchor old, Anchor candidate) =>
        Math.Max(Side(old.Prefix, candidate.Prefix, fromEnd: true), Side(old.Suffix, candidate.Suffix, fromEnd: false));

    private static double Side(string old, string candidate, bool fromEnd)
    {
        // An empty side means the passage touched the edge of the text: only the edge agrees with it.
        if (old.Length == 0) return candidate.Length == 0 ? 1 : 0;
        // Compare equal lengths: the part of the candidate's context next to the passage.
        var n = Math.Min(old.Length, candidate.Length);
        var theirs = fromEnd ? candidate[^n..] : candidate[..n];
        return Similarity(old, theirs);
    }

    /// <summary>
    /// Whether the surroundings agree, for moved: on one side at least, half the stored context (16 of its 32 code
    /// points) stands unchanged right next to the place. Similarity is not enough here: rewritten surroundings that
    /// keep a few words ("…, a Pentagon spokesman said") look alike without being the same place.
    /// </summary>
    private static bool Agree(Anchor old, Anchor candidate) =>
        Math.Max(Run(old.Prefix, candidate.Prefix, fromEnd: true), Run(old.Suffix, candidate.Suffix, fromEnd: false)) >= ContextAgreement;

    private static double Run(string old, string candidate, bool fromEnd)
    {
        if (old.Length == 0) return candidate.Length == 0 ? 1 : 0;
        var n = 0;
        var most = Math.Min(old.Length, candidate.Length);
        while (n < most && (fromEnd ? old[^(n + 1)] == candidate[^(n + 1)] : old[n] == candidate[n])) n++;
        return (double)n / old.Length;
    }
}
