using System.Globalization;

namespace ClaimTracker.Api.Text;

internal enum TokenKind { Word, Number, Punct }

/// <summary>A token of a text, in UTF-16 offsets.</summary>
/// <param name="Norm">Words lower-cased with typographic apostrophes made straight; numbers and punctuation as written.</param>
/// <param name="SpaceBefore">Whitespace separates it from the token before.</param>
/// <param name="BreakBefore">A line break separates it from the token before (a paragraph, a heading).</param>
internal readonly record struct Token(TokenKind Kind, int Start, int End, string Norm, bool SpaceBefore, bool BreakBefore)
{
    public bool IsWord => Kind == TokenKind.Word;
    public bool IsNumber => Kind == TokenKind.Number;
    public bool IsPunct(char c) => Kind == TokenKind.Punct && Norm.Length == 1 && Norm[0] == c;
}

/// <summary>
/// Splits a text into words, numbers and punctuation in one pass (linear time, no regular expressions), so that the
/// figure, date and attribution readers walk tokens rather than characters. A number keeps its separators
/// ("2,500", "2.500", "17.09.2024"; in French also "2 500") and is interpreted later, by language.
/// </summary>
internal static class Lexer
{
    private static readonly string[] Single = Enumerable.Range(0, 128).Select(i => ((char)i).ToString()).ToArray();

    public static Token[] Tokenize(string text, string language)
    {
        var french = language.StartsWith("fr", StringComparison.OrdinalIgnoreCase);
        var tokens = new List<Token>(text.Length / 5 + 4);
        int i = 0, n = text.Length;
        var space = false;
        var brk = false;
        while (i < n)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                space = true;
                if (c is '\n' or '\r' or '\u2028' or '\u2029') brk = true;
                i++;
                continue;
            }
            var start = i;
            if (char.IsAsciiDigit(c))
            {
                i = ReadNumber(text, i, french);
                tokens.Add(new Token(TokenKind.Number, start, i, text[start..i], space, brk));
            }
            else if (IsLetter(text, i))
            {
                i = ReadWord(text, i);
                tokens.Add(new Token(TokenKind.Word, start, i, NormWord(text, start, i), space, brk));
            }
            else
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
                var norm = c switch
                {
                    '\u2019' or '\u2018' or '\u02BC' => "'",
                    '\u2010' or '\u2011' => "-",
                    _ => c < 128 ? Single[c] : text[start..i],
                };
                tokens.Add(new Token(TokenKind.Punct, start, i, norm, space, brk));
            }
            space = false;
            brk = false;
        }
        return [.. tokens];
    }

    private static bool IsLetter(string text, int i)
    {
        var cat = char.GetUnicodeCategory(text, i);
        return cat is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;
    }

    // Letters and marks, with an apostrophe inside a word ("don't", "al-Sudani's", "d'ici" stays two words: see below).
    private static int ReadWord(string text, int i)
    {
        var n = text.Length;
        while (i < n)
        {
            if (IsLetter(text, i) || char.GetUnicodeCategory(text, i) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                i += char.IsSurrogatePair(text, i) ? 2 : 1;
                continue;
            }
            // An apostrophe joins letters ("don’t", "Iraq’s"), except the French elision "d’ici", "l’année", "jusqu’à",
            // whose first part is one or two letters and is a word of its own.
            if (text[i] is '\'' or '\u2019' && i + 1 < n && IsLetter(text, i + 1) && !IsElision(text, i)) { i++; continue; }
            break;
        }
        return i;
    }

    private static bool IsElision(string text, int apostrophe)
    {
        var start = apostrophe;
        while (start > 0 && IsLetter(text, start - 1)) start--;
        var part = text.AsSpan(start, apostrophe - start);
        foreach (var e in Elisions)
        {
            if (part.Equals(e, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static readonly string[] Elisions = ["d", "l", "qu", "jusqu", "lorsqu", "puisqu", "n", "s", "c", "j"];

    // Digits, with '.' or ',' between digit groups, a no-break or thin space before a group of three, and in French a plain
    // space before a group of exactly three ("2 500").
    private static int ReadNumber(string text, int i, bool french)
    {
        var n = text.Length;
        while (i < n && char.IsAsciiDigit(text[i])) i++;
        while (i + 1 < n)
        {
            var c = text[i];
            if (c is '.' or ',' && char.IsAsciiDigit(text[i + 1]))
            {
                i++;
                while (i < n && char.IsAsciiDigit(text[i])) i++;
                continue;
            }
            if ((c is '\u00A0' or '\u202F' or '\u2009' || (french && c == ' ')) && GroupOfThree(text, i + 1))
            {
                i += 4;
                continue;
            }
            break;
        }
        return i;
    }

    private static bool GroupOfThree(string text, int i) =>
        i + 3 <= text.Length && char.IsAsciiDigit(text[i]) && char.IsAsciiDigit(text[i + 1]) && char.IsAsciiDigit(text[i + 2])
        && (i + 3 == text.Length || !char.IsAsciiDigit(text[i + 3]));

    private static string NormWord(string text, int start, int end)
    {
        var span = text.AsSpan(start, end - start);
        var plain = true;
        foreach (var ch in span)
        {
            if (char.IsUpper(ch) || ch is '\u2019' or '\u2018') { plain = false; break; }
        }
        if (plain) return span.ToString();
        return string.Create(span.Length, (text, start), static (dest, s) =>
        {
            for (var k = 0; k < dest.Length; k++)
            {
                var ch = s.text[s.start + k];
                dest[k] = ch is '\u2019' or '\u2018' ? '\'' : char.ToLowerInvariant(ch);
            }
        });
    }

    public static bool IsCapitalized(string text, Token t) => t.IsWord && char.IsUpper(text[t.Start]);
}
