using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClaimTracker.Api.Passages;

/// <summary>A span of a text with both W3C Web Annotation selectors: position (code points) and quote.</summary>
public sealed record Anchor(int Start, int End, string Exact, string Prefix, string Suffix);

/// <param name="Start">Code-point offset of the first character.</param>
/// <param name="End">Code-point offset just past the last character.</param>
public sealed record Candidate(int Start, int End, string Prefix, string Suffix);

/// <param name="Distance">Edit distance (insertions, deletions, substitutions) between the quote and this text.</param>
public sealed record ClosestMatch(int Start, int End, string Text, int Distance);

/// <summary>Why a selector could not be placed: the field at fault, the reason, and what helps the client fix it.</summary>
public sealed record AnchorFailure(string Field, string Reason, Dictionary<string, object?>? Extensions = null)
{
    /// <param name="prefix">Where the selector sits in the request, e.g. "evidence[0]."</param>
    public ProblemHttpResult ToProblem(string prefix = "") => Problems.Unprocessable(prefix + Field, Reason, Extensions);
}

/// <summary>
/// Turns either selector into both: offsets give the quote; a quote is found in the text, its prefix and suffix
/// choosing between repeats. Matching is exact, character for character: a straight apostrophe does not match a
/// typographic one.
/// </summary>
public static class Anchoring
{
    /// <summary>Code points of context stored on each side, as TextQuoteSelector's prefix and suffix.</summary>
    public const int ContextLength = 32;

    public static Anchor At(CodePoints text, int start, int end) => new(
        start, end, text.Slice(start, end),
        text.Slice(Math.Max(0, start - ContextLength), start),
        text.Slice(end, Math.Min(text.Length, end + ContextLength)));

    public static (Anchor? Anchor, AnchorFailure? Failure) Resolve(
        CodePoints text, int? start, int? end, string? exact, string? prefix, string? suffix)
    {
        if (start is { } s && end is { } e)
        {
            if (s < 0 || s > text.Length)
                return (null, new AnchorFailure("start", $"must be between 0 and the text's length, {text.Length} code points."));
            if (e < 0 || e > text.Length)
                return (null, new AnchorFailure("end", $"must be between 0 and the text's length, {text.Length} code points."));
            if (e <= s)
                return (null, new AnchorFailure("end", "must be greater than start."));
            var anchor = At(text, s, e);
            if (exact is not null && CodePoints.Nfc(exact) != anchor.Exact)
            {
                return (null, new AnchorFailure("exact", $"does not equal the text at {s}..{e}, which is \"{anchor.Exact}\"."));
            }
            return (anchor, null);
        }

        var quote = CodePoints.Nfc(exact!);
        var occurrences = Occurrences(text, quote).ToList();
        if (occurrences.Count == 0)
        {
            var closest = Closest(text, quote);
            return (null, new AnchorFailure("exact",
                closest is null ? "is not in the source's text." : $"is not in the source's text; the closest text is \"{closest.Text}\" at {closest.Start}..{closest.End}.",
                new Dictionary<string, object?> { ["closestMatch"] = closest }));
        }

        var candidates = occurrences.Select(o => At(text, o, o + CodePoints.Count(quote))).ToList();
        var wantedPrefix = prefix is null ? null : CodePoints.Nfc(prefix);
        var wantedSuffix = suffix is null ? null : CodePoints.Nfc(suffix);
        var fitting = candidates
            .Where(c => wantedPrefix is null || EndsWithContext(text, c.Start, wantedPrefix))
            .Where(c => wantedSuffix is null || StartsWithContext(text, c.End, wantedSuffix))
            .ToList();
        var listed = new Dictionary<string, object?> { ["candidates"] = candidates.Select(c => new Candidate(c.Start, c.End, c.Prefix, c.Suffix)).ToList() };

        return fitting.Count switch
        {
            1 => (fitting[0], null),
            0 => (null, new AnchorFailure(wantedPrefix is not null ? "prefix" : "suffix",
                $"matches the text around none of the quote's {candidates.Count} occurrence(s).", listed)),
            _ => (null, new AnchorFailure("exact",
                $"occurs {fitting.Count} times; add a prefix or suffix that tells them apart, or send start and end.", listed)),
        };
    }

    /// <summary>The code-point start of every occurrence of the quote in the text.</summary>
    internal static IEnumerable<int> Occurrences(CodePoints text, string quote)
    {
        for (var i = text.Text.IndexOf(quote, StringComparison.Ordinal); i >= 0; i = text.Text.IndexOf(quote, i + 1, StringComparison.Ordinal))
        {
            yield return text.FromUtf16(i);
        }
    }

    private static bool EndsWithContext(CodePoints text, int start, string prefix) =>
        text.Text.AsSpan(0, text.ToUtf16(start)).EndsWith(prefix, StringComparison.Ordinal);

    private static bool StartsWithContext(CodePoints text, int end, string suffix) =>
        text.Text.AsSpan(text.ToUtf16(end)).StartsWith(suffix, StringComparison.Ordinal);

    private static ClosestMatch? Closest(CodePoints text, string quote)
    {
        if (Fuzzy.BestMatch(text.Text, quote) is not { } match || match.Distance >= quote.Length) return null;
        int start = text.FromUtf16(match.Start), end = text.FromUtf16(match.End);
        return new ClosestMatch(start, end, text.Slice(start, end), match.Distance);
    }
}
