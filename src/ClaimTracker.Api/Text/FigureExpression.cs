using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ClaimTracker.Api.Claims;

namespace ClaimTracker.Api.Text;

/// <summary>A figure as a report states it, with the bounds the table derives from it.</summary>
/// <param name="StatedAs">The expression read, as written.</param>
/// <param name="Amount">The figure stated, when there is one: "nearly 2,500" has 2,500; "hundreds" and "2,000 to 3,000" have none.</param>
/// <param name="LowerBound">The least the statement allows; null when open below.</param>
/// <param name="UpperBound">The most the statement allows; null when open above.</param>
/// <param name="Tolerance">For approximate figures, the fraction either side (0.1).</param>
/// <param name="Hedge">The key of the table row used: "exact", "about", "more_than", "dozens", "most_of", ...</param>
/// <param name="TableVersion">The version of the table the bounds come from (docs/figures.md).</param>
/// <param name="Whole">For a part of a whole ("most of the 2,500"), the whole (2,500).</param>
/// <param name="Counted">Words after the figure in the expression read ("about 2,500 troops": "troops"), if any.</param>
/// <param name="Explanation">The reading in words, naming the table row.</param>
public sealed record FigureReading(
    string StatedAs,
    decimal? Amount,
    decimal? LowerBound,
    decimal? UpperBound,
    Approximation Approximation,
    decimal? Tolerance,
    string Hedge,
    int TableVersion,
    decimal? Whole,
    string? Counted,
    string Explanation)
{
    /// <summary>
    /// The reading as a claim value of today's model: an approximate figure keeps its amount and tolerance (the model
    /// derives the bounds); any other keeps its bounds, and its amount only where the bounds allow it ("more than 40"
    /// is at least 41, so the 40 stays in statedAs).
    /// </summary>
    public ClaimValueInput ToClaimValue(string? unit = null)
    {
        if (Approximation == Approximation.Approximate)
        {
            return new ClaimValueInput(ValueKind.Quantity, Amount: Amount, Unit: unit, Approximation: Approximation, Tolerance: Tolerance, StatedAs: StatedAs);
        }
        var amountFits = Amount is { } a && (LowerBound is null || a >= LowerBound) && (UpperBound is null || a <= UpperBound);
        return Approximation == Approximation.Exact
            ? new ClaimValueInput(ValueKind.Quantity, Amount: Amount, Unit: unit, Approximation: Approximation, StatedAs: StatedAs)
            : new ClaimValueInput(ValueKind.Quantity, Amount: amountFits ? Amount : null, LowerBound: LowerBound, UpperBound: UpperBound,
                Unit: unit, Approximation: Approximation, StatedAs: StatedAs);
    }
}

/// <summary>The outcome of reading an expression: a reading, or why there is none (with what could be read of it).</summary>
public sealed record FigureResult(FigureReading? Reading, string? Error)
{
    [MemberNotNullWhen(true, nameof(Reading))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Reading is not null;
}

/// <summary>One row of the table: what an expression reads as. Phrases are listed per language.</summary>
/// <param name="Kind">hedge (before a figure), suffix (after it), vague (no figure), part (of a whole), range, exact.</param>
/// <param name="Bounds">The bounds in words, X standing for the figure stated.</param>
public sealed record FigureRow(string Key, string Kind, string Bounds, Approximation Approximation, string[] English, string[] German, string[] French);

/// <summary>
/// Reads a figure as a report writes it ("about 2,500", "more than 40", "hundreds", "most of the 2,500", "rund 2.400",
/// "plus de 2 500") and derives its bounds from a documented, versioned table (docs/figures.md). An expression that
/// cannot be read fails with what could be read of it; nothing is guessed.
/// </summary>
public static class FigureExpression
{
    public const int Version = 1;

    /// <summary>The share either side an approximate figure allows, as the claim model's default.</summary>
    public const decimal DefaultTolerance = 0.1m;

    private enum H { About, Nearly, JustOver, MoreThan, AtLeast, FewerThan, AtMost }

    private sealed record Vague(string Key, decimal Low, decimal High);

    private sealed record Part(string Key, int Numerator, int Denominator);

    public static IReadOnlyList<FigureRow> Table { get; } =
    [
        new("exact", "exact", "X", Approximation.Exact, ["2,500", "seven", "twenty-five", "a hundred", "a dozen", "1.5 million"], ["2.500", "sieben", "zwei Dutzend", "1,5 Millionen"], ["2 500", "sept", "vingt et un", "1,5 million"]),
        new("about", "hedge", "X - 10% to X + 10% (approximate, tolerance 0.1)", Approximation.Approximate,
            ["about", "around", "approximately", "roughly", "some", "an estimated", "estimated", "close to", "circa", "in the region of", "X or so"],
            ["rund", "etwa", "ungefähr", "circa", "ca.", "zirka", "schätzungsweise", "um die"],
            ["environ", "quelque", "approximativement", "autour de", "à peu près", "aux alentours de"]),
        new("nearly", "hedge", "X - 10% to X - 1 (below X, close to it)", Approximation.Range,
            ["nearly", "almost", "just under", "not quite", "just shy of", "just below"],
            ["fast", "beinahe", "knapp", "nahezu", "annähernd"],
            ["près de", "presque", "pas loin de", "un peu moins de", "quasiment"]),
        new("just_over", "hedge", "X + 1 to X + 10% (above X, close to it)", Approximation.Range,
            ["just over", "just above", "slightly more than", "slightly over", "a little over", "a little more than"],
            ["gut", "knapp über", "etwas mehr als", "etwas über"],
            ["un peu plus de", "légèrement plus de"]),
        new("more_than", "hedge", "X + 1 and more (counts); above X", Approximation.AtLeast,
            ["more than", "over", "upwards of", "in excess of", "above", "greater than", "X-plus", "X+"],
            ["mehr als", "über"],
            ["plus de", "au-delà de"]),
        new("at_least", "hedge", "X and more", Approximation.AtLeast,
            ["at least", "no fewer than", "no less than", "not less than", "a minimum of", "X or more"],
            ["mindestens", "wenigstens", "zumindest", "X oder mehr"],
            ["au moins", "au minimum", "pas moins de", "X ou plus"]),
        new("fewer_than", "hedge", "up to X - 1 (counts); below X", Approximation.AtMost,
            ["fewer than", "less than", "under", "below"],
            ["weniger als", "unter"],
            ["moins de"]),
        new("at_most", "hedge", "up to X", Approximation.AtMost,
            ["at most", "no more than", "not more than", "up to", "a maximum of", "as many as", "X or fewer", "X or less"],
            ["höchstens", "bis zu", "maximal", "nicht mehr als"],
            ["au plus", "jusqu'à", "au maximum", "tout au plus", "pas plus de"]),
        new("range", "range", "X to Y", Approximation.Range, ["X to Y", "X-Y", "X–Y", "X or Y"], ["X bis Y", "X-Y", "X oder Y"], ["X à Y", "X-Y", "X ou Y"]),
        new("between", "range", "X to Y", Approximation.Range, ["between X and Y", "from X to Y"], ["zwischen X und Y", "von X bis Y"], ["entre X et Y", "de X à Y"]),
        new("a_couple", "vague", "2 to 3", Approximation.Range, ["a couple", "a couple of"], [], []),
        new("a_few", "vague", "2 to 5", Approximation.Range, ["a few"], ["ein paar", "einige"], ["quelques"]),
        new("a_handful", "vague", "2 to 5", Approximation.Range, ["a handful", "a handful of"], ["eine Handvoll"], ["une poignée"]),
        new("several", "vague", "3 to 9", Approximation.Range, ["several"], ["mehrere"], ["plusieurs"]),
        new("tens", "vague", "20 to 99", Approximation.Range, ["tens"], [], ["des dizaines"]),
        new("dozens", "vague", "24 to 99", Approximation.Range, ["dozens"], ["Dutzende"], []),
        new("scores", "vague", "40 to 199", Approximation.Range, ["scores"], [], []),
        new("hundreds", "vague", "200 to 999", Approximation.Range, ["hundreds"], ["Hunderte"], ["des centaines"]),
        new("thousands", "vague", "2,000 to 9,999", Approximation.Range, ["thousands"], ["Tausende"], ["des milliers"]),
        new("tens_of_thousands", "vague", "20,000 to 99,999", Approximation.Range, ["tens of thousands"], ["Zehntausende"], ["des dizaines de milliers"]),
        new("hundreds_of_thousands", "vague", "200,000 to 999,999", Approximation.Range, ["hundreds of thousands"], ["Hunderttausende"], ["des centaines de milliers"]),
        new("millions", "vague", "2,000,000 to 999,999,999", Approximation.Range, ["millions"], ["Millionen"], ["des millions"]),
        new("vague_times_scale", "vague", "the small word's bounds times the scale: 'several hundred' 300 to 900, 'a few thousand' 2,000 to 5,000",
            Approximation.Range, ["a few hundred", "several hundred", "a few thousand", "several thousand", "a few dozen", "several dozen"],
            ["einige hundert", "mehrere hundert", "ein paar hundert", "einige tausend", "mehrere tausend", "einige Dutzend"],
            ["quelques centaines", "plusieurs centaines", "quelques milliers", "plusieurs milliers", "quelques dizaines", "plusieurs dizaines"]),
        new("approximate_noun", "vague", "the noun's figure ± 10% (approximate): 'une vingtaine' 18 to 22", Approximation.Approximate,
            [], [], ["une dizaine", "une douzaine", "une quinzaine", "une vingtaine", "une trentaine", "une quarantaine", "une cinquantaine", "une soixantaine", "une centaine", "un millier"]),
        new("most_of", "part", "more than half of X, up to X", Approximation.Range, ["most of (the) X"], ["die meisten (der) X"], ["la plupart des X"]),
        new("half_of", "part", "X / 2 ± 10%", Approximation.Range, ["half (of) (the) X"], ["die Hälfte (der) X"], ["la moitié des X"]),
        new("third_of", "part", "X / 3 ± 10%", Approximation.Range, ["a third of (the) X", "one third of X"], ["ein Drittel (der) X"], ["un tiers des X"]),
        new("quarter_of", "part", "X / 4 ± 10%", Approximation.Range, ["a quarter of (the) X", "one quarter of X"], ["ein Viertel (der) X"], ["un quart des X"]),
        new("two_thirds_of", "part", "2X / 3 ± 10%", Approximation.Range, ["two-thirds of (the) X"], ["zwei Drittel (der) X"], ["deux tiers des X"]),
        new("three_quarters_of", "part", "3X / 4 ± 10%", Approximation.Range, ["three-quarters of (the) X"], ["drei Viertel (der) X"], ["trois quarts des X"]),
        new("vague_of", "part", "the vague word's bounds, capped at X: 'hundreds of the 2,500' 200 to 999", Approximation.Range,
            ["hundreds of the X", "dozens of the X"], ["Hunderte der X"], ["des centaines des X"]),
    ];

    private static readonly Dictionary<Lang, Phrases<H>> Hedges = Build(l => HedgePhrases(l));
    private static readonly Dictionary<Lang, Phrases<Vague>> Vagues = Build(l => VaguePhrases(l));
    private static readonly Dictionary<Lang, Phrases<Part>> Parts = Build(l => PartPhrases(l));
    private static readonly Dictionary<Lang, Phrases<H>> Suffixes = Build(l => SuffixPhrases(l));
    private static readonly Dictionary<Lang, Phrases<decimal>> ApproxNouns = Build(l => l == Lang.Fr
        ? new (string, decimal)[] { ("une dizaine", 10), ("une douzaine", 12), ("une quinzaine", 15), ("une vingtaine", 20), ("une trentaine", 30),
            ("une quarantaine", 40), ("une cinquantaine", 50), ("une soixantaine", 60), ("une centaine", 100), ("un millier", 1000) }
        : []);

    private static Dictionary<Lang, Phrases<T>> Build<T>(Func<Lang, IEnumerable<(string, T)>> entries) =>
        Enum.GetValues<Lang>().ToDictionary(l => l, l => new Phrases<T>(entries(l), l));

    private static IEnumerable<(string, H)> HedgePhrases(Lang l) => l switch
    {
        Lang.De => [("rund", H.About), ("etwa", H.About), ("ungefähr", H.About), ("circa", H.About), ("ca.", H.About), ("zirka", H.About),
            ("schätzungsweise", H.About), ("um die", H.About), ("fast", H.Nearly), ("beinahe", H.Nearly), ("knapp", H.Nearly), ("nahezu", H.Nearly),
            ("annähernd", H.Nearly), ("gut", H.JustOver), ("knapp über", H.JustOver), ("etwas mehr als", H.JustOver), ("etwas über", H.JustOver),
            ("mehr als", H.MoreThan), ("über", H.MoreThan), ("mindestens", H.AtLeast), ("wenigstens", H.AtLeast), ("zumindest", H.AtLeast),
            ("weniger als", H.FewerThan), ("unter", H.FewerThan), ("höchstens", H.AtMost), ("bis zu", H.AtMost), ("maximal", H.AtMost),
            ("nicht mehr als", H.AtMost)],
        Lang.Fr => [("environ", H.About), ("quelque", H.About), ("approximativement", H.About), ("autour de", H.About), ("à peu près", H.About),
            ("aux alentours de", H.About), ("près de", H.Nearly), ("presque", H.Nearly), ("pas loin de", H.Nearly), ("un peu moins de", H.Nearly),
            ("quasiment", H.Nearly), ("un peu plus de", H.JustOver), ("légèrement plus de", H.JustOver), ("plus de", H.MoreThan),
            ("au-delà de", H.MoreThan), ("au moins", H.AtLeast), ("au minimum", H.AtLeast), ("pas moins de", H.AtLeast), ("moins de", H.FewerThan),
            ("au plus", H.AtMost), ("jusqu'à", H.AtMost), ("au maximum", H.AtMost), ("tout au plus", H.AtMost), ("pas plus de", H.AtMost)],
        _ => [("about", H.About), ("around", H.About), ("approximately", H.About), ("roughly", H.About), ("some", H.About),
            ("an estimated", H.About), ("estimated", H.About), ("close to", H.About), ("circa", H.About), ("in the region of", H.About),
            ("nearly", H.Nearly), ("almost", H.Nearly), ("just under", H.Nearly), ("not quite", H.Nearly), ("just shy of", H.Nearly),
            ("just below", H.Nearly), ("just over", H.JustOver), ("just above", H.JustOver), ("slightly more than", H.JustOver),
            ("slightly over", H.JustOver), ("a little over", H.JustOver), ("a little more than", H.JustOver), ("more than", H.MoreThan),
            ("over", H.MoreThan), ("upwards of", H.MoreThan), ("in excess of", H.MoreThan), ("above", H.MoreThan), ("greater than", H.MoreThan),
            ("at least", H.AtLeast), ("no fewer than", H.AtLeast), ("no less than", H.AtLeast), ("not less than", H.AtLeast),
            ("a minimum of", H.AtLeast), ("fewer than", H.FewerThan), ("less than", H.FewerThan), ("under", H.FewerThan), ("below", H.FewerThan),
            ("at most", H.AtMost), ("no more than", H.AtMost), ("not more than", H.AtMost), ("up to", H.AtMost), ("a maximum of", H.AtMost),
            ("as many as", H.AtMost)],
    };

    private static IEnumerable<(string, H)> SuffixPhrases(Lang l) => l switch
    {
        Lang.De => [("oder mehr", H.AtLeast), ("oder weniger", H.AtMost)],
        Lang.Fr => [("ou plus", H.AtLeast), ("ou moins", H.AtMost)],
        _ => [("or more", H.AtLeast), ("or so", H.About), ("or fewer", H.AtMost), ("or less", H.AtMost), ("-plus", H.MoreThan), ("+", H.MoreThan)],
    };

    private static IEnumerable<(string, Vague)> VaguePhrases(Lang l)
    {
        var couple = new Vague("a_couple", 2, 3);
        var few = new Vague("a_few", 2, 5);
        var handful = new Vague("a_handful", 2, 5);
        var several = new Vague("several", 3, 9);
        var tens = new Vague("tens", 20, 99);
        var dozens = new Vague("dozens", 24, 99);
        var hundreds = new Vague("hundreds", 200, 999);
        var thousands = new Vague("thousands", 2_000, 9_999);
        var tensK = new Vague("tens_of_thousands", 20_000, 99_999);
        var hundredsK = new Vague("hundreds_of_thousands", 200_000, 999_999);
        var millions = new Vague("millions", 2_000_000, 999_999_999);
        static Vague Times(Vague v, decimal scale) => new("vague_times_scale", v.Low * scale, v.High * scale);
        return l switch
        {
            Lang.De =>
            [
                ("ein paar", few), ("einige", few), ("eine handvoll", handful), ("mehrere", several), ("dutzende", dozens), ("hunderte", hundreds),
                ("tausende", thousands), ("zehntausende", tensK), ("hunderttausende", hundredsK), ("millionen", millions),
                ("einige hundert", Times(few, 100)), ("mehrere hundert", Times(several, 100)), ("ein paar hundert", Times(few, 100)),
                ("einige tausend", Times(few, 1000)), ("mehrere tausend", Times(several, 1000)), ("ein paar tausend", Times(few, 1000)),
                ("einige dutzend", Times(few, 12)), ("mehrere dutzend", Times(several, 12)),
            ],
            Lang.Fr =>
            [
                ("quelques", few), ("une poignée", handful), ("plusieurs", several), ("des dizaines", tens), ("des centaines", hundreds),
                ("des milliers", thousands), ("des dizaines de milliers", tensK), ("des centaines de milliers", hundredsK), ("des millions", millions),
                ("quelques centaines", Times(few, 100)), ("plusieurs centaines", Times(several, 100)), ("quelques milliers", Times(few, 1000)),
                ("plusieurs milliers", Times(several, 1000)), ("quelques dizaines", Times(few, 10)), ("plusieurs dizaines", Times(several, 10)),
            ],
            _ =>
            [
                ("a couple", couple), ("a few", few), ("a handful", handful), ("several", several), ("tens", tens), ("dozens", dozens),
                ("scores", new Vague("scores", 40, 199)), ("hundreds", hundreds), ("thousands", thousands), ("tens of thousands", tensK),
                ("hundreds of thousands", hundredsK), ("millions", millions),
                ("a few hundred", Times(few, 100)), ("several hundred", Times(several, 100)), ("a few thousand", Times(few, 1000)),
                ("several thousand", Times(several, 1000)), ("a few dozen", Times(few, 12)), ("several dozen", Times(several, 12)),
            ],
        };
    }

    private static IEnumerable<(string, Part)> PartPhrases(Lang l)
    {
        var most = new Part("most_of", 0, 1);
        var half = new Part("half_of", 1, 2);
        var third = new Part("third_of", 1, 3);
        var quarter = new Part("quarter_of", 1, 4);
        var twoThirds = new Part("two_thirds_of", 2, 3);
        var threeQuarters = new Part("three_quarters_of", 3, 4);
        return l switch
        {
            Lang.De => [("die meisten der", most), ("die meisten", most), ("die hälfte der", half), ("die hälfte", half), ("ein drittel der", third),
                ("ein drittel", third), ("ein viertel der", quarter), ("ein viertel", quarter), ("zwei drittel der", twoThirds), ("zwei drittel", twoThirds),
                ("drei viertel der", threeQuarters), ("drei viertel", threeQuarters)],
            Lang.Fr => [("la plupart des", most), ("la moitié des", half), ("la moitié de", half), ("un tiers des", third), ("un tiers de", third),
                ("un quart des", quarter), ("un quart de", quarter), ("deux tiers des", twoThirds), ("deux tiers de", twoThirds),
                ("trois quarts des", threeQuarters), ("trois quarts de", threeQuarters)],
            _ => [("most of the", most), ("most of", most), ("half of the", half), ("half the", half), ("half of", half), ("a third of the", third),
                ("a third of", third), ("one third of the", third), ("one third of", third), ("one-third of", third), ("a quarter of the", quarter),
                ("a quarter of", quarter), ("one quarter of", quarter), ("two-thirds of the", twoThirds), ("two-thirds of", twoThirds),
                ("two thirds of the", twoThirds), ("two thirds of", twoThirds), ("three-quarters of the", threeQuarters),
                ("three-quarters of", threeQuarters), ("three quarters of the", threeQuarters), ("three quarters of", threeQuarters)],
        };
    }

    /// <summary>Reads the whole text as one figure. Words after the figure ("troops") are kept as what it counts.</summary>
    /// <param name="counts">The figure counts things (troops, people, attacks): bounds are whole numbers, "more than 40" is at least 41.</param>
    public static FigureResult Read(string text, string language = "en", bool counts = true)
    {
        if (!Langs.TryParse(language, out var lang)) return new(null, $"the language \"{language}\" is not one the table covers (en, de, fr).");
        text = CodePoints.Nfc(text ?? "").Trim();
        if (text.Length == 0) return new(null, "there is no figure: the expression is empty.");
        var tokens = Lexer.Tokenize(text, lang.Code());
        if (!TryParseAt(tokens, text, 0, lang, counts, out var m, out var error)) return new(null, error ?? $"\"{text}\" is not a figure the table reads.");
        var rest = m.End;
        var counted = new List<string>();
        while (rest < tokens.Length && tokens[rest].IsWord) counted.Add(text[tokens[rest].Start..tokens[rest++].End]);
        if (rest < tokens.Length)
        {
            return new(null, $"read \"{tokens.Slice(text, 0, m.End)}\" as a figure, but \"{text[tokens[rest].Start..]}\" after it is not part of one.");
        }
        return new(m.Reading with { StatedAs = text, Counted = counted.Count == 0 ? null : string.Join(' ', counted) }, null);
    }

    public static bool TryRead(string text, string language, [NotNullWhen(true)] out FigureReading? reading)
    {
        var r = Read(text, language);
        reading = r.Reading;
        return r.Ok;
    }

    /// <summary>Whether a figure can begin at the token: a cheap test that spares the parser most words of a text.</summary>
    internal static bool MayStartAt(Token[] t, int i, Lang lang)
    {
        var tk = t[i];
        if (tk.IsNumber) return true;
        if (!tk.IsWord) return false;
        return Hedges[lang].StartsAt(t, i) || Parts[lang].StartsAt(t, i) || Vagues[lang].StartsAt(t, i) || ApproxNouns[lang].StartsAt(t, i)
            || NumberReader.TryRead(t, i, lang, out _) || tk.Norm is "between" or "from" or "zwischen" or "von" or "entre" or "de";
    }

    /// <summary>A figure found in a token stream.</summary>
    /// <param name="Start">First token of the expression.</param>
    /// <param name="End">The token after it.</param>
    /// <param name="NumberStart">First token of the figure itself (the whole, for a part).</param>
    internal readonly record struct Match(int Start, int End, int NumberStart, int NumberEnd, FigureReading Reading);

    /// <summary>Reads the longest figure expression starting at token i; error says why an expression that began there failed.</summary>
    internal static bool TryParseAt(Token[] t, string text, int i, Lang lang, bool counts, out Match m, out string? error)
    {
        m = default;
        error = null;
        if (i >= t.Length) return false;
        var start = i;

        // between X and Y; from X to Y
        if (t[i].Norm is "between" or "from" or "zwischen" or "von" or "entre" or "de"
            && NumberReader.TryRead(t, i + 1, lang, out var x) && i + 1 < t.Length && !IsYearLike(t, i + 1, x))
        {
            var joiner = t[i].Norm switch { "between" => "and", "from" => "to", "zwischen" => "und", "von" => "bis", "entre" => "et", _ => "à" };
            if (t.Is(x.End, joiner) && NumberReader.TryRead(t, x.End + 1, lang, out var y) && y.Value >= x.Value)
            {
                m = Make(t, text, start, y.End, i + 1, y.End, null, x.Value, y.Value, Approximation.Range, null, "between", null, counts);
                return true;
            }
            if (t[i].Norm is "between" or "zwischen" or "entre")
            {
                error = $"read \"{t.Slice(text, start, x.End)}\" but no \"{joiner}\" and second figure after it.";
                return false;
            }
        }

        H? hedge = null;
        var hedgeEnd = i;
        if (Hedges[lang].Match(t, i, out var h, out var he))
        {
            hedge = h;
            hedgeEnd = he;
            i = he;
        }

        if (Parts[lang].Match(t, i, out var part, out var pe))
        {
            // "most of the 2,500", "half the 2,500"; not "half of them".
            var wholeAt = t.Is(pe, "the") || t.Is(pe, "der") || t.Is(pe, "des") ? pe + 1 : pe;
            if (NumberReader.TryRead(t, wholeAt, lang, out var whole) && !IsYearLike(t, wholeAt, whole))
            {
                m = PartOf(t, text, start, whole.End, wholeAt, part, hedge, whole.Value, counts);
                return true;
            }
            if (hedge is not null || start == i && IsWholeExpression(t, start))
            {
                error = $"read \"{t.Slice(text, start, pe)}\" but no whole figure after it.";
            }
            return false;
        }

        if (ApproxNouns[lang].Match(t, i, out var nounValue, out var ne))
        {
            var tolerance = DefaultTolerance;
            m = Make(t, text, start, ne, i, ne, nounValue, Round(nounValue * (1 - tolerance), counts, up: true), Round(nounValue * (1 + tolerance), counts, up: false),
                Approximation.Approximate, tolerance, "approximate_noun", null, counts);
            return true;
        }

        if (Vagues[lang].Match(t, i, out var vague, out var ve) && !(NumberReader.TryRead(t, i, lang, out var asNumber) && asNumber.End > ve))
        {
            // "hundreds of the 2,500": a vague part of a whole.
            var ofAt = t.IsAny(ve, "of", "der", "des") ? ve + 1 : -1;
            if (ofAt > 0 && t.IsAny(ofAt, "the") ) ofAt++;
            if (ofAt > 0 && NumberReader.TryRead(t, ofAt, lang, out var whole) && !IsYearLike(t, ofAt, whole) && whole.Value >= vague.Low)
            {
                m = Make(t, text, start, whole.End, ofAt, whole.End, null, vague.Low, Math.Min(vague.High, whole.Value), Approximation.Range, null,
                    "vague_of", whole.Value, counts, $"{vague.Key} capped at the whole");
                return true;
            }
            switch (hedge)
            {
                case null:
                case H.About:
                    m = Make(t, text, start, ve, i, ve, null, vague.Low, vague.High, Approximation.Range, null, vague.Key, null, counts,
                        hedge is null ? null : "the hedge adds nothing to a vague word");
                    return true;
                case H.AtLeast:
                    m = Make(t, text, start, ve, i, ve, null, vague.Low, null, Approximation.AtLeast, null, "at_least", null, counts, $"at least the least of '{vague.Key}'");
                    return true;
                default:
                    error = $"read \"{t.Slice(text, start, ve)}\": a hedge of this kind before a vague word is not in table v{Version}.";
                    return false;
            }
        }

        if (!NumberReader.TryRead(t, i, lang, out var n))
        {
            if (hedge is not null && (start == 0 || IsWholeExpression(t, start)))
            {
                error = $"read \"{t.Slice(text, start, hedgeEnd)}\" but no figure after it.";
            }
            return false;
        }
        if (n.Words && NumberReader.IsArticle(t[i].Norm) && n.End == i + 1) return false;

        // X to Y, X-Y, X or Y
        if (hedge is null && RangeJoiner(t, n.End, lang) && NumberReader.TryRead(t, n.End + 1, lang, out var y2))
        {
            var lowValue = n.Value;
            // "1.5 to 2 million": the scale after the second figure applies to both.
            if (!n.Words && n.End == i + 1 && y2.End == n.End + 3 && NumberReader.TryDigits(t[n.End + 1].Norm, lang, out var raw) && raw > 0)
            {
                lowValue *= y2.Value / raw;
            }
            if (y2.Value > lowValue)
            {
                m = Make(t, text, start, y2.End, i, y2.End, null, lowValue, y2.Value, Approximation.Range, null, "range", null, counts);
                return true;
            }
        }

        var end = n.End;
        H? suffix = null;
        if (hedge is null && Suffixes[lang].Match(t, end, out var sh, out var se) && (t[end].Norm is not "+" and not "-" || !t[end].SpaceBefore))
        {
            suffix = sh;
            end = se;
        }
        var effective = hedge ?? suffix;
        m = Hedged(t, text, start, end, i, n.End, effective, n.Value, counts, suffix is not null);
        return true;
    }

    private static bool RangeJoiner(Token[] t, int i, Lang lang) => i + 1 < t.Length && lang switch
    {
        Lang.De => t[i].Norm is "bis" or "-" or "–" or "oder",
        Lang.Fr => t[i].Norm is "à" or "-" or "–" or "ou",
        _ => t[i].Norm is "to" or "-" or "–" or "or",
    };

    // A four-digit figure from 1000 to 2199 with no separator may be a year ("from 2014 to 2017"); the date reader takes it.
    private static bool IsYearLike(Token[] t, int i, NumberMatch n) =>
        !n.Words && t[i].Norm.Length == 4 && n.End == i + 1 && n.Value is >= 1000 and <= 2199;

    // In a token stream (the recognizer) a failed hedge is not an error unless it stands alone; TryRead reports it.
    private static bool IsWholeExpression(Token[] t, int start) => start == 0;

    private static Match Hedged(Token[] t, string text, int start, int end, int numberStart, int numberEnd, H? hedge, decimal x, bool counts, bool suffix)
    {
        var whole = counts && x == decimal.Truncate(x);
        var step = whole ? 1m : 0m;
        var tol = DefaultTolerance;
        return hedge switch
        {
            null => Make(t, text, start, end, numberStart, numberEnd, x, x, x, Approximation.Exact, null, "exact", null, counts),
            H.About => Make(t, text, start, end, numberStart, numberEnd, x, Round(x * (1 - tol), counts, true), Round(x * (1 + tol), counts, false),
                Approximation.Approximate, tol, "about", null, counts),
            H.Nearly => Make(t, text, start, end, numberStart, numberEnd, x, Math.Min(Round(x * (1 - tol), counts, true), Math.Max(0, x - step)), Math.Max(0, x - step),
                Approximation.Range, null, "nearly", null, counts),
            H.JustOver => Make(t, text, start, end, numberStart, numberEnd, x, x + step, Math.Max(x + step, Round(x * (1 + tol), counts, false)),
                Approximation.Range, null, "just_over", null, counts),
            H.MoreThan => Make(t, text, start, end, numberStart, numberEnd, x, x + step, null, Approximation.AtLeast, null, "more_than", null, counts,
                whole ? null : "not a whole count, so the bound is the figure itself (exclusive in words, inclusive in the bound)"),
            H.AtLeast => Make(t, text, start, end, numberStart, numberEnd, x, x, null, Approximation.AtLeast, null, "at_least", null, counts),
            H.FewerThan => Make(t, text, start, end, numberStart, numberEnd, x, null, Math.Max(0, x - step), Approximation.AtMost, null, "fewer_than", null, counts,
                whole ? null : "not a whole count, so the bound is the figure itself"),
            _ => Make(t, text, start, end, numberStart, numberEnd, x, null, x, Approximation.AtMost, null, "at_most", null, counts),
        } is var m && suffix ? m with { Reading = m.Reading with { Explanation = m.Reading.Explanation + " (the hedge follows the figure)" } } : m;
    }

    private static Match PartOf(Token[] t, string text, int start, int end, int wholeStart, Part part, H? hedge, decimal whole, bool counts)
    {
        var tol = DefaultTolerance;
        decimal low, high;
        var key = part.Key;
        if (part.Numerator == 0)
        {
            // most: more than half, up to all
            low = Math.Floor(whole / 2) + (counts ? 1 : 0);
            high = whole;
        }
        else
        {
            var share = whole * part.Numerator / part.Denominator;
            (low, high) = hedge switch
            {
                H.MoreThan => (Math.Floor(share) + (counts ? 1 : 0), whole),
                H.AtLeast => (Math.Ceiling(share), whole),
                H.FewerThan => (0m, Math.Ceiling(share) - (counts ? 1 : 0)),
                H.AtMost => (0m, Math.Floor(share)),
                H.Nearly => (Round(share * (1 - tol), counts, true), Math.Ceiling(share) - (counts ? 1 : 0)),
                _ => (Round(share * (1 - tol), counts, true), Round(share * (1 + tol), counts, false)),
            };
            if (hedge is not null and not H.About) key = HedgeKey(hedge.Value) + "_" + part.Key;
        }
        return Make(t, text, start, end, wholeStart, end, null, low, high, Approximation.Range, null, key, whole, counts);
    }

    private static string HedgeKey(H h) => h switch
    {
        H.About => "about", H.Nearly => "nearly", H.JustOver => "just_over", H.MoreThan => "more_than", H.AtLeast => "at_least",
        H.FewerThan => "fewer_than", _ => "at_most",
    };

    private static decimal Round(decimal v, bool counts, bool up) => !counts ? v : up ? Math.Ceiling(v) : Math.Floor(v);

    private static Match Make(Token[] t, string text, int start, int end, int numberStart, int numberEnd, decimal? amount, decimal? low, decimal? high,
        Approximation approximation, decimal? tolerance, string key, decimal? whole, bool counts, string? note = null)
    {
        var stated = t.Slice(text, start, end);
        var reading = new FigureReading(stated, amount, low, high, approximation, tolerance, key, Version, whole, null,
            Explain(stated, low, high, approximation, tolerance, amount, key, counts, note));
        return new Match(start, end, numberStart, numberEnd, reading);
    }

    internal static string N(decimal? d) => d?.ToString("#,0.###", CultureInfo.InvariantCulture) ?? "?";

    private static string Explain(string stated, decimal? low, decimal? high, Approximation a, decimal? tolerance, decimal? amount, string key, bool counts, string? note)
    {
        var reads = a switch
        {
            Approximation.Exact => $"exactly {N(amount)}",
            Approximation.Approximate => $"{N(low)} to {N(high)} ({N(amount)} ± {tolerance * 100:0.#}%)",
            Approximation.AtLeast => $"at least {N(low)}",
            Approximation.AtMost => $"at most {N(high)}",
            _ => $"{N(low)} to {N(high)}",
        };
        var whole = counts && (low is null || low == decimal.Truncate(low.Value)) && key is "more_than" or "fewer_than" or "nearly" or "just_over" or "most_of" ? "; counts are whole numbers" : "";
        return $"'{stated}' reads as {reads}: table v{Version}, row {key}{whole}" + (note is null ? "." : $" ({note}).");
    }
}
