using System.Collections.Frozen;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Api.Suggestions;

/// <summary>A known subject's name or alias found in the text, in tokens.</summary>
internal readonly record struct Mention(int Start, int End, KnownSubject Subject, string Alias, bool Exact);

/// <summary>
/// Finds the known subjects' names and aliases in a token stream: word for word in one pass (a dictionary of each
/// alias's first word, longest alias first), and, inside a clause, with their words in order and a few others between
/// ("The US has about 2,500 troops in Iraq" holds "US troops in Iraq").
/// </summary>
internal sealed class SubjectIndex
{
    private readonly FrozenDictionary<string, (string[] Words, KnownSubject Subject, string Alias)[]> _byFirst;
    private readonly (string[] Words, KnownSubject Subject, string Alias)[] _all;

    public SubjectIndex(IEnumerable<KnownSubject> subjects, Lang lang)
    {
        _all = subjects
            .SelectMany(s => s.Aliases.Prepend(s.Name).Distinct(StringComparer.OrdinalIgnoreCase).Select(a => (Words: Words(a, lang), Subject: s, Alias: a)))
            .Where(e => e.Words.Length > 0)
            .ToArray();
        _byFirst = _all.GroupBy(e => e.Words[0]).ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(e => e.Words.Length).ToArray());
    }

    private static string[] Words(string alias, Lang lang) =>
        Lexer.Tokenize(CodePoints.Nfc(alias), lang.Code()).Select(t => Norm(t.Norm)).Where(w => w != "-" && w != "\u2013").ToArray();

    // Possessives and hyphen variants do not stop a match: "Iraq’s", "al-Sudani’s", "US-led".
    private static string Norm(string w) => w.EndsWith("'s", StringComparison.Ordinal) && w.Length > 2 ? w[..^2] : w;

    /// <summary>Every alias standing word for word, longest first at each place, not overlapping.</summary>
    public List<Mention> FindAll(Token[] t)
    {
        var found = new List<Mention>();
        var i = 0;
        while (i < t.Length)
        {
            if (!t[i].IsWord || !_byFirst.TryGetValue(Norm(t[i].Norm), out var candidates)) { i++; continue; }
            var matched = false;
            foreach (var (words, subject, alias) in candidates)
            {
                if (TryAt(t, i, words, out var end))
                {
                    found.Add(new Mention(i, end, subject, alias, true));
                    i = end;
                    matched = true;
                    break;
                }
            }
            if (!matched) i++;
        }
        return found;
    }

    private static bool TryAt(Token[] t, int i, string[] words, out int end)
    {
        var j = i;
        foreach (var w in words)
        {
            while (j < t.Length && t[j].Norm is "-" or "\u2013" && !t[j].SpaceBefore) j++;
            if (j >= t.Length || Norm(t[j].Norm) != w) { end = i; return false; }
            j++;
        }
        end = j;
        return true;
    }

    /// <summary>Aliases of two words or more whose words stand in order inside [start, end) with at most a few others between.</summary>
    public IEnumerable<Mention> FindLoose(Token[] t, int start, int end)
    {
        foreach (var (words, subject, alias) in _all)
        {
            if (words.Length < 2 || end - start < words.Length) continue;
            for (var i = start; i < end; i++)
            {
                if (Norm(t[i].Norm) != words[0]) continue;
                int k = 1, j = i + 1, gaps = 0;
                while (j < end && k < words.Length && gaps <= 4)
                {
                    if (Norm(t[j].Norm) == words[k]) k++;
                    else gaps++;
                    j++;
                }
                if (k == words.Length && gaps > 0)
                {
                    yield return new Mention(i, j, subject, alias, false);
                    break;
                }
            }
        }
    }

    /// <summary>A subject whose name contains the words, as a noun phrase may name one in part ("the statement").</summary>
    public (KnownSubject Subject, string Alias)? Containing(string[] words)
    {
        if (words.Length == 0 || words.Length == 1 && words[0].Length < 5) return null;
        foreach (var (aliasWords, subject, alias) in _all)
        {
            for (var i = 0; i + words.Length <= aliasWords.Length; i++)
            {
                var ok = true;
                for (var k = 0; k < words.Length && ok; k++) ok = aliasWords[i + k] == words[k];
                if (ok) return (subject, alias);
            }
        }
        return null;
    }

    public static string[] Normalized(Token[] t, int start, int end)
    {
        var list = new List<string>();
        for (var i = start; i < end; i++)
        {
            if (t[i].Norm is "-" or "\u2013") continue;
            list.Add(Norm(t[i].Norm));
        }
        return [.. list];
    }
}
