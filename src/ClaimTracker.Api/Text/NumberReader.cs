using System.Collections.Frozen;
using System.Globalization;

namespace ClaimTracker.Api.Text;

/// <param name="End">The token after the number.</param>
/// <param name="Words">Written in words ("seven", "a dozen"), not digits.</param>
internal readonly record struct NumberMatch(decimal Value, int End, bool Words);

/// <summary>
/// Reads one number at a token: digits in the language's convention ("2,500" and "1.5" in English; "2.500" and "1,5"
/// in German; "2 500" and "1,5" in French), digits with a scale word ("1.5 million", "1,5 Millionen"), or number words
/// ("twenty-five", "a hundred", "a dozen", "zwei Dutzend", "fünfundzwanzig", "vingt et un", "quatre-vingt-dix").
/// </summary>
internal static class NumberReader
{
    private static readonly FrozenDictionary<string, decimal> EnSmall = new Dictionary<string, decimal>
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14,
        ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20,
        ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, decimal> FrSmall = new Dictionary<string, decimal>
    {
        ["zéro"] = 0, ["un"] = 1, ["une"] = 1, ["deux"] = 2, ["trois"] = 3, ["quatre"] = 4, ["cinq"] = 5, ["six"] = 6, ["sept"] = 7,
        ["huit"] = 8, ["neuf"] = 9, ["dix"] = 10, ["onze"] = 11, ["douze"] = 12, ["treize"] = 13, ["quatorze"] = 14,
        ["quinze"] = 15, ["seize"] = 16, ["vingt"] = 20, ["vingts"] = 20, ["trente"] = 30, ["quarante"] = 40, ["cinquante"] = 50,
        ["soixante"] = 60,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, decimal> DeBase = new Dictionary<string, decimal>
    {
        ["null"] = 0, ["eins"] = 1, ["ein"] = 1, ["eine"] = 1, ["einen"] = 1, ["einem"] = 1, ["einer"] = 1, ["zwei"] = 2, ["drei"] = 3,
        ["vier"] = 4, ["fünf"] = 5, ["sechs"] = 6, ["sieben"] = 7, ["acht"] = 8, ["neun"] = 9, ["zehn"] = 10, ["elf"] = 11,
        ["zwölf"] = 12, ["dreizehn"] = 13, ["vierzehn"] = 14, ["fünfzehn"] = 15, ["sechzehn"] = 16, ["siebzehn"] = 17,
        ["achtzehn"] = 18, ["neunzehn"] = 19, ["zwanzig"] = 20, ["dreißig"] = 30, ["dreissig"] = 30, ["vierzig"] = 40,
        ["fünfzig"] = 50, ["sechzig"] = 60, ["siebzig"] = 70, ["achtzig"] = 80, ["neunzig"] = 90,
        ["zwo"] = 2,
    }.ToFrozenDictionary();

    /// <summary>Scale words after a figure: "1.5 million", "zwei Millionen", "deux mille".</summary>
    private static readonly FrozenDictionary<string, decimal> Scales = new Dictionary<string, decimal>
    {
        ["hundred"] = 100, ["thousand"] = 1_000, ["million"] = 1_000_000, ["millions"] = 1_000_000, ["billion"] = 1_000_000_000,
        ["dozen"] = 12,
        ["hundert"] = 100, ["tausend"] = 1_000, ["millionen"] = 1_000_000, ["milliarde"] = 1_000_000_000,
        ["milliarden"] = 1_000_000_000, ["dutzend"] = 12,
        ["cent"] = 100, ["cents"] = 100, ["mille"] = 1_000, ["milliard"] = 1_000_000_000, ["milliards"] = 1_000_000_000,
        ["douzaine"] = 12, ["douzaines"] = 12,
    }.ToFrozenDictionary();

    private static readonly string[] Articles = ["a", "an", "ein", "eine", "einen", "einem", "un", "une"];

    public static bool IsArticle(string norm) => Array.IndexOf(Articles, norm) >= 0;

    public static bool TryRead(Token[] t, int i, Lang lang, out NumberMatch m)
    {
        m = default;
        if (i >= t.Length) return false;
        if (t[i].IsNumber)
        {
            if (!TryDigits(t[i].Norm, lang, out var v)) return false;
            var end = i + 1;
            // "1.5 million", "2 Millionen", "deux mille", "2 dozen".
            if (end < t.Length && !t[end].BreakBefore && Scale(t[end].Norm) is { } scale)
            {
                v *= scale;
                end++;
            }
            m = new NumberMatch(v, end, false);
            return true;
        }
        if (!t[i].IsWord) return false;
        return lang switch
        {
            Lang.De => TryGerman(t, i, out m),
            Lang.Fr => TryFrench(t, i, out m),
            _ => TryEnglish(t, i, out m),
        };
    }

    private static decimal? Scale(string norm) => Scales.TryGetValue(norm, out var s) ? s : null;

    /// <summary>Digits with the language's group and decimal separators; groups after the first must have three digits.</summary>
    public static bool TryDigits(string raw, Lang lang, out decimal value)
    {
        value = 0;
        char decimalSep = lang == Lang.En ? '.' : ',';
        Span<char> clean = stackalloc char[raw.Length];
        int n = 0, groupLen = 0, groups = 0, decimals = -1;
        foreach (var c in raw)
        {
            if (char.IsAsciiDigit(c))
            {
                clean[n++] = c;
                if (decimals >= 0) decimals++;
                else groupLen++;
                continue;
            }
            if (c == decimalSep)
            {
                if (decimals >= 0) return false;
                if (groups > 0 && groupLen != 3) return false;
                decimals = 0;
                clean[n++] = '.';
                continue;
            }
            // A group separator: ',' in English; '.' in German and French; no-break, thin and (French) plain spaces.
            var groupSep = c is '\u00A0' or '\u202F' or '\u2009' or ' ' || (lang == Lang.En ? c == ',' : c == '.');
            if (!groupSep || decimals >= 0) return false;
            if (groups == 0 ? groupLen is < 1 or > 3 : groupLen != 3) return false;
            groups++;
            groupLen = 0;
        }
        if (groups > 0 && decimals < 0 && groupLen != 3) return false;
        if (decimals == 0) return false;
        return decimal.TryParse(clean[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    // English words: "seven", "twenty-five", "a hundred", "two thousand five hundred", "one hundred and twenty", "a dozen".
    private static bool TryEnglish(Token[] t, int i, out NumberMatch m)
    {
        m = default;
        decimal total = 0, current = 0;
        var any = false;
        var article = false;
        var j = i;
        if (t[j].Norm == "dozen") return false;
        if (IsArticle(t[j].Norm) && j + 1 < t.Length && t[j + 1].Norm is "hundred" or "thousand" or "million" or "billion" or "dozen")
        {
            current = 1;
            article = true;
            j++;
        }
        var last = j;
        // What may follow: after "twenty" a unit ("twenty five"); after a scale word any small number.
        var afterTens = false;
        var afterScale = article;
        while (j < t.Length)
        {
            var w = t[j].Norm;
            if (EnSmall.TryGetValue(w, out var v))
            {
                if (any && !(afterScale || afterTens && v < 10)) break;
                current += v;
                afterTens = v >= 20 && v % 10 == 0;
                afterScale = false;
            }
            else if (w is "hundred")
            {
                if (!any && !article) break;
                current = (current == 0 ? 1 : current) * 100;
                afterScale = true;
                afterTens = false;
            }
            else if (w is "thousand" or "million" or "billion" or "dozen")
            {
                if (!any && !article) break;
                var scale = w switch { "thousand" => 1_000m, "million" => 1_000_000m, "billion" => 1_000_000_000m, _ => 12m };
                total += (current == 0 ? 1 : current) * scale;
                current = 0;
                afterScale = true;
                afterTens = false;
            }
            else break;
            any = true;
            last = j + 1;
            // "twenty-five"; "one hundred and twenty"
            if (j + 2 < t.Length && afterTens && t[j + 1].Norm == "-" && !t[j + 1].SpaceBefore && !t[j + 2].SpaceBefore && EnSmall.TryGetValue(t[j + 2].Norm, out var unit) && unit < 10)
            {
                j += 2;
                continue;
            }
            if (j + 2 < t.Length && t[j + 1].Norm == "and" && w is "hundred" or "thousand" && EnSmall.ContainsKey(t[j + 2].Norm))
            {
                j += 2;
                continue;
            }
            j++;
        }
        if (!any) return false;
        m = new NumberMatch(total + current, last, true);
        return true;
    }

    // German words: "sieben", "fünfundzwanzig", "zweitausendfünfhundert", "zwei Dutzend", "ein Dutzend", "zwei Millionen".
    private static bool TryGerman(Token[] t, int i, out NumberMatch m)
    {
        m = default;
        var w = t[i].Norm;
        decimal v;
        var j = i + 1;
        if (IsArticle(w) || w is "eins")
        {
            v = 1;
        }
        else if (Compound(w) is { } c) v = c;
        else return false;
        if (j < t.Length && t[j].Norm is "dutzend" or "millionen" or "million" or "milliarden" or "milliarde" or "tausend" or "hundert")
        {
            v *= t[j].Norm switch { "dutzend" => 12m, "tausend" => 1_000m, "hundert" => 100m, "milliarden" or "milliarde" => 1_000_000_000m, _ => 1_000_000m };
            j++;
        }
        else if (IsArticle(w)) return false;
        m = new NumberMatch(v, j, true);
        return true;
    }

    private static decimal? Compound(string w)
    {
        if (w.Length == 0) return null;
        if (DeBase.TryGetValue(w, out var b) && !IsArticle(w)) return b;
        if (w == "hundert") return 100;
        if (w == "tausend") return 1000;
        var k = w.IndexOf("tausend", StringComparison.Ordinal);
        if (k >= 0)
        {
            var left = k == 0 ? 1 : Compound(w[..k]) ?? (w[..k] == "ein" ? 1 : null);
            var rest = w[(k + 7)..];
            var right = rest.Length == 0 ? 0 : Compound(rest);
            return left is null || right is null ? null : left * 1000 + right;
        }
        k = w.IndexOf("hundert", StringComparison.Ordinal);
        if (k >= 0)
        {
            var left = k == 0 ? 1 : Compound(w[..k]) ?? (w[..k] == "ein" ? 1 : null);
            var rest = w[(k + 7)..];
            var right = rest.Length == 0 ? 0 : rest.StartsWith("und", StringComparison.Ordinal) ? Compound(rest[3..]) : Compound(rest);
            return left is null || right is null ? null : left * 100 + right;
        }
        k = w.IndexOf("und", StringComparison.Ordinal);
        if (k > 0)
        {
            var unit = w[..k] == "ein" ? 1 : Compound(w[..k]);
            var tens = Compound(w[(k + 3)..]);
            return unit is > 0 and < 10 && tens is >= 20 and < 100 && tens % 10 == 0 ? tens + unit : null;
        }
        return null;
    }

    // French words: "sept", "vingt et un", "quatre-vingt-dix", "deux mille cinq cents", "une douzaine" is a vague noun (FigureExpression).
    private static bool TryFrench(Token[] t, int i, out NumberMatch m)
    {
        m = default;
        decimal total = 0, current = 0;
        var any = false;
        var j = i;
        var last = i;
        decimal previous = -1;
        while (j < t.Length)
        {
            var w = t[j].Norm;
            if (FrSmall.TryGetValue(w, out var v))
            {
                if (w is "un" or "une" && any == false && !(j + 1 < t.Length && t[j + 1].Norm is "mille" or "million" or "millions" or "milliard" or "milliards" or "cent"))
                {
                    // "un" alone is an article; only "un million", "une centaine" (elsewhere) count.
                    break;
                }
                if (v == 20 && previous == 4) current = current - 4 + 80; // quatre-vingt(s)
                else current += v;
                previous = v;
            }
            else if (w is "cent" or "cents")
            {
                current = (current == 0 ? 1 : current) * 100;
                previous = 100;
            }
            else if (w is "mille" or "million" or "millions" or "milliard" or "milliards")
            {
                if (!any && w is not "mille") break;
                var scale = w switch { "mille" => 1_000m, "milliard" or "milliards" => 1_000_000_000m, _ => 1_000_000m };
                total += (current == 0 ? 1 : current) * scale;
                current = 0;
                previous = scale;
            }
            else break;
            any = true;
            last = j + 1;
            if (j + 2 < t.Length && t[j + 1].Norm == "-" && !t[j + 1].SpaceBefore && !t[j + 2].SpaceBefore) { j += 2; continue; }
            if (j + 2 < t.Length && t[j + 1].Norm == "et" && t[j + 2].Norm is "un" or "une" or "onze") { j += 2; continue; }
            j++;
        }
        if (!any) return false;
        m = new NumberMatch(total + current, last, true);
        return true;
    }
}
