using System.Collections.Frozen;

namespace ClaimTracker.Api.Text;

/// <summary>The languages the readers know.</summary>
internal enum Lang { En, De, Fr }

internal static class Langs
{
    public static bool TryParse(string? language, out Lang lang)
    {
        var l = (language ?? "").Trim();
        if (l.Length >= 2)
        {
            switch (l[..2].ToLowerInvariant())
            {
                case "en": lang = Lang.En; return true;
                case "de": lang = Lang.De; return true;
                case "fr": lang = Lang.Fr; return true;
            }
        }
        lang = Lang.En;
        return false;
    }

    public static string Code(this Lang lang) => lang switch { Lang.De => "de", Lang.Fr => "fr", _ => "en" };
}

/// <summary>
/// A table of phrases (one or more tokens each, matched on the tokens' normalised text) indexed by first token, so
/// looking up every phrase that starts at a token costs one dictionary probe. The longest phrase wins.
/// </summary>
internal sealed class Phrases<T>
{
    private readonly FrozenDictionary<string, (string[] Words, T Value)[]> _byFirst;

    public Phrases(IEnumerable<(string Phrase, T Value)> entries, Lang lang)
    {
        _byFirst = entries
            .Select(e => (Words: Lexer.Tokenize(e.Phrase, lang.Code()).Select(t => t.Norm).ToArray(), e.Value))
            .Where(e => e.Words.Length > 0)
            .GroupBy(e => e.Words[0])
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(e => e.Words.Length).ToArray());
    }

    /// <summary>The longest phrase starting at token i; end is the index after its last token.</summary>
    public bool Match(Token[] tokens, int i, out T value, out int end)
    {
        value = default!;
        end = i;
        if (i >= tokens.Length || !_byFirst.TryGetValue(tokens[i].Norm, out var candidates)) return false;
        foreach (var (words, v) in candidates)
        {
            if (i + words.Length > tokens.Length) continue;
            var ok = true;
            for (var k = 1; k < words.Length && ok; k++)
            {
                var t = tokens[i + k];
                ok = t.Norm == words[k] && !t.BreakBefore;
            }
            if (!ok) continue;
            value = v;
            end = i + words.Length;
            return true;
        }
        return false;
    }

    public bool StartsAt(Token[] tokens, int i) => i < tokens.Length && _byFirst.ContainsKey(tokens[i].Norm);
}

internal static class TokenExtensions
{
    public static bool Is(this Token[] tokens, int i, string norm) => i >= 0 && i < tokens.Length && tokens[i].Norm == norm;

    public static bool IsAny(this Token[] tokens, int i, params ReadOnlySpan<string> norms)
    {
        if (i < 0 || i >= tokens.Length) return false;
        foreach (var n in norms) if (tokens[i].Norm == n) return true;
        return false;
    }

    /// <summary>The text from the start of token a to the end of token b - 1, as written.</summary>
    public static string Slice(this Token[] tokens, string text, int a, int b) =>
        b <= a ? "" : text[tokens[a].Start..tokens[b - 1].End];
}
