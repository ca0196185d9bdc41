using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ClaimTracker.Api.Claims;

namespace ClaimTracker.Api.Text;

/// <summary>
/// Reads a date as a report writes it ("on August 29", "by September 2026", "late 2026", "22-23 July 2024",
/// "earlier this month", "Ende September", "d'ici fin 2026") into a period [start, end) with its precision, the part
/// of a period it names, its modifier, and how a relative date or a missing year was placed against the report's
/// own date. Every form, with an example, is in docs/dates.md.
/// </summary>
public static class DateExpression
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Reads the whole text as one date.</summary>
    /// <param name="report">The source's publication date, against which relative dates and dates without a year are placed.</param>
    /// <param name="tense">Whether the sentence speaks of the future: "on Monday" is then the next Monday, "in January" the next January.</param>
    public static DateResult Read(string text, string language = "en", PartialDate? report = null, DateTense tense = DateTense.Unknown)
    {
        if (!Langs.TryParse(language, out var lang)) return new(null, $"the language \"{language}\" is not one the date reader knows (en, de, fr).");
        text = CodePoints.Nfc(text ?? "").Trim();
        if (text.Length == 0) return new(null, "there is no date: the expression is empty.");
        var tokens = Lexer.Tokenize(text, lang.Code());
        var end = tokens.Length;
        while (end > 0 && tokens[end - 1].Norm is "." or "," or ";") end--;
        if (!TryParseAt(tokens, text, 0, lang, report, tense, out var m, out var error))
        {
            return new(null, error ?? $"\"{text}\" is not a date the reader knows (docs/dates.md lists the forms).");
        }
        if (m.End < end)
        {
            return new(null, $"read \"{tokens.Slice(text, 0, m.End)}\" as a date, but \"{text[tokens[m.End].Start..]}\" after it is not part of one.");
        }
        return new(m.Reading, null);
    }

    public static bool TryRead(string text, string language, PartialDate? report, [NotNullWhen(true)] out DateReading? reading)
    {
        var r = Read(text, language, report);
        reading = r.Reading;
        return r.Ok;
    }

    /// <summary>Whether a date can begin at the token: a cheap test that spares the parser most words of a text.</summary>
    internal static bool MayStartAt(Token[] t, int i, Lang lang)
    {
        var tk = t[i];
        if (tk.IsNumber) return true;
        if (!tk.IsWord) return false;
        var w = tk.Norm;
        return Starters[(int)lang].Contains(w) || Months[(int)lang].ContainsKey(w) || Weekdays[(int)lang].ContainsKey(w)
            || Modifiers[lang].StartsAt(t, i) || Approximately[lang].StartsAt(t, i);
    }

    // First words of relative dates, parts of periods, decades and spans.
    private static readonly FrozenSet<string>[] Starters =
    [
        new[] { "today", "yesterday", "tomorrow", "tonight", "last", "next", "this", "earlier", "later", "in", "within", "the", "early", "mid",
            "late", "q", "h", "between", "a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten" }.ToFrozenSet(),
        new[] { "heute", "gestern", "morgen", "vorgestern", "übermorgen", "letzte", "letzten", "letztes", "vergangene", "vergangenen", "vergangenes",
            "nächste", "nächsten", "nächstes", "kommende", "kommenden", "diese", "diesen", "dieses", "früher", "später", "in", "im", "vor", "anfang",
            "mitte", "ende", "anfangs", "die", "den", "der", "das", "dem", "q", "h", "zwischen", "am" }.ToFrozenSet(),
        new[] { "aujourd'hui", "hier", "demain", "ce", "cette", "cet", "la", "le", "l", "plus", "dans", "il", "début", "fin", "mi", "les", "au", "du",
            "à", "t", "entre", "années" }.ToFrozenSet(),
    ];

    /// <param name="CoreStart">First token of the date itself, after its modifier.</param>
    internal readonly record struct Match(int Start, int End, int CoreStart, int CoreEnd, DateReading Reading);

    internal static bool TryParseAt(Token[] t, string text, int i, Lang lang, PartialDate? report, DateTense tense, out Match m, out string? error)
    {
        var p = new Parser(t, text, lang, report, tense);
        var ok = p.Parse(i, out m);
        error = p.Error;
        return ok;
    }

    // ---- the lexicon --------------------------------------------------------------------------------------------

    private sealed record Month(int Number, bool Capital);

    private static readonly FrozenDictionary<string, Month>[] Months =
    [
        // English month names are capitalised; lower-case "may" and "march" are verbs.
        new Dictionary<string, Month>
        {
            ["january"] = new(1, true), ["february"] = new(2, true), ["march"] = new(3, true), ["april"] = new(4, true), ["may"] = new(5, true),
            ["june"] = new(6, true), ["july"] = new(7, true), ["august"] = new(8, true), ["september"] = new(9, true), ["october"] = new(10, true),
            ["november"] = new(11, true), ["december"] = new(12, true), ["jan"] = new(1, true), ["feb"] = new(2, true), ["mar"] = new(3, true),
            ["apr"] = new(4, true), ["jun"] = new(6, true), ["jul"] = new(7, true), ["aug"] = new(8, true), ["sep"] = new(9, true),
            ["sept"] = new(9, true), ["oct"] = new(10, true), ["nov"] = new(11, true), ["dec"] = new(12, true),
        }.ToFrozenDictionary(),
        new Dictionary<string, Month>
        {
            ["januar"] = new(1, true), ["jänner"] = new(1, true), ["februar"] = new(2, true), ["märz"] = new(3, true), ["april"] = new(4, true),
            ["mai"] = new(5, true), ["juni"] = new(6, true), ["juli"] = new(7, true), ["august"] = new(8, true), ["september"] = new(9, true),
            ["oktober"] = new(10, true), ["november"] = new(11, true), ["dezember"] = new(12, true), ["jan"] = new(1, true), ["feb"] = new(2, true),
            ["mär"] = new(3, true), ["apr"] = new(4, true), ["jun"] = new(6, true), ["jul"] = new(7, true), ["aug"] = new(8, true),
            ["sep"] = new(9, true), ["sept"] = new(9, true), ["okt"] = new(10, true), ["nov"] = new(11, true), ["dez"] = new(12, true),
        }.ToFrozenDictionary(),
        new Dictionary<string, Month>
        {
            ["janvier"] = new(1, false), ["février"] = new(2, false), ["mars"] = new(3, false), ["avril"] = new(4, false), ["mai"] = new(5, false),
            ["juin"] = new(6, false), ["juillet"] = new(7, false), ["août"] = new(8, false), ["septembre"] = new(9, false), ["octobre"] = new(10, false),
            ["novembre"] = new(11, false), ["décembre"] = new(12, false), ["janv"] = new(1, false), ["févr"] = new(2, false), ["fév"] = new(2, false),
            ["avr"] = new(4, false), ["juil"] = new(7, false), ["sept"] = new(9, false), ["oct"] = new(10, false), ["nov"] = new(11, false),
            ["déc"] = new(12, false),
        }.ToFrozenDictionary(),
    ];

    private static readonly FrozenSet<string> Abbreviated = new[]
    {
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mär", "okt", "dez", "janv", "févr", "fév", "avr", "juil", "déc",
    }.ToFrozenSet();

    private static readonly FrozenDictionary<string, DayOfWeek>[] Weekdays =
    [
        new Dictionary<string, DayOfWeek>
        {
            ["monday"] = DayOfWeek.Monday, ["tuesday"] = DayOfWeek.Tuesday, ["wednesday"] = DayOfWeek.Wednesday, ["thursday"] = DayOfWeek.Thursday,
            ["friday"] = DayOfWeek.Friday, ["saturday"] = DayOfWeek.Saturday, ["sunday"] = DayOfWeek.Sunday,
        }.ToFrozenDictionary(),
        new Dictionary<string, DayOfWeek>
        {
            ["montag"] = DayOfWeek.Monday, ["dienstag"] = DayOfWeek.Tuesday, ["mittwoch"] = DayOfWeek.Wednesday, ["donnerstag"] = DayOfWeek.Thursday,
            ["freitag"] = DayOfWeek.Friday, ["samstag"] = DayOfWeek.Saturday, ["sonnabend"] = DayOfWeek.Saturday, ["sonntag"] = DayOfWeek.Sunday,
        }.ToFrozenDictionary(),
        new Dictionary<string, DayOfWeek>
        {
            ["lundi"] = DayOfWeek.Monday, ["mardi"] = DayOfWeek.Tuesday, ["mercredi"] = DayOfWeek.Wednesday, ["jeudi"] = DayOfWeek.Thursday,
            ["vendredi"] = DayOfWeek.Friday, ["samedi"] = DayOfWeek.Saturday, ["dimanche"] = DayOfWeek.Sunday,
        }.ToFrozenDictionary(),
    ];

    /// <param name="NotUntil">"not until July": the event happens in July, not before.</param>
    private sealed record Mod(TimeModifier Modifier, bool NotUntil = false, bool Future = false, bool SpanStart = false);

    private static readonly Dictionary<Lang, Phrases<Mod>> Modifiers = Enum.GetValues<Lang>().ToDictionary(l => l, l => new Phrases<Mod>(l switch
    {
        Lang.De => [("im", new(TimeModifier.On)), ("am", new(TimeModifier.On)), ("in", new(TimeModifier.On)), ("an", new(TimeModifier.On)),
            ("um", new(TimeModifier.On)), ("zum", new(TimeModifier.By, Future: true)), ("bis", new(TimeModifier.By, Future: true)),
            ("bis zum", new(TimeModifier.By, Future: true)), ("bis spätestens", new(TimeModifier.By, Future: true)),
            ("spätestens", new(TimeModifier.By, Future: true)), ("spätestens bis", new(TimeModifier.By, Future: true)),
            ("vor", new(TimeModifier.Before)), ("vor dem", new(TimeModifier.Before)), ("nach", new(TimeModifier.After)),
            ("nach dem", new(TimeModifier.After)), ("seit", new(TimeModifier.From)), ("seit dem", new(TimeModifier.From)),
            ("ab", new(TimeModifier.From)), ("ab dem", new(TimeModifier.From)), ("von", new(TimeModifier.From, SpanStart: true)),
            ("vom", new(TimeModifier.From, SpanStart: true)), ("erst im", new(TimeModifier.On, NotUntil: true, Future: true)),
            ("erst am", new(TimeModifier.On, NotUntil: true, Future: true)), ("erst", new(TimeModifier.On, NotUntil: true, Future: true))],
        Lang.Fr => [("en", new(TimeModifier.On)), ("le", new(TimeModifier.On)), ("au", new(TimeModifier.On)), ("à", new(TimeModifier.On)),
            ("d'ici", new(TimeModifier.By, Future: true)), ("d'ici à", new(TimeModifier.By, Future: true)), ("d'ici au", new(TimeModifier.By, Future: true)),
            ("d'ici le", new(TimeModifier.By, Future: true)), ("d'ici la", new(TimeModifier.By, Future: true)), ("au plus tard", new(TimeModifier.By, Future: true)),
            ("avant", new(TimeModifier.Before)), ("avant le", new(TimeModifier.Before)), ("après", new(TimeModifier.After)), ("après le", new(TimeModifier.After)),
            ("depuis", new(TimeModifier.From)), ("depuis le", new(TimeModifier.From)), ("à partir de", new(TimeModifier.From)),
            ("à partir du", new(TimeModifier.From)), ("dès", new(TimeModifier.From)), ("du", new(TimeModifier.From, SpanStart: true)),
            ("de", new(TimeModifier.From, SpanStart: true)), ("jusqu'à", new(TimeModifier.Until, Future: true)), ("jusqu'au", new(TimeModifier.Until, Future: true)),
            ("jusqu'en", new(TimeModifier.Until, Future: true)), ("pas avant", new(TimeModifier.From, Future: true))],
        _ => [("in", new(TimeModifier.On)), ("on", new(TimeModifier.On)), ("during", new(TimeModifier.On)), ("at", new(TimeModifier.On)),
            ("by", new(TimeModifier.By, Future: true)), ("no later than", new(TimeModifier.By, Future: true)), ("not later than", new(TimeModifier.By, Future: true)),
            ("by no later than", new(TimeModifier.By, Future: true)), ("before", new(TimeModifier.Before)), ("prior to", new(TimeModifier.Before)),
            ("ahead of", new(TimeModifier.Before)), ("after", new(TimeModifier.After)), ("following", new(TimeModifier.After)),
            ("from", new(TimeModifier.From, SpanStart: true)), ("since", new(TimeModifier.From)), ("starting", new(TimeModifier.From)),
            ("starting in", new(TimeModifier.From)), ("starting on", new(TimeModifier.From)), ("beginning in", new(TimeModifier.From)),
            ("as of", new(TimeModifier.From)), ("as from", new(TimeModifier.From)), ("until", new(TimeModifier.Until, Future: true)),
            ("till", new(TimeModifier.Until, Future: true)), ("through", new(TimeModifier.Until)), ("up until", new(TimeModifier.Until)),
            ("not until", new(TimeModifier.On, NotUntil: true, Future: true)), ("not before", new(TimeModifier.From, Future: true)),
            ("until at least", new(TimeModifier.Until, Future: true))],
    }, l));

    private static readonly Dictionary<Lang, Phrases<bool>> Approximately = Enum.GetValues<Lang>().ToDictionary(l => l, l => new Phrases<bool>(l switch
    {
        Lang.De => [("etwa", true), ("gegen", true), ("ungefähr", true), ("circa", true), ("ca.", true)],
        Lang.Fr => [("vers", true), ("aux alentours de", true), ("autour de", true), ("environ", true)],
        _ => [("around", true), ("about", true), ("approximately", true), ("roughly", true), ("circa", true), ("some time around", true)],
    }, l));

    private static readonly FrozenDictionary<string, int> Ordinals = new Dictionary<string, int>
    {
        ["first"] = 1, ["second"] = 2, ["third"] = 3, ["fourth"] = 4, ["erste"] = 1, ["ersten"] = 1, ["erstes"] = 1, ["zweite"] = 2,
        ["zweiten"] = 2, ["dritte"] = 3, ["dritten"] = 3, ["vierte"] = 4, ["vierten"] = 4, ["premier"] = 1, ["première"] = 1,
        ["deuxième"] = 2, ["second"] = 2, ["seconde"] = 2, ["troisième"] = 3, ["quatrième"] = 4, ["letzte"] = 4, ["letzten"] = 4,
    }.ToFrozenDictionary();

    // ---- periods ------------------------------------------------------------------------------------------------

    /// <summary>A period found, before its modifier is applied.</summary>
    private readonly record struct Core(DateOnly Start, DateOnly End, PeriodPrecision Precision, string? Part, string Display, string? Resolution, bool SpanWithJoiner = false);

    private static string Day(DateOnly d) => d.ToString("d MMMM yyyy", Inv);

    private static string MonthName(int month) => CultureInfo.InvariantCulture.DateTimeFormat.GetMonthName(month);

    private static string DescribeSpan(DateOnly start, DateOnly endExclusive)
    {
        var last = endExclusive.AddDays(-1);
        if (start == last) return Day(start);
        if (start.Year == last.Year && start.Month == last.Month) return $"{start.Day}-{last.Day} {MonthName(start.Month)} {start.Year}";
        if (start.Year == last.Year) return $"{start.Day} {MonthName(start.Month)} - {last.Day} {MonthName(last.Month)} {start.Year}";
        return $"{Day(start)} - {Day(last)}";
    }

    private static PartialDate? Exactly(DateOnly start, DateOnly end)
    {
        if (end == start.AddDays(1)) return new PartialDate(start, DatePrecision.Day);
        if (start.Day == 1 && end == start.AddMonths(1)) return new PartialDate(start, DatePrecision.Month);
        if (start.Day == 1 && start.Month == 1 && end == start.AddYears(1)) return new PartialDate(start, DatePrecision.Year);
        return null;
    }

    private static PartialDate Enclose(DateOnly start, DateOnly end)
    {
        var last = end.AddDays(-1);
        if (start == last) return new PartialDate(start, DatePrecision.Day);
        if (start.Year == last.Year && start.Month == last.Month) return new PartialDate(new DateOnly(start.Year, start.Month, 1), DatePrecision.Month);
        // Beyond a year there is no partial date wide enough: the start's year stands, and the period says the rest.
        return new PartialDate(new DateOnly(start.Year, 1, 1), DatePrecision.Year);
    }

    // ---- time zones ---------------------------------------------------------------------------------------------

    private sealed record Zone(string Name, TimeSpan? Offset, string Rule = "");

    private static readonly Dictionary<Lang, Phrases<Zone>> Zones = Enum.GetValues<Lang>().ToDictionary(l => l, l => new Phrases<Zone>(
    [
        ("gmt", new("GMT", TimeSpan.Zero)), ("utc", new("UTC", TimeSpan.Zero)), ("local time", new("local time", null)),
        ("baghdad time", new("Baghdad time", TimeSpan.FromHours(3))), ("iraq time", new("Iraq time", TimeSpan.FromHours(3))),
        ("iraqi time", new("Iraqi time", TimeSpan.FromHours(3))), ("est", new("EST", TimeSpan.FromHours(-5))), ("edt", new("EDT", TimeSpan.FromHours(-4))),
        ("et", new("ET", null, "us")), ("washington time", new("Washington time", null, "us")), ("cet", new("CET", TimeSpan.FromHours(1))),
        ("cest", new("CEST", TimeSpan.FromHours(2))), ("mez", new("MEZ", TimeSpan.FromHours(1))), ("mesz", new("MESZ", TimeSpan.FromHours(2))),
        ("ortszeit", new("Ortszeit", null)), ("heure locale", new("heure locale", null)), ("heure de paris", new("heure de Paris", null, "eu")),
        ("paris time", new("Paris time", null, "eu")), ("berlin time", new("Berlin time", null, "eu")), ("deutscher zeit", new("deutscher Zeit", null, "eu")),
        ("mez", new("MEZ", TimeSpan.FromHours(1))),
    ], l));

    // US Eastern: daylight time from the second Sunday of March to the first Sunday of November; central Europe: from the
    // last Sunday of March to the last Sunday of October.
    private static TimeSpan ZoneOffset(Zone zone, DateOnly day)
    {
        if (zone.Rule == "us")
        {
            var start = NthSunday(day.Year, 3, 2);
            var end = NthSunday(day.Year, 11, 1);
            return day >= start && day < end ? TimeSpan.FromHours(-4) : TimeSpan.FromHours(-5);
        }
        var eStart = LastSunday(day.Year, 3);
        var eEnd = LastSunday(day.Year, 10);
        return day >= eStart && day < eEnd ? TimeSpan.FromHours(2) : TimeSpan.FromHours(1);
    }

    private static DateOnly NthSunday(int year, int month, int n)
    {
        var d = new DateOnly(year, month, 1);
        while (d.DayOfWeek != DayOfWeek.Sunday) d = d.AddDays(1);
        return d.AddDays(7 * (n - 1));
    }

    private static DateOnly LastSunday(int year, int month)
    {
        var d = new DateOnly(year, month, 1).AddMonths(1).AddDays(-1);
        while (d.DayOfWeek != DayOfWeek.Sunday) d = d.AddDays(-1);
        return d;
    }

    // ---- the parser ---------------------------------------------------------------------------------------------

    private sealed class Parser(Token[] t, string text, Lang lang, PartialDate? report, DateTense tense)
    {
        public string? Error { get; private set; }

        private int L => (int)lang;

        private void Fail(string message) => Error ??= message;

        public bool Parse(int i, out Match m)
        {
            m = default;
            if (i >= t.Length) return false;
            var start = i;
            var approximate = false;
            if (Approximately[lang].Match(t, i, out _, out var ae)) { approximate = true; i = ae; }

            // A time before the date: "4 a.m. Thursday", "at 04:00 GMT on 28 January".
            var timeFirst = TryTime(i, out var tod, out var te) ? tod
                : t.IsAny(i, "at", "um", "à") && TryTime(i + 1, out tod, out te) ? tod : null;
            if (timeFirst is not null)
            {
                i = te;
                if (t.Is(i, ",")) i++;
            }

            var mod = new Mod(TimeModifier.On);
            var coreAt = i;
            DateTense TenseFor(Mod md) => tense != DateTense.Unknown ? tense : md.Future ? DateTense.Future : DateTense.Unknown;
            Core core;
            int end;
            if (!RelativeIn(i) && Modifiers[lang].Match(t, i, out var md, out var me))
            {
                var at = me;
                var hedged = false;
                if (Approximately[lang].Match(t, at, out _, out var ae2)) { hedged = true; at = ae2; }
                if (TryCore(at, TenseFor(md), out core, out end))
                {
                    mod = md;
                    coreAt = at;
                    approximate |= hedged;
                }
                else if (!TryCore(i, TenseFor(mod), out core, out end)) return false;
            }
            else if (!TryCore(i, TenseFor(mod), out core, out end)) return false;

            // A time after a day: "28 January at 04:00 GMT", "Thursday, 4 a.m.", "am 28. Januar um 16.30 Uhr".
            TimeOfDayReading? timeAfter = null;
            if (core.Precision == PeriodPrecision.Day && timeFirst is null)
            {
                var k = t.Is(end, ",") ? end + 1 : end;
                if (t.IsAny(k, "at", "um", "à") && TryTime(k + 1, out var tod2, out var te2)) { timeAfter = tod2; end = te2; }
                else if (TryTime(k, out var tod3, out var te3)) { timeAfter = tod3; end = te3; }
            }
            var time = core.Precision == PeriodPrecision.Day ? timeFirst ?? timeAfter : null;
            if (time is { Zone: { } zn } && zn.Contains('|'))
            {
                var name = zn[..zn.IndexOf('|')];
                time = time with { Zone = name, UtcOffset = ZoneOffset(new Zone(name, null, zn[(zn.IndexOf('|') + 1)..]), core.Start) };
            }

            var modifier = mod.Modifier;
            // "from 22 to 23 July", "vom 22. bis 23. Juli": a span, not its start.
            if (mod.SpanStart && core.SpanWithJoiner) modifier = TimeModifier.On;
            // French "de" and German "von" without a span are "of" far more often than "from": "le sommet de septembre".
            if (mod.SpanStart && !core.SpanWithJoiner && (lang == Lang.Fr || lang == Lang.De) && coreAt != start) return false;
            var stated = t.Slice(text, start, end);
            DateOnly? due = modifier == TimeModifier.By ? (core.Part == "beginning" ? core.Start : core.End.AddDays(-1)) : null;
            var explanation = Explain(stated, core, modifier, mod.NotUntil, approximate, due, time);
            var reading = new DateReading(stated, core.Start, core.End, core.Precision, core.Part, modifier, approximate, time, core.Resolution,
                core.Display, due, Exactly(core.Start, core.End), Enclose(core.Start, core.End), explanation);
            m = new Match(start, end, coreAt, end, reading);
            return true;
        }

        private static string Explain(string stated, Core core, TimeModifier modifier, bool notUntil, bool approximate, DateOnly? due, TimeOfDayReading? time)
        {
            var last = core.End.AddDays(-1);
            var period = core.Start == last ? Day(core.Start) : $"{Day(core.Start)} to {Day(last)}";
            var relation = modifier switch
            {
                TimeModifier.By => $"a deadline due by {Day(due!.Value)}",
                TimeModifier.Before => $"before {Day(core.Start)}",
                TimeModifier.After => $"after {Day(last)}",
                TimeModifier.From => $"from {Day(core.Start)} on",
                TimeModifier.Until => $"until {Day(last)}",
                _ => notUntil ? "in that period and not before it" : "in that period",
            };
            var s = $"'{stated}' reads as {core.Display} ({period}, precision {core.Precision.ToString().ToLowerInvariant()}): {relation}";
            if (core.Resolution is not null) s += $"; {core.Resolution}";
            if (approximate) s += "; approximate: the period is not widened, the flag tells a comparison to allow for it";
            if (time is not null) s += $"; at {time.Time:HH\\:mm}" + (time.Zone is null ? " (zone not stated)" : $" {time.Zone}") + (time.UtcOffset is { } o ? $" (UTC{(o < TimeSpan.Zero ? "-" : "+")}{o:hh\\:mm})" : "");
            return s + ".";
        }

        // "in two weeks" is a relative date, not the modifier "in" before a date.
        private bool RelativeIn(int i) =>
            t.IsAny(i, "in", "dans", "within") && Count(i + 1, out _, out var e) && Unit(e, out _, out _);

        private bool TryCore(int i, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = i;
            if (i >= t.Length) return false;
            return TryRelative(i, tn, out core, out end)
                || TryPart(i, tn, out core, out end)
                || TryDecade(i, out core, out end)
                || TryAbsolute(i, tn, out core, out end);
        }

        // ---- absolute dates -----------------------------------------------------------------------------------

        private bool MonthAt(int i, out int month, out int end)
        {
            month = 0;
            end = i;
            if (i >= t.Length || !t[i].IsWord || !Months[L].TryGetValue(t[i].Norm, out var mo)) return false;
            if (mo.Capital && !char.IsUpper(text[t[i].Start])) return false;
            // English "May" as a month only where a day or year stands beside it; elsewhere it may be the verb.
            month = mo.Number;
            end = i + 1;
            if (t.Is(end, ".") && Abbreviated.Contains(t[i].Norm) && !t[end].SpaceBefore) end++;
            return true;
        }

        private bool DayAt(int i, out int day, out int end)
        {
            day = 0;
            end = i;
            if (i >= t.Length || !t[i].IsNumber || t[i].Norm.Length > 2 || !int.TryParse(t[i].Norm, NumberStyles.None, Inv, out day) || day is < 1 or > 31) return false;
            end = i + 1;
            // 29th, 1st; German "17."; French "1er"
            if (end < t.Length && !t[end].SpaceBefore && t[end].Norm is "th" or "st" or "nd" or "rd" or "er" or "re" or "e") end++;
            else if (lang == Lang.De && t.Is(end, ".") && !t[end].SpaceBefore) end++;
            return true;
        }

        private bool YearAt(int i, out int year, out int end)
        {
            year = 0;
            end = i;
            if (i >= t.Length || !t[i].IsNumber || t[i].Norm.Length != 4 || !int.TryParse(t[i].Norm, NumberStyles.None, Inv, out year) || year is < 1000 or > 2199) return false;
            // "1990s" is a decade, "2,500" never reaches here.
            if (i + 1 < t.Length && !t[i + 1].SpaceBefore && t[i + 1].Norm is "s" or "er" or "'s") return false;
            end = i + 1;
            return true;
        }

        private bool TryAbsolute(int i, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = i;
            var j = i;
            DayOfWeek? weekday = null;
            if (WeekdayAt(j, out var wd, out var we) && (DayAt(we, out _, out _) || DayAt(we + 1, out _, out _) && t.Is(we, ",") || MonthAt(we, out _, out _) || MonthAt(we + 1, out _, out _) && t.Is(we, ",")))
            {
                weekday = wd;
                j = t.Is(we, ",") ? we + 1 : we;
            }
            // "after the Sept. 22 meeting", "before the July 4 holiday"
            if (t.Is(j, "the") && MonthAt(j + 1, out _, out var tme0) && DayAt(tme0, out _, out _)) j++;
            var between = false;
            if (t.IsAny(j, "between", "zwischen", "entre"))
            {
                between = true;
                j++;
                if (t.IsAny(j, "dem", "le")) j++;
            }
            // "the 2003 invasion", "the 2020 vote": a year used as a word before a noun.
            if (t.Is(j, "the") && YearAt(j + 1, out var ty, out var tye) && tye < t.Length && t[tye].IsWord && !char.IsUpper(text[t[tye].Start]))
            {
                end = tye;
                core = new Core(new DateOnly(ty, 1, 1), new DateOnly(ty + 1, 1, 1), PeriodPrecision.Year, null, ty.ToString(Inv), null);
                return true;
            }
            if (t.Is(j, "the") && DayAt(j + 1, out var td, out var tde) && t.Is(tde, "of") && MonthAt(tde + 1, out var tm, out var tme))
            {
                return DayMonth(i, td, tm, tme, tn, out core, out end);
            }

            // ISO 8601: 2024-09-17, 2024-09
            if (t[j].IsNumber && t[j].Norm.Length == 4 && t.Is(j + 1, "-") && !t[j + 1].SpaceBefore && j + 2 < t.Length && t[j + 2].IsNumber && t[j + 2].Norm.Length == 2 && !t[j + 2].SpaceBefore)
            {
                var iso = t[j + 2 < t.Length - 2 && t.Is(j + 3, "-") && !t[j + 3].SpaceBefore && t[j + 4].IsNumber && t[j + 4].Norm.Length == 2 ? j + 4 : j + 2].End;
                if (PartialDate.TryParse(text[t[j].Start..iso], out var pd))
                {
                    end = j + (pd.Precision == DatePrecision.Day ? 5 : 3);
                    core = new Core(pd.Start, pd.End, pd.Precision == DatePrecision.Day ? PeriodPrecision.Day : PeriodPrecision.Month, null, Describe(pd), null);
                    return true;
                }
            }
            // 17.09.2024 (German, French), 17/09/2024 (day first, as in German and French; English only when unambiguous)
            if (t[j].IsNumber && lang != Lang.En && t[j].Norm.Length == 10 && t[j].Norm[2] == '.' && t[j].Norm[5] == '.')
            {
                var parts = t[j].Norm.Split('.');
                if (parts.Length == 3 && parts[2].Length == 4 && Valid(int.Parse(parts[2], Inv), int.Parse(parts[1], Inv), int.Parse(parts[0], Inv), out var d))
                {
                    end = j + 1;
                    core = new Core(d, d.AddDays(1), PeriodPrecision.Day, null, Day(d), null);
                    return true;
                }
            }
            if (t[j].IsNumber && t.Is(j + 1, "/") && j + 4 < t.Length && t[j + 2].IsNumber && t.Is(j + 3, "/") && t[j + 4].IsNumber && t[j + 4].Norm.Length == 4
                && int.TryParse(t[j].Norm, Inv, out var a) && int.TryParse(t[j + 2].Norm, Inv, out var b) && int.TryParse(t[j + 4].Norm, Inv, out var y4))
            {
                var (dd, mm) = lang != Lang.En ? (a, b) : a > 12 ? (a, b) : b > 12 ? (b, a) : (0, 0);
                if (dd == 0) { Fail($"'{t.Slice(text, j, j + 5)}' could be day/month or month/day: write the month's name."); return false; }
                if (Valid(y4, mm, dd, out var d))
                {
                    end = j + 5;
                    core = new Core(d, d.AddDays(1), PeriodPrecision.Day, null, Day(d), null);
                    return true;
                }
            }

            // Day first: "29 August 2024", "22-23 July 2024", "from 22 to 23 July", "17. September 2024", "le 29 août 2024"
            if (DayAt(j, out var day, out var de))
            {
                var k = de;
                if (SpanJoiner(k, between, out var je) && DayAt(je, out var day2, out var d2e) && day2 > day)
                {
                    if (MonthAt(d2e, out var sm, out var sme)) return DaySpan(i, day, day2, sm, sme, tn, out core, out end);
                }
                if (SpanJoiner(k, between, out je) is false && MonthAt(k, out _, out _) is false && t.Is(k, "of") && MonthAt(k + 1, out _, out _)) k++;
                if (MonthAt(k, out var month, out var me))
                {
                    // Across months: "22 July - 3 August 2024"
                    if (SpanJoiner(me, between, out var je2) && DayAt(je2, out var day3, out var d3e) && MonthAt(d3e, out var month3, out var m3e))
                    {
                        var yearAt = m3e;
                        int? y = YearAt(yearAt, out var yy, out var ye) ? yy : null;
                        var firstYear = y ?? InferYear(month, day, tn, out _);
                        if (firstYear is null) return false;
                        if (Valid(firstYear.Value, month, day, out var s1) && Valid(firstYear.Value, month3, day3, out var s2) && s2 > s1)
                        {
                            end = y is null ? m3e : ye;
                            core = new Core(s1, s2.AddDays(1), PeriodPrecision.Span, null, DescribeSpan(s1, s2.AddDays(1)), y is null ? YearNote(firstYear.Value) : null, true);
                            return true;
                        }
                    }
                    return DayMonth(i, day, month, me, tn, out core, out end, weekday);
                }
                return false;
            }

            // Month first: "August 29, 2024", "Aug. 29", "July 22-23, 2024", "September 2024", "September", "July to September 2024"
            if (MonthAt(j, out var mon, out var mEnd))
            {
                if (DayAt(mEnd, out var md, out var mde) && !(YearAt(mEnd, out _, out _)))
                {
                    if (SpanJoiner(mde, between, out var je) && DayAt(je, out var md2, out var md2e) && md2 > md)
                    {
                        var k2 = md2e;
                        if (t.Is(k2, ",")) k2++;
                        int? y = YearAt(k2, out var yy, out var ye) ? yy : null;
                        var year = y ?? InferYear(mon, md, tn, out _);
                        if (year is null) return false;
                        if (!Valid(year.Value, mon, md, out var s1) || !Valid(year.Value, mon, md2, out var s2)) return false;
                        end = y is null ? md2e : ye;
                        core = new Core(s1, s2.AddDays(1), PeriodPrecision.Span, null, DescribeSpan(s1, s2.AddDays(1)), y is null ? YearNote(year.Value) : null, true);
                        return true;
                    }
                    var k = mde;
                    if (t.Is(k, ",") && YearAt(k + 1, out _, out _)) k++;
                    int? yr = YearAt(k, out var y2, out var y2e) ? y2 : null;
                    var placed = yr ?? InferYear(mon, md, tn, out _);
                    if (placed is null) return false;
                    if (!Valid(placed.Value, mon, md, out var dday)) { Fail($"{md} {MonthName(mon)} {placed} is not a day of the calendar."); return false; }
                    end = yr is null ? mde : y2e;
                    core = new Core(dday, dday.AddDays(1), PeriodPrecision.Day, null, Day(dday), yr is null ? YearNote(placed.Value) : null);
                    return true;
                }
                // Month span: "July to September 2024", "von Juli bis September 2024"
                if (SpanJoiner(mEnd, between, out var mje) && MonthAt(mje, out var mon2, out var m2e) && mon2 > mon && YearAt(m2e, out var sy, out var sye))
                {
                    var s = new DateOnly(sy, mon, 1);
                    var e = new DateOnly(sy, mon2, 1).AddMonths(1);
                    end = sye;
                    core = new Core(s, e, PeriodPrecision.Span, null, $"{MonthName(mon)} to {MonthName(mon2)} {sy}", null, true);
                    return true;
                }
                if (YearAt(mEnd, out var year2, out var yEnd))
                {
                    var s = new DateOnly(year2, mon, 1);
                    end = yEnd;
                    core = new Core(s, s.AddMonths(1), PeriodPrecision.Month, null, $"{MonthName(mon)} {year2}", null);
                    return true;
                }
                // A month alone; in English "May" alone is too often the verb, in French "sept" the number seven.
                if (lang == Lang.En && t[j].Norm == "may" || lang == Lang.Fr && t[j].Norm == "sept") return false;
                var inferred = InferYear(mon, null, tn, out _);
                if (inferred is null) return false;
                var ms = new DateOnly(inferred.Value, mon, 1);
                end = mEnd;
                core = new Core(ms, ms.AddMonths(1), PeriodPrecision.Month, null, $"{MonthName(mon)} {inferred}", YearNote(inferred.Value));
                return true;
            }

            // A year, or a span of years: "2024", "2014-2017", "between 2014 and 2017", "von 2014 bis 2017"
            if (YearAt(j, out var yOnly, out var yoe))
            {
                if (SpanJoiner(yoe, between, out var yje) && YearAt(yje, out var y2, out var y2e) && y2 > yOnly)
                {
                    end = y2e;
                    core = new Core(new DateOnly(yOnly, 1, 1), new DateOnly(y2 + 1, 1, 1), PeriodPrecision.Span, null, $"{yOnly} to {y2}", null, true);
                    return true;
                }
                if (between) return false;
                end = yoe;
                core = new Core(new DateOnly(yOnly, 1, 1), new DateOnly(yOnly + 1, 1, 1), PeriodPrecision.Year, null, yOnly.ToString(Inv), null);
                return true;
            }
            return false;
        }

        private bool SpanJoiner(int i, bool between, out int end)
        {
            end = i + 1;
            if (i >= t.Length) return false;
            var n = t[i].Norm;
            if (between) return n is "and" or "und" or "et" && Skip(ref end);
            return n is "-" or "–" or "to" or "bis" or "au" or "à" or "through" && Skip(ref end);
        }

        // After a joiner, German "dem" and French "le" may stand before the second day.
        private bool Skip(ref int end)
        {
            if (t.IsAny(end, "dem", "le")) end++;
            return true;
        }

        private bool DayMonth(int start, int day, int month, int monthEnd, DateTense tn, out Core core, out int end, DayOfWeek? weekday = null)
        {
            core = default;
            end = monthEnd;
            var k = monthEnd;
            if (t.Is(k, ",") && YearAt(k + 1, out _, out _)) k++;
            int? year = YearAt(k, out var y, out var ye) ? y : null;
            var placed = year ?? InferYear(month, day, tn, out _);
            if (placed is null) return false;
            if (!Valid(placed.Value, month, day, out var d)) { Fail($"{day} {MonthName(month)} {placed} is not a day of the calendar."); return false; }
            end = year is null ? monthEnd : ye;
            var note = year is null ? YearNote(placed.Value) : null;
            if (weekday is { } w && d.DayOfWeek != w) note = (note is null ? "" : note + "; ") + $"the text names a {w} but {Day(d)} is a {d.DayOfWeek}";
            core = new Core(d, d.AddDays(1), PeriodPrecision.Day, null, Day(d), note);
            return true;
        }

        private bool DaySpan(int start, int day, int day2, int month, int monthEnd, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = monthEnd;
            var k = monthEnd;
            if (t.Is(k, ",") && YearAt(k + 1, out _, out _)) k++;
            int? year = YearAt(k, out var y, out var ye) ? y : null;
            var placed = year ?? InferYear(month, day, tn, out _);
            if (placed is null) return false;
            if (!Valid(placed.Value, month, day, out var s) || !Valid(placed.Value, month, day2, out var e)) return false;
            end = year is null ? monthEnd : ye;
            core = new Core(s, e.AddDays(1), PeriodPrecision.Span, null, DescribeSpan(s, e.AddDays(1)), year is null ? YearNote(placed.Value) : null, true);
            return true;
        }

        private static bool Valid(int year, int month, int day, out DateOnly d)
        {
            d = default;
            if (year is < 1 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
            d = new DateOnly(year, month, day);
            return true;
        }

        private string? lastYearNote;

        private string YearNote(int year) => lastYearNote ?? $"the year {year} is taken from the report";

        /// <summary>
        /// The year of a day or month written without one: the report's year, unless that puts a past event after the
        /// report (then the year before) or a future one wholly before it (then the year after).
        /// </summary>
        private int? InferYear(int month, int? day, DateTense tn, out string note)
        {
            note = "";
            lastYearNote = null;
            if (report is not { } r)
            {
                Fail($"'{(day is null ? MonthName(month) : $"{day} {MonthName(month)}")}' has no year, and the source has no date to take one from.");
                return null;
            }
            var year = r.Start.Year;
            var start = new DateOnly(year, month, Math.Min(day ?? 1, DateTime.DaysInMonth(year, month)));
            var end = day is null ? start.AddMonths(1) : start.AddDays(1);
            var why = "";
            if (tn == DateTense.Future && end <= r.Start)
            {
                year++;
                why = ": the text speaks of the future and that date in the report's year is already past";
            }
            else if (tn != DateTense.Future && start >= r.End)
            {
                year--;
                why = ": the most recent such date not after the report";
            }
            note = $"the year {year} is taken from the report ({DateView.Describe(r)}){why}";
            lastYearNote = note;
            return year;
        }

        private static string Describe(PartialDate d) => DateView.Describe(d);

        private bool WeekdayAt(int i, out DayOfWeek day, out int end)
        {
            day = default;
            end = i;
            if (i >= t.Length || !t[i].IsWord || !Weekdays[L].TryGetValue(t[i].Norm, out day)) return false;
            if (lang != Lang.Fr && !char.IsUpper(text[t[i].Start])) return false;
            end = i + 1;
            return true;
        }

        // ---- decades, parts of periods ------------------------------------------------------------------------

        private bool DecadeAt(int i, out int decade, out int end)
        {
            decade = 0;
            end = i;
            var j = i;
            if (t.IsAny(j, "the", "die", "den", "der", "les")) j++;
            if (lang == Lang.Fr && t.Is(j, "années")) j++;
            if (j >= t.Length || !t[j].IsNumber || t[j].Norm.Length != 4 || !int.TryParse(t[j].Norm, Inv, out decade) || decade % 10 != 0 || decade < 1000) return false;
            if (lang == Lang.Fr && t.Is(j - 1, "années")) { end = j + 1; return true; }
            if (j + 1 < t.Length && !t[j + 1].SpaceBefore && t[j + 1].Norm is "s" or "'s" or "er")
            {
                end = j + 2;
                if (t.IsAny(end, "jahre", "jahren", "jahrens")) end++;
                return true;
            }
            return false;
        }

        private bool TryDecade(int i, out Core core, out int end)
        {
            core = default;
            if (!DecadeAt(i, out var decade, out end)) return false;
            core = new Core(new DateOnly(decade, 1, 1), new DateOnly(decade + 10, 1, 1), PeriodPrecision.Decade, null, $"the {decade}s", null);
            return true;
        }

        private enum PartWord { Early, Mid, Late, Beginning, End, Middle }

        private bool PartWordAt(int i, out PartWord part, out int end)
        {
            part = default;
            end = i + 1;
            if (i >= t.Length) return false;
            var w = t[i].Norm;
            switch (lang)
            {
                case Lang.De:
                    if (w is "anfang") { part = PartWord.Beginning; break; }
                    if (w is "mitte") { part = PartWord.Mid; break; }
                    if (w is "ende") { part = PartWord.End; break; }
                    if (w is "anfangs") { part = PartWord.Beginning; break; }
                    return false;
                case Lang.Fr:
                    if (w is "début") { part = PartWord.Beginning; break; }
                    if (w is "fin") { part = PartWord.End; break; }
                    if (w is "mi" && t.Is(i + 1, "-")) { part = PartWord.Mid; end = i + 2; break; }
                    return false;
                default:
                    if (w is "early") { part = PartWord.Early; break; }
                    if (w is "mid") { part = PartWord.Mid; break; }
                    if (w is "late") { part = PartWord.Late; break; }
                    return false;
            }
            if (t.Is(end, "-") && !t[end].SpaceBefore) end++;
            // French "fin de l'année", "à la fin de 2026"; German "Ende des Jahres"
            return true;
        }

        private bool TryPart(int i, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = i;
            var j = i;
            // "the beginning/start/end/middle of 2026", "the first half of 2026", "the third quarter of 2026", "the week of 22 July"
            if (lang == Lang.En)
            {
                if (t.Is(j, "the")) j++;
                if (t.IsAny(j, "beginning", "start", "end", "middle") && t.Is(j + 1, "of"))
                {
                    var pw = t[j].Norm switch { "end" => PartWord.End, "middle" => PartWord.Middle, _ => PartWord.Beginning };
                    return PartOf(i, j + 2, pw, tn, out core, out end);
                }
                if (Ordinals.TryGetValue(j < t.Length ? t[j].Norm : "", out var ord) && t.IsAny(j + 1, "half", "quarter") && t.Is(j + 2, "of")
                    && Base(j + 3, tn, out var bs, out var be, out var bk, out var bnote) && bk == "year")
                {
                    return Fraction(t[j + 1].Norm == "half" ? 2 : 4, ord, bs, bnote, be, out core, out end);
                }
                if (t.Is(j, "week") && t.Is(j + 1, "of") && TryAbsolute(j + 2, tn, out var wc, out var we) && wc.Precision == PeriodPrecision.Day)
                {
                    return Week(wc, we, out core, out end);
                }
            }
            if (lang == Lang.De)
            {
                if (t.IsAny(j, "im", "in", "das", "dem")) j++;
                if (t.IsAny(j, "der")) j++;
                if (Ordinals.TryGetValue(j < t.Length ? t[j].Norm : "", out var ord) && t.IsAny(j + 1, "halbjahr", "quartal", "jahreshälfte", "hälfte"))
                {
                    if (Base(j + 2, tn, out var bs, out var be, out var bk, out var bnote) && bk == "year")
                        return Fraction(t[j + 1].Norm == "quartal" ? 4 : 2, ord, bs, bnote, be, out core, out end);
                }
                if (t.Is(j, "woche") && t.Is(j + 1, "vom") && TryAbsolute(j + 2, tn, out var wc, out var we) && wc.Precision == PeriodPrecision.Day)
                {
                    return Week(wc, we, out core, out end);
                }
            }
            if (lang == Lang.Fr)
            {
                if (t.IsAny(j, "au", "le", "la", "du", "à")) j++;
                if (t.Is(j, "la")) j++;
                if (Ordinals.TryGetValue(j < t.Length ? t[j].Norm : "", out var ord) && t.IsAny(j + 1, "semestre", "trimestre"))
                {
                    if (Base(j + 2, tn, out var bs, out var be, out var bk, out var bnote) && bk == "year")
                        return Fraction(t[j + 1].Norm == "trimestre" ? 4 : 2, ord, bs, bnote, be, out core, out end);
                }
                if (t.Is(j, "semaine") && t.Is(j + 1, "du") && TryAbsolute(j + 2, tn, out var wc, out var we) && wc.Precision == PeriodPrecision.Day)
                {
                    return Week(wc, we, out core, out end);
                }
                if (t.IsAny(j, "fin", "début") && t.IsAny(j + 1, "de", "du", "d"))
                {
                    var k = j + 2;
                    if (t.Is(k, "'")) k++;
                    if (t.Is(k, "la")) k++;
                    var pw = t[j].Norm == "fin" ? PartWord.End : PartWord.Beginning;
                    if (PartOf(i, k, pw, tn, out core, out end)) return true;
                }
            }
            // "Q3 2026", "H1 2026", "T3 2026"
            j = i;
            if (lang == Lang.De && t.IsAny(j, "im")) j++;
            if (lang == Lang.Fr && t.IsAny(j, "au")) j++;
            if (j + 1 < t.Length && t[j].IsWord && t[j].Norm is "q" or "h" or "t" && t[j + 1].IsNumber && !t[j + 1].SpaceBefore && char.IsUpper(text[t[j].Start])
                && int.TryParse(t[j + 1].Norm, Inv, out var qn) && YearAt(j + 2, out var qy, out var qye))
            {
                var of = t[j].Norm == "h" ? 2 : 4;
                if (qn >= 1 && qn <= of) return Fraction(of, qn, new DateOnly(qy, 1, 1), null, qye, out core, out end);
            }
            // early/mid/late 2026, mid-September, late September 2024, the early 1990s; Anfang/Mitte/Ende 2026; début/mi-/fin 2026
            j = i;
            if (t.IsAny(j, "the", "in", "im", "en") && PartWordAt(j + 1, out _, out _)) j++;
            if (PartWordAt(j, out var part, out var pe))
            {
                return PartOf(i, pe, part, tn, out core, out end);
            }
            return false;
        }

        private bool Week(Core day, int end0, out Core core, out int end)
        {
            var monday = day.Start.AddDays(-(((int)day.Start.DayOfWeek + 6) % 7));
            end = end0;
            core = new Core(monday, monday.AddDays(7), PeriodPrecision.Week, "week", $"the week of {Day(monday)}", day.Resolution);
            return true;
        }

        private static bool Fraction(int of, int n, DateOnly yearStart, string? note, int end0, out Core core, out int end)
        {
            end = end0;
            var months = 12 / of;
            var s = yearStart.AddMonths((n - 1) * months);
            var e = s.AddMonths(months);
            var y = yearStart.Year;
            var (precision, part, display) = of == 2
                ? (PeriodPrecision.Half, n == 1 ? "first_half" : "second_half", $"the {(n == 1 ? "first" : "second")} half of {y}")
                : (PeriodPrecision.Quarter, $"q{n}", $"Q{n} {y}");
            core = new Core(s, e, precision, part, display, note);
            return true;
        }

        /// <summary>The period a part word applies to: a year, a month (with or without year), a decade, or "the year"/"this month".</summary>
        private bool Base(int i, DateTense tn, out DateOnly start, out int end, out string kind, out string? note)
        {
            start = default;
            end = i;
            kind = "";
            note = null;
            if (DecadeAt(i, out var dec, out var de)) { start = new DateOnly(dec, 1, 1); end = de; kind = "decade"; return true; }
            var j = i;
            if (YearAt(j, out var y, out var ye))
            {
                start = new DateOnly(y, 1, 1);
                end = ye;
                kind = "year";
                return true;
            }
            if (MonthAt(j, out var mo, out var me))
            {
                if (YearAt(me, out var my, out var mye)) { start = new DateOnly(my, mo, 1); end = mye; kind = "month"; return true; }
                var inferred = InferYear(mo, null, tn, out var n);
                if (inferred is null) return false;
                start = new DateOnly(inferred.Value, mo, 1);
                end = me;
                kind = "month";
                note = n;
                return true;
            }
            // "the year", "this year", "next year", "the month"; "des Jahres", "dieses Jahres", "nächsten Jahres"; "l'année", "l'année prochaine"
            var k = i;
            var shift = 0;
            string? unit = null;
            var w0 = k < t.Length ? t[k].Norm : "";
            if (w0 is "the" or "this" or "des" or "dieses" or "diesen" or "l" or "cette" or "ce") { k++; if (t.Is(k, "'")) k++; }
            else if (w0 is "next" or "nächsten" or "kommenden") { shift = 1; k++; }
            else if (w0 is "last" or "vergangenen" or "letzten") { shift = -1; k++; }
            var w = k < t.Length ? t[k].Norm : "";
            if (w is "year" or "jahres" or "jahr" or "année" or "an") unit = "year";
            else if (w is "month" or "monats" or "mois") unit = "month";
            else return false;
            k++;
            if (t.IsAny(k, "prochaine", "prochain")) { shift = 1; k++; }
            else if (t.IsAny(k, "dernière", "dernier")) { shift = -1; k++; }
            if (report is not { } r)
            {
                Fail($"'{t.Slice(text, i, k)}' is relative, and the source has no date to place it against.");
                return false;
            }
            var anchor = r.Start;
            start = unit == "year" ? new DateOnly(anchor.Year + shift, 1, 1) : new DateOnly(anchor.Year, anchor.Month, 1).AddMonths(shift);
            if (unit == "month" && r.Precision == DatePrecision.Year)
            {
                Fail($"'{t.Slice(text, i, k)}' needs the report's month, and the source is dated to the year only.");
                return false;
            }
            end = k;
            kind = unit;
            note = $"'{t.Slice(text, i, k)}' in a report of {DateView.Describe(r)} is {(unit == "year" ? start.Year.ToString(Inv) : start.ToString("MMMM yyyy", Inv))}";
            return true;
        }

        private bool PartOf(int start, int baseAt, PartWord part, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = baseAt;
            if (!Base(baseAt, tn, out var s, out var be, out var kind, out var note)) return false;
            end = be;
            switch (kind)
            {
                case "year":
                {
                    var y = s.Year;
                    (DateOnly a, DateOnly b, PeriodPrecision p, string key, string display) = part switch
                    {
                        PartWord.Early => (s, s.AddMonths(4), PeriodPrecision.Third, "early", $"early {y}"),
                        PartWord.Mid or PartWord.Middle => (s.AddMonths(4), s.AddMonths(8), PeriodPrecision.Third, "mid", $"mid-{y}"),
                        PartWord.Late => (s.AddMonths(8), s.AddMonths(12), PeriodPrecision.Third, "late", $"late {y}"),
                        PartWord.Beginning => (s, s.AddMonths(1), PeriodPrecision.Month, "beginning", $"the beginning of {y}"),
                        _ => (s.AddMonths(11), s.AddMonths(12), PeriodPrecision.Month, "end", $"the end of {y}"),
                    };
                    core = new Core(a, b, p, key, display, note);
                    return true;
                }
                case "month":
                {
                    var days = DateTime.DaysInMonth(s.Year, s.Month);
                    var name = $"{MonthName(s.Month)} {s.Year}";
                    (DateOnly a, DateOnly b, string key, string display) = part switch
                    {
                        PartWord.Early or PartWord.Beginning => (s, s.AddDays(10), part == PartWord.Early ? "early" : "beginning", part == PartWord.Early ? $"early {name}" : $"the beginning of {name}"),
                        PartWord.Mid or PartWord.Middle => (s.AddDays(10), s.AddDays(20), "mid", $"mid-{name}"),
                        PartWord.Late => (s.AddDays(20), s.AddDays(days), "late", $"late {name}"),
                        _ => (s.AddDays(20), s.AddDays(days), "end", $"the end of {name}"),
                    };
                    core = new Core(a, b, PeriodPrecision.Span, key, display, note);
                    return true;
                }
                default:
                {
                    var d = s.Year;
                    (DateOnly a, DateOnly b, string key) = part switch
                    {
                        PartWord.Early or PartWord.Beginning => (s, s.AddYears(4), "early"),
                        PartWord.Mid or PartWord.Middle => (s.AddYears(4), s.AddYears(7), "mid"),
                        _ => (s.AddYears(7), s.AddYears(10), "late"),
                    };
                    core = new Core(a, b, PeriodPrecision.Span, key, $"the {key} {d}s", note);
                    return true;
                }
            }
        }

        // ---- relative dates -------------------------------------------------------------------------------------

        private bool Count(int i, out int n, out int end)
        {
            n = 0;
            end = i;
            if (i >= t.Length) return false;
            if (NumberReader.IsArticle(t[i].Norm) && i + 1 < t.Length && Unit(i + 1, out _, out _)) { n = 1; end = i + 1; return true; }
            if (NumberReader.TryRead(t, i, lang, out var nm) && nm.Value == decimal.Truncate(nm.Value) && nm.Value is > 0 and < 1000) { n = (int)nm.Value; end = nm.End; return true; }
            return false;
        }

        private bool Unit(int i, out string unit, out int end)
        {
            unit = "";
            end = i + 1;
            if (i >= t.Length) return false;
            unit = t[i].Norm switch
            {
                "day" or "days" or "tag" or "tagen" or "tage" or "jour" or "jours" => "day",
                "week" or "weeks" or "woche" or "wochen" or "semaine" or "semaines" => "week",
                "month" or "months" or "monat" or "monaten" or "monate" or "mois" => "month",
                "year" or "years" or "jahr" or "jahren" or "jahre" or "an" or "ans" or "année" or "années" => "year",
                _ => "",
            };
            return unit.Length > 0;
        }

        private delegate (DateOnly Start, DateOnly End, PeriodPrecision Precision, string? Part) Rel(DateOnly day);

        private bool TryRelative(int i, DateTense tn, out Core core, out int end)
        {
            core = default;
            end = i;
            if (!RelativeForm(i, tn, out var f, out end, out var approx)) return false;
            var stated = t.Slice(text, i, end);
            if (report is not { } r)
            {
                Fail($"'{stated}' is relative, and the source has no date to place it against.");
                return false;
            }
            var first = r.Start;
            var last = r.End.AddDays(-1);
            var a = f(first);
            var b = r.Precision == DatePrecision.Day ? a : f(last);
            var s = a.Start < b.Start ? a.Start : b.Start;
            var e = a.End > b.End ? a.End : b.End;
            if (e <= s)
            {
                Fail($"'{stated}' in a report of {Day(first)} names no day.");
                return false;
            }
            var precision = r.Precision == DatePrecision.Day ? a.Precision : Exactly(s, e) is { } pd ? pd.Precision switch
            {
                DatePrecision.Day => PeriodPrecision.Day, DatePrecision.Month => PeriodPrecision.Month, _ => PeriodPrecision.Year,
            } : PeriodPrecision.Span;
            var display = precision switch
            {
                PeriodPrecision.Day => Day(s),
                PeriodPrecision.Month => s.ToString("MMMM yyyy", Inv),
                PeriodPrecision.Year => s.Year.ToString(Inv),
                PeriodPrecision.Week => $"the week of {Day(s)}",
                _ => DescribeSpan(s, e),
            };
            var reportText = r.Precision == DatePrecision.Day ? Day(first) : $"{DateView.Describe(r)} (day not known)";
            var resolution = $"'{stated}' in a report of {reportText}: {DescribeSpan(s, e)}" + (approx ? " (about)" : "");
            core = new Core(s, e, precision, a.Part, display, resolution);
            return true;
        }

        private bool RelativeForm(int i, DateTense tn, out Rel f, out int end, out bool approx)
        {
            f = null!;
            end = i;
            approx = false;
            var w = t[i].Norm;
            // today, yesterday, tomorrow
            var dayShift = lang switch
            {
                Lang.De => w switch { "heute" => 0, "gestern" => -1, "morgen" => 1, "vorgestern" => -2, "übermorgen" => 2, _ => (int?)null },
                Lang.Fr => w switch { "aujourd'hui" => 0, "hier" => -1, "demain" => 1, _ => (int?)null },
                _ => w switch { "today" => 0, "yesterday" => -1, "tomorrow" => 1, "tonight" => 0, _ => (int?)null },
            };
            if (dayShift is not null) end = i + 1;
            if (dayShift is { } ds)
            {
                f = d => (d.AddDays(ds), d.AddDays(ds + 1), PeriodPrecision.Day, null);
                return true;
            }

            // weekdays: "Monday", "last Monday", "next Monday", "am Montag", "lundi dernier"
            var j = i;
            var which = 0; // 0 bare, -1 last, +1 next
            if (t.IsAny(j, "last", "letzten", "vergangenen")) { which = -1; j++; }
            else if (t.IsAny(j, "next", "nächsten", "kommenden")) { which = 1; j++; }
            else if (t.IsAny(j, "this", "diesen")) { which = 2; j++; }
            if (WeekdayAt(j, out var wd, out var we) && !(DayAt(we, out _, out _) || MonthAt(we, out _, out _) || t.Is(we, ",") && (DayAt(we + 1, out _, out _) || MonthAt(we + 1, out _, out _))))
            {
                end = we;
                if (t.IsAny(end, "dernier")) { which = -1; end++; }
                else if (t.IsAny(end, "prochain")) { which = 1; end++; }
                var future = which == 1 || which == 0 && tn == DateTense.Future;
                var strict = which != 0;
                f = d =>
                {
                    DateOnly x;
                    if (which == 2)
                    {
                        x = d.AddDays(-(((int)d.DayOfWeek + 6) % 7)).AddDays(((int)wd + 6) % 7);
                    }
                    else if (future)
                    {
                        x = d.AddDays(strict || tn == DateTense.Future ? 1 : 0);
                        while (x.DayOfWeek != wd) x = x.AddDays(1);
                    }
                    else
                    {
                        x = strict ? d.AddDays(-1) : d;
                        while (x.DayOfWeek != wd) x = x.AddDays(-1);
                    }
                    return (x, x.AddDays(1), PeriodPrecision.Day, null);
                };
                return true;
            }

            // in two weeks, two weeks ago, vor zwei Wochen, in zwei Wochen, il y a deux semaines, dans deux semaines
            j = i;
            var ahead = 0;
            if (t.IsAny(j, "in", "within", "dans")) { ahead = 1; j++; }
            else if (lang == Lang.De && t.Is(j, "vor")) { ahead = -1; j++; }
            else if (lang == Lang.Fr && t.Is(j, "il") && t.Is(j + 1, "y") && t.Is(j + 2, "a")) { ahead = -1; j += 3; }
            if (Count(j, out var n, out var ce) && Unit(ce, out var unit, out var ue))
            {
                if (ahead == 0 && t.Is(ue, "ago")) { ahead = -1; ue++; }
                if (ahead != 0)
                {
                    end = ue;
                    approx = unit != "day";
                    var sign = ahead;
                    f = d =>
                    {
                        var x = unit switch { "day" => d.AddDays(sign * n), "week" => d.AddDays(sign * 7 * n), "month" => d.AddMonths(sign * n), _ => d.AddYears(sign * n) };
                        return (x, x.AddDays(1), PeriodPrecision.Day, null);
                    };
                    return true;
                }
            }

            // this/last/next week, month, year; earlier/later this month; German and French equivalents
            if (PeriodWord(i, out var shift, out var pu, out var half, out end))
            {
                f = d =>
                {
                    var (s, e, p) = pu switch
                    {
                        "week" => (d.AddDays(-(((int)d.DayOfWeek + 6) % 7)).AddDays(7 * shift), d.AddDays(-(((int)d.DayOfWeek + 6) % 7)).AddDays(7 * shift + 7), PeriodPrecision.Week),
                        "month" => (new DateOnly(d.Year, d.Month, 1).AddMonths(shift), new DateOnly(d.Year, d.Month, 1).AddMonths(shift + 1), PeriodPrecision.Month),
                        _ => (new DateOnly(d.Year + shift, 1, 1), new DateOnly(d.Year + shift + 1, 1, 1), PeriodPrecision.Year),
                    };
                    return half switch
                    {
                        -1 => (s, d, PeriodPrecision.Span, "earlier"),
                        1 => (d.AddDays(1), e, PeriodPrecision.Span, "later"),
                        _ => (s, e, p, null),
                    };
                };
                return true;
            }
            return false;
        }

        /// <summary>"this week", "last month", "next year", "earlier this month", "later this year" and their German and French forms.</summary>
        /// <param name="half">-1 earlier in the period (before the report's day), +1 later, 0 the whole period.</param>
        private bool PeriodWord(int i, out int shift, out string unit, out int half, out int end)
        {
            shift = 0;
            unit = "";
            half = 0;
            end = i;
            var j = i;
            switch (lang)
            {
                case Lang.De:
                {
                    if (t.IsAny(j, "früher", "zuvor") && t.IsAny(j + 1, "in", "im")) { half = -1; j += 2; }
                    else if (t.Is(j, "später") && t.IsAny(j + 1, "in", "im")) { half = 1; j += 2; }
                    if (t.IsAny(j, "im", "in", "am")) j++;
                    if (t.IsAny(j, "diese", "diesen", "dieses", "diesem", "dieser")) shift = 0;
                    else if (t.IsAny(j, "letzte", "letzten", "letztes", "letztem", "vergangene", "vergangenen", "vergangenes", "vergangenem", "vorigen", "voriges", "vorige")) shift = -1;
                    else if (t.IsAny(j, "nächste", "nächsten", "nächstes", "nächstem", "kommende", "kommenden", "kommendes")) shift = 1;
                    else return false;
                    j++;
                    if (!WordUnit(j, out unit)) return false;
                    end = j + 1;
                    return true;
                }
                case Lang.Fr:
                {
                    if (t.Is(j, "plus") && t.Is(j + 1, "tôt")) { half = -1; j += 2; }
                    else if (t.Is(j, "plus") && t.Is(j + 1, "tard")) { half = 1; j += 2; }
                    if (t.IsAny(j, "ce", "cette", "cet"))
                    {
                        if (!WordUnit(j + 1, out unit)) return false;
                        end = j + 2;
                        if (t.Is(end, "-") && t.Is(end + 1, "ci")) end += 2;
                        return true;
                    }
                    var k = j;
                    if (t.IsAny(k, "la", "le")) k++;
                    else if (t.Is(k, "l") && t.Is(k + 1, "'")) k += 2;
                    if (!WordUnit(k, out unit)) return false;
                    if (t.IsAny(k + 1, "dernière", "dernier", "passée", "passé")) shift = -1;
                    else if (t.IsAny(k + 1, "prochaine", "prochain")) shift = 1;
                    else return false;
                    end = k + 2;
                    return true;
                }
                default:
                {
                    if (t.Is(j, "earlier")) { half = -1; j++; }
                    else if (t.Is(j, "later")) { half = 1; j++; }
                    if (t.Is(j, "this")) shift = 0;
                    else if (t.Is(j, "last")) shift = -1;
                    else if (t.Is(j, "next")) shift = 1;
                    else return false;
                    if (half != 0 && shift != 0) return false;
                    if (!WordUnit(j + 1, out unit)) return false;
                    end = j + 2;
                    return true;
                }
            }
        }

        private bool WordUnit(int i, out string unit)
        {
            unit = i < t.Length ? t[i].Norm switch
            {
                "week" or "woche" or "semaine" => "week",
                "month" or "monat" or "monats" or "mois" => "month",
                "year" or "jahr" or "jahres" or "année" or "an" => "year",
                _ => "",
            } : "";
            return unit.Length > 0;
        }

        // ---- time of day ----------------------------------------------------------------------------------------

        private bool TryTime(int i, out TimeOfDayReading? tod, out int end)
        {
            tod = null;
            end = i;
            if (i >= t.Length || !t[i].IsNumber) return false;
            int hour, minute = 0;
            var hourOnly = false;
            var needsMeridiem = false;
            var j = i;
            var raw = t[j].Norm;
            if (raw.Contains('.') && lang == Lang.De && raw.Length is 4 or 5 && TimeParts(raw, '.', out hour, out minute) && t.Is(j + 1, "uhr"))
            {
                j += 2;
            }
            else if (!int.TryParse(raw, NumberStyles.None, Inv, out var first)) return false;
            else if (t.Is(j + 1, ":") && j + 2 < t.Length && t[j + 2].IsNumber && t[j + 2].Norm.Length == 2 && !t[j + 1].SpaceBefore && !t[j + 2].SpaceBefore)
            {
                hour = first;
                minute = int.Parse(t[j + 2].Norm, Inv);
                j += 3;
                if (t.Is(j, "uhr")) j++;
            }
            else if (lang == Lang.Fr && t.Is(j + 1, "h") && !t[j + 1].SpaceBefore)
            {
                hour = first;
                j += 2;
                if (j < t.Length && t[j].IsNumber && !t[j].SpaceBefore && t[j].Norm.Length == 2) { minute = int.Parse(t[j].Norm, Inv); j++; }
                else hourOnly = true;
            }
            else if (lang == Lang.De && t.Is(j + 1, "uhr"))
            {
                hour = first;
                hourOnly = true;
                j += 2;
            }
            else if (raw.Length == 4 && Zones[lang].Match(t, j + 1, out _, out _))
            {
                hour = first / 100;
                minute = first % 100;
                j += 1;
            }
            else
            {
                // A bare figure is a time only with a.m. or p.m. after it.
                hour = first;
                hourOnly = true;
                needsMeridiem = true;
                j += 1;
            }
            // a.m., p.m., am, pm
            var meridiem = 0;
            if (t.Is(j, "a") && t.Is(j + 1, ".") && t.Is(j + 2, "m")) { meridiem = 1; j += 3; }
            else if (t.Is(j, "p") && t.Is(j + 1, ".") && t.Is(j + 2, "m")) { meridiem = 2; j += 3; }
            else if (t.IsAny(j, "am") && lang == Lang.En) { meridiem = 1; j++; }
            else if (t.IsAny(j, "pm") && lang == Lang.En) { meridiem = 2; j++; }
            if (meridiem != 0 && t.Is(j, ".") && !t[j].SpaceBefore) j++;
            if (needsMeridiem && meridiem == 0) return false;
            if (meridiem != 0)
            {
                if (hour is < 1 or > 12) return false;
                hour = hour % 12 + (meridiem == 2 ? 12 : 0);
            }
            if (hour is < 0 or > 23 || minute is < 0 or > 59) return false;
            Zone? zone = null;
            if (Zones[lang].Match(t, j, out var z, out var ze)) { zone = z; j = ze; }
            // "4 a.m. (0100 GMT)": the time in a known zone gives the local offset.
            TimeSpan? derived = null;
            if (t.Is(j, "(") && TryTime(j + 1, out var inner, out var ie) && t.Is(ie, ")") && inner!.UtcOffset is { } io)
            {
                var local = new TimeSpan(hour, minute, 0);
                var utc = inner.Time.ToTimeSpan() - io;
                var diff = local - utc;
                if (diff > TimeSpan.FromHours(14)) diff -= TimeSpan.FromDays(1);
                if (diff < TimeSpan.FromHours(-12)) diff += TimeSpan.FromDays(1);
                derived = diff;
                j = ie + 1;
            }
            var offset = zone?.Offset ?? derived;
            end = j;
            tod = new TimeOfDayReading(new TimeOnly(hour, minute), zone?.Name, offset, hourOnly, t.Slice(text, i, j));
            if (zone is { Offset: null, Rule.Length: > 0 }) tod = tod with { UtcOffset = null, Zone = zone.Name + "|" + zone.Rule };
            return true;
        }

        private static bool TimeParts(string raw, char sep, out int hour, out int minute)
        {
            hour = minute = 0;
            var k = raw.IndexOf(sep);
            return k > 0 && int.TryParse(raw.AsSpan(0, k), NumberStyles.None, Inv, out hour) && raw.Length - k - 1 == 2
                && int.TryParse(raw.AsSpan(k + 1), NumberStyles.None, Inv, out minute);
        }
    }

}
