using System.Globalization;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;

namespace ClaimTracker.Api.Suggestions;

/// <summary>
/// Finds, in a source's text, every figure, date and attribution a curator might make a claim of, and proposes the
/// claim: the passage to quote, the subject, the property, the asserter, the valid time and the value, each with a
/// confidence and the reason for it. Deterministic rules over one tokenisation of the text (docs/suggestions.md): no
/// model, no network, and time linear in the text's length.
/// </summary>
public static class Recognizer
{
    /// <param name="body">The source's text (NFC), as stored: offsets count code points into it.</param>
    public static IReadOnlyList<Suggestion> Find(string body, RecognizerContext context)
    {
        if (string.IsNullOrEmpty(body) || !Langs.TryParse(context.Language, out var lang)) return [];
        return new Run(body, context, lang).Execute();
    }
}

internal sealed class Run
{
    private readonly string _text;
    private readonly Token[] _t;
    private readonly Lang _lang;
    private readonly RecognizerContext _ctx;
    private readonly Structure _st;
    private readonly CodePoints _cp;
    private readonly SubjectIndex _subjects;
    private readonly List<Mention> _mentions;
    private readonly int[] _mentionStarts;
    private readonly Dictionary<string, KnownProperty> _properties;

    private readonly List<FigureFound> _figures = [];
    private readonly List<DateFound> _dates = [];
    private readonly List<AttrFound> _attributions = [];

    // Look-ups by position, so that no rule scans every date, mention or attribution of the text (4 MB stays linear).
    private readonly Dictionary<int, DateFound> _dateByStart = [];
    private readonly Dictionary<int, DateFound> _dateByEnd = [];
    private readonly Dictionary<int, List<AttrFound>> _attrBySentence = [];
    private readonly Dictionary<int, List<AttrFound>> _attrByParagraph = [];
    private readonly HashSet<int> _cuesUsed = [];
    private bool[] _inAsserter = [];

    /// <summary>How far, in tokens, a rule looks for a subject or an attribution in a sentence (text without full stops stays linear).</summary>
    private const int Reach = 80;

    /// <param name="Borrowed">The figure names no noun of its own and counts what the figure before it in the sentence counts.</param>
    private sealed record FigureFound(FigureExpression.Match M, int CountStart, int HeadEnd, Counted Kind, string? Cue, int CueAt, bool Borrowed = false);

    private sealed class DateFound(DateExpression.Match m)
    {
        public DateExpression.Match M { get; } = m;
        public TimeRole Role { get; set; } = TimeRole.Value;
        public AttrFound? SaidBy { get; set; }
    }

    private sealed class AttrFound
    {
        public int NpStart, NpEnd, VerbStart, VerbEnd, AudienceEnd = -1;
        public required string Verb;
        public Mention? Subject;
        public (KnownSubject Subject, string Alias)? Contained;
        public string? Resolved;
        public bool Anonymous, Pronoun, Coordinated;
        public int? Speakers;
        public DateFound? StatedOn;
        public string? Note;
        public int Sentence;
    }

    public Run(string body, RecognizerContext ctx, Lang lang)
    {
        _text = body;
        _ctx = ctx;
        _lang = lang;
        _t = Lexer.Tokenize(body, lang.Code());
        _st = new Structure(_t, body, lang);
        _cp = new CodePoints(body);
        _subjects = new SubjectIndex(ctx.Subjects, lang);
        _mentions = _subjects.FindAll(_t);
        _mentionStarts = _mentions.Select(m => m.Start).ToArray();
        _properties = ctx.Properties.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.First());
    }

    public IReadOnlyList<Suggestion> Execute()
    {
        ScanFiguresAndDates();
        NamedVictims();
        FindAttributions();
        var result = new List<Suggestion>();
        _inAsserter = new bool[_t.Length];
        foreach (var a in _attributions)
        {
            result.Add(AttributionSuggestion(a));
            for (var k = a.NpStart; k < a.NpEnd; k++) _inAsserter[k] = true;
        }
        foreach (var f in _figures)
        {
            if (_inAsserter[f.M.Start] && _inAsserter[f.M.End - 1]) continue; // "two Iraqi officials said": the attribution counts them
            result.Add(QuantitySuggestion(f));
        }
        foreach (var d in _dates) result.Add(TimeSuggestion(d));
        result.Sort((a, b) => a.Passage.Start != b.Passage.Start ? a.Passage.Start.CompareTo(b.Passage.Start) : a.Match.Start.CompareTo(b.Match.Start));
        return result;
    }

    // ---- figures and dates ----------------------------------------------------------------------------------

    private void ScanFiguresAndDates()
    {
        var i = 0;
        while (i < _t.Length)
        {
            DateExpression.Match dm = default;
            var isDate = DateExpression.MayStartAt(_t, i, _lang) && DateExpression.TryParseAt(_t, _text, i, _lang, _ctx.Published, TenseAt(i), out dm, out _);
            if (isDate && IsDateline(dm))
            {
                i = dm.End;
                continue;
            }
            if (isDate && AcceptDate(dm))
            {
                var found = new DateFound(dm);
                _dates.Add(found);
                _dateByStart[dm.Start] = found;
                _dateByEnd[dm.End] = found;
                i = dm.End;
                continue;
            }
            if (FigureExpression.MayStartAt(_t, i, _lang) && FigureExpression.TryParseAt(_t, _text, i, _lang, true, out var fm, out _) && AcceptFigure(fm) is { } figure)
            {
                _figures.Add(figure);
                if (figure.CueAt >= 0) _cuesUsed.Add(figure.CueAt);
                i = Math.Max(fm.End, i + 1);
                continue;
            }
            i++;
        }
    }

    /// <summary>The future, when the words before a date (in its sentence, at most a dozen) speak of it.</summary>
    private DateTense TenseAt(int i)
    {
        var s = _st.Sentences[_st.Sentence[i]].Start;
        for (var k = i - 1; k >= s && k >= i - 12; k--)
        {
            if (!_t[k].IsWord) continue;
            if (Lexicon.FutureCues.Contains(_t[k].Norm)) return DateTense.Future;
            // "said on Friday": the saying is past, whatever was said of the future.
            if (Lexicon.EnglishVerbs.Contains(_t[k].Norm) || Lexicon.GermanVerbs.Contains(_t[k].Norm) || Lexicon.FrenchVerbs.Contains(_t[k].Norm)) return DateTense.Unknown;
        }
        return DateTense.Unknown;
    }

    private bool AcceptDate(DateExpression.Match dm)
    {
        var r = dm.Reading;
        var core = dm.CoreStart;
        // A bare number read as a year: a year only if it is one of the last centuries and counts nothing.
        if (r.Precision == PeriodPrecision.Year && dm.CoreEnd - core <= 2 && _t[dm.CoreEnd - 1].IsNumber)
        {
            var year = r.Start.Year;
            if (NounAfter(dm.CoreEnd, out _, out _) is not null) return false;
            if (year is < 1900 or > 2100) return false;
            // "Resolution 2024", "Camp 1990": a number after a name is part of the name.
            if (core == dm.Start && core > 0 && Lexer.IsCapitalized(_text, _t[core - 1]) && !IsSentenceStart(core - 1)) return false;
            if (core > 0 && _t[core - 1].Norm is "$" or "€" or "£" or "#") return false;
        }
        // A day number after a name ("Tower 22 July"?) stays a date; a lone weekday in a name ("Black Friday") is rare enough.
        return true;
    }

    private FigureFound? AcceptFigure(FigureExpression.Match m)
    {
        var first = _t[m.NumberStart];
        var at = m.Start;
        if (at > 0)
        {
            var prev = _t[at - 1];
            // part of a name or code: "Tower 22", "F-35", "MQ-9", "No. 5", "$500"
            if (first.IsNumber && m.NumberStart == at && prev.IsWord && char.IsUpper(_text[prev.Start]) && !IsSentenceStart(at - 1) && !Lexicon.Determiners.Contains(prev.Norm)) return null;
            if (first.IsNumber && prev.Norm is "-" && !first.SpaceBefore) return null;
            if (prev.Norm is "$" or "€" or "£" or "#" or "no" or "nr" or "n°") return null;
        }
        var end = m.End;
        if (end < _t.Length)
        {
            var next = _t[end];
            if (!next.SpaceBefore && next.IsWord && next.Norm is "th" or "st" or "nd" or "rd" or "er" or "e") return null; // 29th
            if (next.Norm is "%" or ":" && !next.SpaceBefore) return null;
            if (Lexicon.NotCounts.Contains(next.Norm)) return null;
            if (next.Norm == "-" && end + 1 < _t.Length && _t[end + 1].Norm is "year" or "day" or "month" or "week" or "hour") return null; // a 25-year-old
            if (next.Norm is "a" && end + 2 < _t.Length && _t[end + 1].Norm == "." && _t[end + 2].Norm == "m") return null; // 4 a.m.
            if (next.Norm is "p" && end + 2 < _t.Length && _t[end + 1].Norm == "." && _t[end + 2].Norm == "m") return null;
            if (next.Norm is "am" or "pm" && _lang == Lang.En) return null;
        }
        var (countStart, headEnd, kind) = NounAfter(end, out var cs, out var he) is { } k ? (cs, he, k) : (-1, -1, (Counted?)null);
        string? cue = null;
        var cueAt = -1;
        if (kind is null)
        {
            // "killing 14", "14 were killed", "12 verletzt": a figure of casualties with no noun.
            if (CasualtyCue(m.Start, end, 3, 4, out cue, out cueAt) is { } casualty) kind = casualty;
            else if (Elided(m) is { } before) return new FigureFound(m, before.CountStart, before.HeadEnd, before.Kind, before.Cue, -1, true);
            else return null;
        }
        if (kind is Counted.Troops or Counted.People && CasualtyCue(m.Start, headEnd < 0 ? end : headEnd, 6, 8, out var c2, out var c2At) is { } k2)
        {
            kind = k2;
            cue = c2;
            cueAt = c2At;
        }
        return new FigureFound(m, countStart, headEnd, kind.Value, cue, cueAt);
    }

    /// <summary>
    /// "killed Iranian Gen. Qasem Soleimani and Iraqi militia leader Abu Mahdi al-Muhandis": a casualty verb followed by
    /// two or more names joined by "and" and commas, and no total, is a count of at least that many.
    /// </summary>
    private void NamedVictims()
    {
        for (var k = 0; k < _t.Length; k++)
        {
            if (!_t[k].IsWord || _t[k].Norm is not ("killed" or "killing" or "wounded" or "wounding" or "injured" or "tötete" or "getötet" or "tué" or "tuant")) continue;
            if (_cuesUsed.Contains(k)) continue;
            var sentenceEnd = _st.Sentences[_st.Sentence[k]].End;
            var parts = new List<(int Start, int End)>();
            var start = k + 1;
            var j = start;
            for (; j <= sentenceEnd && j - start < 30; j++)
            {
                var atEnd = j == sentenceEnd || _t[j].Kind == TokenKind.Punct && _t[j].Norm is "." or ";" or ":" && !(j > 0 && _t[j - 1].IsWord && Lexicon.Abbreviations.Contains(_t[j - 1].Norm));
                var joiner = !atEnd && (_t[j].Norm is "and" or "und" or "et" || _t[j].Norm == ",");
                if (atEnd || joiner)
                {
                    if (j > start) parts.Add((start, j));
                    start = j + 1;
                    if (atEnd) break;
                }
            }
            if (parts.Count < 2 || !parts.All(p => IsName(p.Start, p.End))) continue;
            var first = parts[0].Start;
            var last = parts[^1].End;
            var reading = FigureExpression.Read($"at least {parts.Count}", "en").Reading! with { StatedAs = Words(first, last) };
            reading = reading with { Explanation = $"'{reading.StatedAs}' names {parts.Count} of the {(_t[k].Norm.StartsWith('w') || _t[k].Norm.StartsWith('i') ? "wounded" : "dead")} and gives no total, so the count is at least {parts.Count}: table v{FigureExpression.Version}, row at_least." };
            var kind = _t[k].Norm is "wounded" or "wounding" or "injured" ? Counted.Wounded : Counted.Killed;
            var match = new FigureExpression.Match(first, last, first, last, reading);
            _figures.Add(new FigureFound(match, first, last, kind, _t[k].Norm, k));
        }
    }

    // A name: its last two words (hyphens and particles such as "al" aside) are capitalised.
    private bool IsName(int s, int e)
    {
        var caps = 0;
        for (var k = e - 1; k >= s && caps < 2; k--)
        {
            var tk = _t[k];
            if (tk.Kind == TokenKind.Punct && tk.Norm is "-" or "." or "'") continue;
            if (!tk.IsWord) return false;
            if (tk.Norm is "al" or "el" or "bin" or "ibn" or "abu" or "de" or "van" or "von") continue;
            if (!char.IsUpper(_text[tk.Start])) return false;
            caps++;
        }
        return caps >= 2;
    }

    /// <summary>"about 2,500 troops in Iraq and about 900 in Syria": the figure before it in the sentence, whose noun it leaves out.</summary>
    private FigureFound? Elided(FigureExpression.Match m)
    {
        if (m.Reading.Amount is 1 && m.End - m.Start == 1 || _t.IsAny(m.End, "of", "de", "von")) return null; // "one of them"
        var sentence = _st.Sentence[m.Start];
        for (var k = _figures.Count - 1; k >= 0 && k >= _figures.Count - 10; k--)
        {
            var f = _figures[k];
            if (_st.Sentence[f.M.Start] != sentence) return null;
            if (f.HeadEnd > 0 && !f.Borrowed && f.Kind is not Counted.Killed and not Counted.Wounded) return f;
        }
        return null;
    }

    /// <summary>
    /// A dateline: "BAGHDAD, Sept 6 (Meridian Wire) -", "PRESS RELEASE | Aug. 31, 2024": the date of the report, not of
    /// anything in it. Only capitals and separators stand before it in its line, and the line ends or goes on with "(", "-" or "|".
    /// </summary>
    private bool IsDateline(DateExpression.Match dm)
    {
        var p = _st.Paragraph[dm.Start];
        var k = dm.Start - 1;
        var separators = 0;
        while (k >= 0 && _st.Paragraph[k] == p)
        {
            var tk = _t[k];
            if (tk.IsWord && _text.AsSpan(tk.Start, tk.End - tk.Start).ToString() == _text[tk.Start..tk.End].ToUpperInvariant()) { k--; continue; }
            if (tk.Norm is "," or "|" or "-" or "." or "\u2013" or "\u2014") { separators++; k--; continue; }
            return false;
        }
        if (separators == 0 || k == dm.Start - 1) return false;
        return dm.End >= _t.Length || _st.Paragraph[dm.End] != p || _t[dm.End].Norm is "(" or "-" or "|" or "\u2013" or "\u2014";
    }

    private bool IsSentenceStart(int i) => _st.Sentences[_st.Sentence[i]].Start == i;

    /// <summary>The counted noun after a figure: "US troops", "of attacks", "US Army Reserve soldiers", "de soldats".</summary>
    private Counted? NounAfter(int end, out int countStart, out int headEnd)
    {
        countStart = end;
        headEnd = -1;
        var j = end;
        if (_t.IsAny(j, "of", "de", "d")) { j++; if (_t.Is(j, "'")) j++; }
        countStart = j;
        Counted? found = null;
        for (var k = j; k < _t.Length && k < j + 7; k++)
        {
            var tk = _t[k];
            if (k > j && tk.BreakBefore) break;
            if (tk.Kind == TokenKind.Punct)
            {
                if (tk.Norm is "-" or "'" && !tk.SpaceBefore) continue;
                if (tk.Norm == "." && !tk.SpaceBefore && _t[k - 1].IsWord && _t[k - 1].Norm.Length == 1) continue; // U.S.
                break;
            }
            if (tk.IsWord && Lexicon.Nouns.TryGetValue(tk.Norm, out var kind))
            {
                found = kind;
                headEnd = k + 1;
                // "service members", "drone attacks": the last noun of a run is the head.
                while (headEnd < _t.Length && _t[headEnd].IsWord && Lexicon.Nouns.TryGetValue(_t[headEnd].Norm, out var k2) && !_t[headEnd].BreakBefore)
                {
                    found = k2;
                    headEnd++;
                }
                if (found == Counted.Killed && kind == Counted.Troops) found = kind;
                if (_t[headEnd - 1].Norm == "members" && headEnd >= 2 && _t[headEnd - 2].Norm == "service") found = Counted.Troops;
                break;
            }
            if (tk.IsWord && (Lexicon.NounModifiers.Contains(tk.Norm) || char.IsUpper(_text[tk.Start]) && !IsSentenceStart(k))) continue;
            if (tk.IsWord && tk.Norm is "service" or "military") continue;
            break;
        }
        return found;
    }

    /// <summary>The casualty word nearest the figure within the window (not past a comma or a full stop).</summary>
    private Counted? CasualtyCue(int start, int end, int before, int after, out string? cue, out int cueAt)
    {
        cue = null;
        cueAt = -1;
        var best = int.MaxValue;
        Counted? kind = null;
        for (var k = start - 1; k >= 0 && k >= start - before; k--)
        {
            if (_t[k].Kind == TokenKind.Punct && _t[k].Norm is "," or "." or ";" or ":" or "\u201D" or "\u201C") break;
            if (Cue(k) is { } c && start - k < best) { best = start - k; kind = c; cue = _t[k].Norm; cueAt = k; break; }
        }
        for (var k = end; k < _t.Length && k < end + after; k++)
        {
            if (_t[k].Kind == TokenKind.Punct && _t[k].Norm is "," or "." or ";" or ":") break;
            if (Cue(k) is { } c && k - end + 1 < best) { kind = c; cue = _t[k].Norm; cueAt = k; break; }
        }
        return kind;
    }

    private Counted? Cue(int k) =>
        !_t[k].IsWord ? null : Lexicon.WoundedCues.Contains(_t[k].Norm) ? Counted.Wounded : Lexicon.KilledCues.Contains(_t[k].Norm) ? Counted.Killed : null;

    // ---- attributions ---------------------------------------------------------------------------------------

    private void FindAttributions()
    {
        for (var i = 0; i < _t.Length; i++)
        {
            if (!_t[i].IsWord || _st.InQuote[i]) continue;
            var w = _t[i].Norm;
            AttrFound? a = null;
            switch (_lang)
            {
                case Lang.En:
                    if (w == "according" && _t.Is(i + 1, "to")) a = Forward(i, i + 2, "according to");
                    else if (Lexicon.PhrasalFirst.Contains(w) && i + 1 < _t.Length && Lexicon.SecondWords.Contains(_t[i + 1].Norm) && (w.StartsWith("call", StringComparison.Ordinal) == (_t[i + 1].Norm == "for")))
                        a = Verb(i, i + 2);
                    else if (Lexicon.EnglishVerbs.Contains(w) && !char.IsUpper(_text[_t[i].Start]) && !(i > 0 && Lexicon.Determiners.Contains(_t[i - 1].Norm)))
                        a = Verb(i, i + 1);
                    break;
                case Lang.De:
                    if (w == "laut") a = Forward(i, i + 1, "laut");
                    else if (w == "nach" && _t.Is(i + 1, "angaben")) a = Forward(i, _t.IsAny(i + 2, "von", "des", "der") ? i + 3 : i + 2, "nach Angaben");
                    else if (w == "zufolge") a = Backward(i, i + 1, "zufolge");
                    else if (Lexicon.GermanVerbs.Contains(w) || w is "mitteilte" or "mitteilten" or "erklärte") a = Verb(i, i + 1);
                    break;
                case Lang.Fr:
                    if (w == "selon") a = Forward(i, i + 1, "selon");
                    else if (w == "d" && _t.Is(i + 1, "'") && _t.Is(i + 2, "après")) a = Forward(i, i + 3, "d'après");
                    else if (Lexicon.FrenchVerbs.Contains(w) && w != "selon") a = Verb(i, i + 1);
                    break;
            }
            if (a is null) continue;
            a.Sentence = _st.Sentence[i];
            Resolve(a);
            // "al-Sudani wrote an article ... where he called for": one asserter, already found in the sentence.
            if (a.Pronoun && a.Subject is { } ps && InSentence(a.Sentence).Any(p => p.Subject?.Subject.Id == ps.Subject.Id)) continue;
            _attributions.Add(a);
            Add(_attrBySentence, a.Sentence, a);
            Add(_attrByParagraph, _st.Paragraph[a.VerbStart], a);
        }
        // Dates that say when the asserter spoke: "In August, the State Department said", "Reuters on Monday reported".
        foreach (var a in _attributions)
        {
            var s = _st.Sentences[a.Sentence];
            var candidates = new List<DateFound>();
            foreach (var at in new[] { a.NpStart, a.NpStart - 1 }) if (_dateByEnd.TryGetValue(at, out var d0)) candidates.Add(d0);
            foreach (var at in new[] { a.VerbEnd, a.AudienceEnd, a.NpEnd }) if (at >= 0 && _dateByStart.TryGetValue(at, out var d1)) candidates.Add(d1);
            for (var k = a.NpEnd; k < a.VerbStart && k < a.NpEnd + 12; k++) if (_dateByStart.TryGetValue(k, out var d2)) candidates.Add(d2);
            foreach (var d in candidates)
            {
                if (_st.Sentence[d.M.Start] != a.Sentence || d.Role == TimeRole.StatedOn) continue;
                // "In August, the State Department said": a date before the asserter dates the saying only when it opens the sentence.
                var opens = d.M.Start == s.Start || d.M.Start == s.Start + 1 && _t[s.Start].Norm is "and" or "but" or "und" or "et";
                var beforeNp = opens && (d.M.End == a.NpStart || d.M.End + 1 == a.NpStart && _t[d.M.End].Norm == ",");
                var betweenNpAndVerb = d.M.Start >= a.NpEnd && d.M.End <= a.VerbStart;
                var afterVerb = d.M.Start == a.VerbEnd || a.AudienceEnd > 0 && d.M.Start == a.AudienceEnd || a.NpStart >= a.VerbEnd && d.M.Start == a.NpEnd;
                if (beforeNp || betweenNpAndVerb || afterVerb)
                {
                    d.Role = TimeRole.StatedOn;
                    d.SaidBy = a;
                    a.StatedOn = d;
                }
            }
        }
    }

    private static void Add<T>(Dictionary<int, List<T>> map, int key, T value)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(value);
    }

    private List<AttrFound> InSentence(int sentence) => _attrBySentence.TryGetValue(sentence, out var l) ? l : [];

    /// <summary>The mentions lying wholly inside [s, e), found by binary search.</summary>
    private IEnumerable<Mention> MentionsIn(int s, int e)
    {
        var idx = Array.BinarySearch(_mentionStarts, s);
        if (idx < 0) idx = ~idx;
        while (idx > 0 && _mentionStarts[idx - 1] == s) idx--;
        for (var k = idx; k < _mentions.Count && _mentions[k].Start < e; k++)
        {
            if (_mentions[k].End <= e) yield return _mentions[k];
        }
    }

    private AttrFound? Forward(int verbStart, int npFrom, string verb)
    {
        var (s, e) = ForwardNp(npFrom);
        if (e <= s) return null;
        return new AttrFound { NpStart = s, NpEnd = e, VerbStart = verbStart, VerbEnd = npFrom, Verb = verb };
    }

    private AttrFound? Backward(int verbStart, int verbEnd, string verb)
    {
        var (s, e) = BackwardNp(verbStart - 1);
        if (e <= s) return null;
        return new AttrFound { NpStart = s, NpEnd = e, VerbStart = verbStart, VerbEnd = verbEnd, Verb = verb };
    }

    private AttrFound? Verb(int verbStart, int verbEnd)
    {
        var verb = _t.Slice(_text, verbStart, verbEnd);
        // walk back over auxiliaries, adverbs and a date: "has previously said", "a déclaré", "on Monday reported"
        var k = verbStart - 1;
        var sStart = _st.Sentences[_st.Sentence[verbStart]].Start;
        while (k >= sStart)
        {
            if (_t[k].IsWord && IsAux(_t[k].Norm)) { k--; continue; }
            if (_dateByEnd.TryGetValue(k + 1, out var date) && date.M.Start >= sStart) { k = date.M.Start - 1; continue; }
            break;
        }
        var (s, e) = BackwardNp(k);
        var audienceEnd = -1;
        if (e > s && IsPlausibleAsserter(s, e))
        {
            var a = new AttrFound { NpStart = s, NpEnd = e, VerbStart = verbStart, VerbEnd = verbEnd, Verb = verb };
            if (_t[verbStart].Norm is "told" or "tells" && verbEnd < _t.Length && _t[verbEnd].IsWord)
            {
                audienceEnd = verbEnd;
                while (audienceEnd < _t.Length && audienceEnd < verbEnd + 4 && _t[audienceEnd].IsWord && _t[audienceEnd].Norm is not "that" and not "on" and not "in") audienceEnd++;
                a.AudienceEnd = audienceEnd;
            }
            return a;
        }
        // "and reiterated that ...": the asserter of the verb before it in the sentence.
        if (k >= sStart && _t[k].Norm is "and" or "und" or "et")
        {
            var previous = InSentence(_st.Sentence[verbStart]).LastOrDefault();
            if (previous is not null)
            {
                return new AttrFound
                {
                    NpStart = previous.NpStart, NpEnd = previous.NpEnd, VerbStart = verbStart, VerbEnd = verbEnd, Verb = verb, Coordinated = true,
                    Subject = previous.Subject, Contained = previous.Contained, Anonymous = previous.Anonymous, Speakers = previous.Speakers,
                    Pronoun = previous.Pronoun, Resolved = previous.Resolved, Note = "the same asserter as the verb before it in the sentence",
                };
            }
            return null;
        }
        // “…,” said X; „…“, sagte ein Sprecher; a déclaré le porte-parole; Am Montag sagte der Minister; Das sagten zwei Beamte
        if (k < sStart || _t[k].Kind == TokenKind.Punct || k == verbStart - 1 && IsSentenceStart(verbStart) || _dateByEnd.ContainsKey(verbStart)
            || _lang != Lang.En)
        {
            var from = verbEnd;
            if (_lang == Lang.De && _t.Is(from, "es")) { from++; if (_t.IsAny(from, "aus", "in", "von")) from++; } // hieß es aus Regierungskreisen
            if (_lang == Lang.Fr && _t.Is(from, "à"))
            {
                // "a affirmé à l'AFP un responsable": the audience, then the asserter
                var aud = from + 1;
                while (aud < _t.Length && aud < from + 5 && !(_t[aud].IsWord && Lexicon.Determiners.Contains(_t[aud].Norm) && _t[aud].Norm is "un" or "une" or "le" or "la" or "les" or "des")) aud++;
                audienceEnd = aud;
                from = aud;
            }
            var (fs, fe) = ForwardNp(from);
            if (fe > fs && IsPlausibleAsserter(fs, fe))
            {
                return new AttrFound { NpStart = fs, NpEnd = fe, VerbStart = verbStart, VerbEnd = verbEnd, Verb = verb, AudienceEnd = audienceEnd };
            }
        }
        return null;
    }

    // An asserter names someone: a capitalised word, a pronoun, a known subject, or a source word ("the report", "officials").
    private bool IsPlausibleAsserter(int s, int e)
    {
        if (e - s == 1 && _t[s].Norm is "nobody" or "none" or "niemand" or "personne" or "everyone" or "anyone") return false;
        if (e - s == 2 && _t[s].Norm == "no" && _t[s + 1].Norm == "one") return false;
        for (var k = s; k < e; k++)
        {
            var tk = _t[k];
            if (!tk.IsWord) continue;
            if (char.IsUpper(_text[tk.Start]) && !(k == s && Lexicon.Determiners.Contains(tk.Norm))) return true;
            if (Lexicon.Pronouns.Contains(tk.Norm) || Lexicon.AnonymousHeads.Contains(tk.Norm)) return true;
            if (tk.Norm is "report" or "reports" or "statement" or "government" or "ministry" or "military" or "administration" or "agency"
                or "army" or "police" or "spokesman" or "spokeswoman" or "rapport" or "communiqué" or "bericht" or "erklärung" or "ministerium"
                or "regierung" or "gouvernement" or "ministère" or "armee" or "armée" or "coalition" or "koalition") return true;
        }
        return MentionsIn(s, e).Any();
    }

    private (int Start, int End) BackwardNp(int last)
    {
        if (last < 0) return (0, 0);
        var sStart = _st.Sentences[_st.Sentence[last]].Start;
        var k = last;
        var start = last + 1;
        var words = 0;
        while (k >= sStart && words < 12)
        {
            var tk = _t[k];
            if (tk.Kind == TokenKind.Punct)
            {
                if (tk.Norm is "-" or "'" && !tk.SpaceBefore && start == k + 1 && words > 0) { start = k; k--; continue; }
                if (tk.Norm == "." && k > 0 && _t[k - 1].IsWord && (Lexicon.Abbreviations.Contains(_t[k - 1].Norm) || _t[k - 1].Norm.Length == 1)) { start = k; k--; continue; }
                break;
            }
            if (tk.IsWord && _st.InQuote[k]) break;
            if (tk.IsWord && Lexicon.NounPhraseStops.Contains(tk.Norm))
            {
                // "Biden and al-Sudani": "and" between two names stays in the phrase.
                var joinsNames = tk.Norm is "and" or "und" or "et" && k > sStart && Lexer.IsCapitalized(_text, _t[k - 1]) && words > 0
                    && (Lexer.IsCapitalized(_text, _t[k + 1]) || _mentionStarts.AsSpan().BinarySearch(k + 1) >= 0);
                var familiar = tk.Norm is "with" or "to" && k > sStart && _t[k - 1].Norm is "familiar" or "close" or "briefed";
                if (!joinsNames && !familiar) break;
            }
            if (tk.IsWord && !char.IsUpper(_text[tk.Start]) && IsVerbLike(tk.Norm) && words > 0) break;
            start = k;
            words++;
            k--;
        }
        // Leading lower-case words that cannot begin an asserter ("then the ministry") are dropped.
        while (start <= last && _t[start].IsWord && IsAux(_t[start].Norm)) start++;
        return (start, last + 1);
    }

    // French "a" (has) is an auxiliary; English "a" is an article.
    private bool IsAux(string w) => w == "a" ? _lang == Lang.Fr : Lexicon.Auxiliaries.Contains(w);

    private static bool IsVerbLike(string w) =>
        Lexicon.EnglishVerbs.Contains(w) || Lexicon.Auxiliaries.Contains(w) && w is not "a";

    private (int Start, int End) ForwardNp(int from)
    {
        var k = from;
        var sEnd = from < _t.Length ? _st.Sentences[_st.Sentence[from]].End : from;
        var words = 0;
        while (k < sEnd && words < 12)
        {
            var tk = _t[k];
            if (tk.Kind == TokenKind.Punct)
            {
                if (tk.Norm is "-" or "'" && !tk.SpaceBefore) { k++; continue; }
                if (tk.Norm == "." && k > 0 && _t[k - 1].IsWord && (Lexicon.Abbreviations.Contains(_t[k - 1].Norm) || _t[k - 1].Norm.Length == 1) && k + 1 < sEnd) { k++; continue; }
                break;
            }
            if (tk.IsWord && words > 0 && (tk.Norm is "that" or "que" or "dass" or "in" or "on" or "at" or "during" or "after" or "before" or "when"
                or "while" or "im" or "am" or "lors" or "dans" or "told" or "said" or "mit" or "who" or "which" or "qui" or "der" && words > 1)) break;
            if (_dateByStart.ContainsKey(k)) break;
            if (_lang == Lang.Fr && words > 0 && tk.IsWord && tk.Norm is "sous" or "lors" or "pour" or "après" or "avant" or "dans" or "sur" or "depuis" or "a" or "ont" or "est") break;
            // German nouns are capitalised: a lower-case word that is no article and no adjective before a noun ends the phrase.
            if (_lang == Lang.De && words > 0 && tk.IsWord && !char.IsUpper(_text[tk.Start]) && !Lexicon.Determiners.Contains(tk.Norm)
                && !(k + 1 < sEnd && _t[k + 1].IsWord && char.IsUpper(_text[_t[k + 1].Start]) && tk.Norm.EndsWith('e') | tk.Norm.EndsWith("en", StringComparison.Ordinal) | tk.Norm.EndsWith("er", StringComparison.Ordinal) | tk.Norm.EndsWith("es", StringComparison.Ordinal))) break;
            k++;
            words++;
        }
        return (from, k);
    }

    private void Resolve(AttrFound a)
    {
        if (a.Coordinated) return;
        var words = SubjectIndex.Normalized(_t, a.NpStart, a.NpEnd);
        var inside = MentionsIn(a.NpStart, a.NpEnd).ToList();
        // The speaker count: "two Iraqi officials", "a senior US official"
        var firstWord = a.NpStart;
        while (firstWord < a.NpEnd && _t[firstWord].IsWord && Lexicon.Determiners.Contains(_t[firstWord].Norm) && !NumberReader.IsArticle(_t[firstWord].Norm)) firstWord++;
        int? count = NumberReader.TryRead(_t, firstWord, _lang, out var n) && n.Value == decimal.Truncate(n.Value) ? (int)n.Value
            : firstWord < a.NpEnd && NumberReader.IsArticle(_t[firstWord].Norm) ? 1 : null;
        // Anonymous: the phrase's head is an anonymous source word, and no name follows it.
        var head = -1;
        for (var k = a.NpStart; k < a.NpEnd; k++)
        {
            if (_t[k].IsWord && Lexicon.AnonymousHeads.Contains(LastPart(_t[k].Norm))) { head = k; break; }
        }
        var named = false;
        if (head >= 0)
        {
            var caps = 0;
            for (var k = head + 1; k < a.NpEnd; k++)
            {
                if (_t[k].IsWord && char.IsUpper(_text[_t[k].Start])) { caps++; if (caps >= 2) named = true; }
                else if (_t[k].IsWord) caps = 0;
            }
            if (inside.Any(m => m.Subject.Kind is "person")) named = true;
        }
        a.Anonymous = head >= 0 && !named;
        if (a.Anonymous) a.Speakers = count;

        if (words.Length == 1 && Lexicon.Pronouns.Contains(words[0]))
        {
            a.Pronoun = true;
            ResolvePronoun(a, words[0]);
            return;
        }
        if (a.Anonymous) return;
        var joined = inside.Count >= 2;
        var content = words.SkipWhile(w => Lexicon.Determiners.Contains(w)).ToArray();
        if (joined || inside.Count == 0)
        {
            a.Contained = _subjects.Containing(content);
            if (a.Contained is not null) return;
        }
        if (inside.Count == 1 || inside.Count > 1 && !joined) a.Subject = inside.OrderByDescending(m => m.End - m.Start).First();
        else if (joined) a.Note = $"names {string.Join(" and ", inside.Select(m => m.Subject.Name))}: no one subject is the asserter";
    }

    private static string LastPart(string w) => w.Contains('-') ? w[(w.LastIndexOf('-') + 1)..] : w;

    private void ResolvePronoun(AttrFound a, string pronoun)
    {
        var plural = pronoun is "they" or "ils" or "elles";
        var sentence = _st.Sentence[a.NpStart];
        // a person named earlier in the same sentence
        if (!plural)
        {
            var here = MentionsIn(Math.Max(_st.Sentences[sentence].Start, a.NpStart - Reach), a.NpStart).LastOrDefault(m => m.Subject.Kind is null or "person");
            if (here.Subject is not null) { a.Subject = here; a.Resolved = $"'{pronoun}' is {here.Subject.Name}, named earlier in the sentence"; return; }
        }
        // the asserter of an attribution in the sentences before
        var prev = Enumerable.Range(1, 3).Select(d => sentence - d).Where(x => x >= 0).SelectMany(x => InSentence(x).AsEnumerable().Reverse())
            .FirstOrDefault(p => (p.Subject is not null || p.Contained is not null) && (plural || (p.Subject?.Subject ?? p.Contained?.Subject)?.Kind is null or "person"));
        if (prev is not null)
        {
            a.Subject = prev.Subject;
            a.Contained = prev.Contained;
            a.Resolved = $"'{pronoun}' is {(prev.Subject?.Subject ?? prev.Contained!.Value.Subject).Name}, the asserter of a sentence before";
            return;
        }
        if (!plural)
        {
            var from = _st.Sentences[Math.Max(0, sentence - 2)].Start;
            var before = MentionsIn(Math.Max(from, a.NpStart - 3 * Reach), a.NpStart).LastOrDefault(m => m.Subject.Kind is "person");
            if (before.Subject is not null) { a.Subject = before; a.Resolved = $"'{pronoun}' is {before.Subject.Name}, the person named last"; return; }
        }
        a.Resolved = $"'{pronoun}' names no subject the recognizer can find";
    }

    // ---- suggestions ----------------------------------------------------------------------------------------

    private TextSpan Span(int startToken, int endToken) =>
        new(_cp.FromUtf16(_t[startToken].Start), _cp.FromUtf16(_t[endToken - 1].End));

    private string Words(int startToken, int endToken) => _t.Slice(_text, startToken, endToken);

    /// <summary>The passage for [a, b): its clauses, widened while it has fewer than five words, within its sentence.</summary>
    private (int Start, int End) Passage(int a, int b)
    {
        var sentence = _st.Sentences[_st.Sentence[a]];
        var s = _st.Clauses[_st.Clause[a]].Start;
        var e = _st.Clauses[_st.Clause[Math.Max(a, b - 1)]].End;
        for (var guard = 0; WordCount(s, e) < 5 && guard < 6; guard++)
        {
            var prevClause = s > sentence.Start ? _st.Clauses[_st.Clause[s - 1]] : (Start: -1, End: -1);
            var nextClause = e < sentence.End && e < _t.Length ? _st.Clauses[_st.Clause[e]] : (Start: -1, End: -1);
            if (nextClause.Start >= 0 && (prevClause.Start < 0 || s == sentence.Start || IsOpening(s))) e = nextClause.End;
            else if (prevClause.Start >= 0) s = prevClause.Start;
            else break;
        }
        s = Math.Max(s, sentence.Start);
        e = Math.Min(e, sentence.End);
        // text with no punctuation: a window around the match
        if (e - s > Structure.MaxPassageTokens)
        {
            s = Math.Max(s, a - Structure.MaxPassageTokens / 2);
            e = Math.Min(e, Math.Max(b, s + Structure.MaxPassageTokens));
        }
        // trim punctuation and joining words at the edges
        while (s < e && s < a && (_t[s].Kind == TokenKind.Punct && _t[s].Norm is not "\u201C" || _t[s].Norm is "and" or "but" or "however" or "und" or "aber" or "et" or "mais")) s++;
        while (e > s && e > b && _t[e - 1].Kind == TokenKind.Punct && _t[e - 1].Norm is not "\u201D") e--;
        return (s, e);
    }

    // A short clause that opens its sentence ("Since the 2003 invasion,") takes the clause after it; one that closes it, the one before.
    private bool IsOpening(int s) => _st.Sentences[_st.Sentence[s]].Start >= s - 1;

    private int WordCount(int s, int e)
    {
        var n = 0;
        for (var k = s; k < e; k++) if (_t[k].IsWord || _t[k].IsNumber) n++;
        return n;
    }

    /// <summary>The known subject a passage is about: a mention inside it nearest the match, else in the sentence, else next to it.</summary>
    private (SubjectMatch? Match, string Why) SubjectFor(int a, int b, int ps, int pe, AttrFound? asserter)
    {
        bool Excluded(Mention m) => asserter is not null && (m.Start >= asserter.NpStart && m.End <= asserter.NpEnd
            || asserter.Subject is { } s && s.Subject.Id == m.Subject.Id || asserter.Contained is { } c && c.Subject.Id == m.Subject.Id);
        var sentenceIndex = _st.Sentence[a];
        var sentence = _st.Sentences[sentenceIndex];
        var best = Nearest(ps, pe, a, Excluded);
        if (best is { } inPassage) return (Match(inPassage), $"'{inPassage.Alias}' stands in the passage");
        var loose = _subjects.FindLoose(_t, ps, pe).Where(m => !Excluded(m)).OrderBy(m => Math.Abs(m.Start - a)).FirstOrDefault();
        if (loose.Subject is not null) return (Match(loose), $"the words of '{loose.Alias}' stand in the passage, with others between");
        var inSentence = Nearest(Math.Max(sentence.Start, a - Reach), Math.Min(sentence.End, b + Reach), a, Excluded);
        if (inSentence is { } s2) return (Match(s2), $"'{s2.Alias}' stands in the sentence");
        if (sentenceIndex > 0)
        {
            var prev = _st.Sentences[sentenceIndex - 1];
            var p = Nearest(Math.Max(prev.Start, prev.End - Reach), prev.End, prev.End, Excluded);
            if (p is { } pm) return (Match(pm), $"'{pm.Alias}' stands in the sentence before");
        }
        if (sentenceIndex + 1 < _st.Sentences.Count)
        {
            var next = _st.Sentences[sentenceIndex + 1];
            var q = Nearest(next.Start, Math.Min(next.End, next.Start + Reach), next.Start, Excluded);
            if (q is { } qm) return (Match(qm), $"'{qm.Alias}' stands in the sentence after");
        }
        return (null, "no known subject is named in the sentence or next to it");
    }

    private Mention? Nearest(int s, int e, int at, Func<Mention, bool> excluded)
    {
        var idx = Array.BinarySearch(_mentionStarts, s);
        if (idx < 0) idx = ~idx;
        Mention? best = null;
        var bestDistance = int.MaxValue;
        for (var k = idx; k < _mentions.Count && _mentions[k].Start < e; k++)
        {
            var m = _mentions[k];
            if (m.End > e || excluded(m)) continue;
            var d = m.End <= at ? at - m.End : m.Start >= at ? m.Start - at : 0;
            if (d < bestDistance) { best = m; bestDistance = d; }
        }
        return best;
    }

    private SubjectMatch Match(Mention m) => new(m.Subject.Id, m.Subject.Name, m.Alias, Span(m.Start, m.End), m.Exact);

    private AttrFound? Governing(int at)
    {
        var sentence = _st.Sentence[at];
        var list = InSentence(sentence);
        if (list.Count > 0) return Closest(list, at);
        if (!_st.InQuote[at]) return null;
        return _attrByParagraph.TryGetValue(_st.Paragraph[at], out var inParagraph) ? Closest(inParagraph, at) : null;
    }

    /// <summary>The attribution before the token nearest it, else the first after it (the list is in text order).</summary>
    private static AttrFound? Closest(List<AttrFound> list, int at)
    {
        int lo = 0, hi = list.Count - 1, before = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) / 2;
            if (list[mid].VerbStart <= at) { before = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return before >= 0 ? list[before] : list.Count > 0 ? list[0] : null;
    }

    private Attribution? ToAttribution(AttrFound? a)
    {
        if (a is null) return null;
        var asWritten = Words(a.NpStart, a.NpEnd);
        SubjectMatch? subject = a.Subject is { } m ? Match(m)
            : a.Contained is { } c ? new SubjectMatch(c.Subject.Id, c.Subject.Name, c.Alias, Span(a.NpStart, a.NpEnd), false) : null;
        var audience = a.AudienceEnd > a.VerbEnd ? Words(a.VerbEnd, a.AudienceEnd) : null;
        if (audience is not null && _lang == Lang.Fr && audience.StartsWith("à ", StringComparison.Ordinal)) audience = audience[2..];
        return new Attribution(asWritten, a.Anonymous, a.Anonymous ? asWritten : null, a.Speakers, subject, a.Verb, audience,
            a.StatedOn?.M.Reading, Span(a.NpStart, a.NpEnd));
    }

    private string AsserterWhy(AttrFound? a) => a is null
        ? "no attribution governs the sentence: the source's own voice"
        : $"asserted by {Words(a.NpStart, a.NpEnd)} ('{a.Verb}')";

    private Suggestion AttributionSuggestion(AttrFound a)
    {
        var s = Math.Min(a.NpStart, a.VerbStart);
        var e = Math.Max(Math.Max(a.NpEnd, a.VerbEnd), a.AudienceEnd);
        if (a.Coordinated) (s, e) = (a.VerbStart, a.VerbEnd);
        var attribution = ToAttribution(a)!;
        double confidence;
        string why;
        if (a.Pronoun)
        {
            confidence = attribution.Subject is null ? 0.4 : 0.65;
            why = a.Resolved ?? "a pronoun";
        }
        else if (a.Anonymous)
        {
            confidence = 0.75;
            why = $"an anonymous source, described as '{attribution.AsWritten}'" + (a.Speakers is { } n ? $", {n} speaker{(n == 1 ? "" : "s")}" : "");
        }
        else if (a.Subject is not null)
        {
            confidence = 0.9;
            why = $"'{attribution.AsWritten}' names the subject {a.Subject.Value.Subject.Name}";
        }
        else if (a.Contained is { } c)
        {
            confidence = 0.6;
            why = $"'{attribution.AsWritten}' is part of the name '{c.Alias}'";
        }
        else
        {
            confidence = 0.7;
            why = $"'{attribution.AsWritten}' names no known subject" + (a.Note is null ? "" : $" ({a.Note})");
        }
        if (a.Coordinated) why = $"{why}; {a.Note}";
        if (a.StatedOn is { } d) why += $"; said {d.M.Reading.Display}";
        var reason = $"'{Words(s, e)}': the reporting words '{a.Verb}'; {why}.";
        return new Suggestion(SuggestionKind.Attribution, Span(s, e), Words(s, e), Span(a.NpStart, a.NpEnd), attribution.AsWritten,
            attribution.Subject, null, attribution, null, null, null, null, null, confidence, reason, Reported(a, s, e));
    }

    /// <summary>
    /// The words of the attribution's sentence that it reports: the part before it when that part is a clause of its
    /// own ("The plan was agreed, two officials said"), else the part after it ("Reuters said the plan ...").
    /// </summary>
    private ReportedSpeech? Reported(AttrFound a, int s, int e)
    {
        var (ss, se) = _st.Sentences[a.Sentence];
        // At most Reach tokens either side: text without sentence ends (a table, a pasted list) is one "sentence", and
        // each of its thousands of attributions would otherwise report, and look for subjects in, the whole of it.
        var before = Math.Min(s, a.NpStart);
        var (bs, be) = TrimReported(Math.Max(ss, before - Reach), before);
        var after = Math.Max(e, a.NpEnd);
        // "said on Thursday that ...": the date of the saying is not what was said.
        if (a.StatedOn is { } d && d.M.Start >= after && d.M.Start <= after + 1) after = Math.Max(after, d.M.End);
        var (fs, fe) = TrimReported(after, Math.Min(se, after + Reach));
        var useBefore = !a.Coordinated && WordCount(bs, be) >= 3;
        var (cs, ce) = useBefore ? (bs, be) : (fs, fe);
        if (WordCount(cs, ce) < 2) return null;
        var (ps, pe) = (Math.Min(cs, Math.Min(s, a.NpStart)), Math.Max(ce, e));
        var (about, why) = SubjectFor(cs, ce, cs, ce, a);
        return new ReportedSpeech(Span(ps, pe), Words(ps, pe), Span(cs, ce), Words(cs, ce), about, why);
    }

    // Punctuation, quotation marks and "that" at the edges of reported words are not part of what was said.
    private (int Start, int End) TrimReported(int s, int e)
    {
        while (s < e && (_t[s].Kind == TokenKind.Punct || _t[s].IsWord && _t[s].Norm is "that" or "que" or "qu" or "dass")) s++;
        while (e > s && _t[e - 1].Kind == TokenKind.Punct) e--;
        return (s, e);
    }

    private PropertyMatch? Property(string key, string why)
    {
        if (!_properties.TryGetValue(key, out var p)) return null;
        return new PropertyMatch(p.Key, p.Unit, why);
    }

    private Suggestion QuantitySuggestion(FigureFound f)
    {
        var m = f.M;
        var reading = m.Reading;
        var headEnd = f.HeadEnd > 0 && !f.Borrowed ? f.HeadEnd : m.End;
        var (ps, pe) = Passage(m.Start, Math.Max(headEnd, f.CueAt >= 0 ? f.CueAt + 1 : headEnd));
        if (f.CueAt >= 0 && (f.CueAt < ps || f.CueAt >= pe))
        {
            ps = Math.Min(ps, f.CueAt);
            pe = Math.Max(pe, f.CueAt + 1);
        }
        var counts = f.HeadEnd > 0 ? Words(f.CountStart, f.HeadEnd) : null;
        var matchStart = m.Start;
        var matchEnd = m.End;
        var partNote = "";
        if (reading.Whole is { } whole)
        {
            // "hundreds of the 2,500 troops": the count of the whole is the claim; the part is what the sentence does with it.
            partNote = $"; '{reading.StatedAs}' is a part ({reading.Hedge}) of a whole, so the figure suggested is the whole, {FigureExpression.N(whole)}";
            var wholeReading = FigureExpression.Read(Words(m.NumberStart, m.NumberEnd), _lang.Code());
            if (wholeReading.Ok)
            {
                reading = wholeReading.Reading;
                matchStart = m.NumberStart;
                matchEnd = m.NumberEnd;
            }
        }
        var borrowed = f.Borrowed ? ", as the figure before it in the sentence does" : "";
        var (propertyKey, propertyWhy) = f.Kind switch
        {
            Counted.Troops => ("troop_count", $"it counts '{counts}'{borrowed}"),
            Counted.Attacks => ("attack_count", $"it counts '{counts}'{borrowed}"),
            Counted.Killed => ("killed", f.Cue is null ? $"it counts '{counts}'" : $"'{f.Cue}' beside it"),
            Counted.Wounded => ("wounded", f.Cue is null ? $"it counts '{counts}'" : $"'{f.Cue}' beside it"),
            _ => ((string?)null, counts is null ? "it names nothing it counts" : $"it counts '{counts}', which no property of the vocabulary counts"),
        };
        if (propertyKey == "troop_count" && m.Reading.Whole is null && Moving(m.Start, headEnd) is { } verb)
        {
            (propertyKey, propertyWhy) = (null, $"it counts '{counts}' moving ('{verb}'), not the size of a force");
        }
        var property = propertyKey is null ? null : Property(propertyKey, propertyWhy);
        var governing = Governing(m.Start);
        var (subject, subjectWhy) = SubjectFor(m.Start, headEnd, ps, pe, governing);
        DateFound? valid = null;
        for (var k = ps; k < pe && valid is null; k++)
        {
            if (_dateByStart.TryGetValue(k, out var d) && d.Role == TimeRole.Value && d.M.End <= pe && !(d.M.Start >= m.Start && d.M.End <= m.End)) valid = d;
        }
        var confidence = 0.5 + (property is not null ? 0.3 : -0.2) + (subject is not null ? 0.1 : 0) - (reading.Approximation == Approximation.Range && reading.Amount is null ? 0.05 : 0);
        if (f.Kind == Counted.People && property is null) confidence -= 0.05;
        var reason = $"{reading.Explanation.TrimEnd('.')}{partNote}; {(property is null ? $"no property: {propertyWhy}" : $"{property.Key}: {propertyWhy}")}; "
            + $"subject: {(subject is null ? subjectWhy : $"{subject.Name} ({subjectWhy})")}; {AsserterWhy(governing)}"
            + (valid is null ? "" : $"; valid {valid.M.Reading.Display}") + ".";
        return new Suggestion(SuggestionKind.Quantity, Span(ps, pe), Words(ps, pe), Span(matchStart, matchEnd), Words(matchStart, matchEnd),
            subject, property, ToAttribution(governing), valid?.M.Reading, reading, counts, null, null, Math.Clamp(confidence, 0.05, 0.95), reason);
    }

    /// <summary>"withdraw hundreds of troops", "hundreds of troops leaving": a verb of movement right before the figure or after its noun.</summary>
    private string? Moving(int start, int headEnd)
    {
        for (var k = Math.Max(0, start - 3); k < start; k++) if (_t[k].IsWord && Lexicon.Movement.Contains(_t[k].Norm)) return _t[k].Norm;
        for (var k = headEnd; k < _t.Length && k < headEnd + 2; k++) if (_t[k].IsWord && Lexicon.Movement.Contains(_t[k].Norm)) return _t[k].Norm;
        return null;
    }

    private Suggestion TimeSuggestion(DateFound d)
    {
        var m = d.M;
        var r = m.Reading;
        // A date of the saying is quoted with the attribution it dates: "In August, the State Department said".
        var (ps, pe) = d.SaidBy is { } said
            ? (Math.Min(m.Start, Math.Min(said.NpStart, said.VerbStart)), Math.Max(m.End, Math.Max(said.NpEnd, Math.Max(said.VerbEnd, said.AudienceEnd))))
            : Passage(m.Start, m.End);
        string? key;
        string why;
        var cueAt = -1;
        if (d.Role == TimeRole.StatedOn)
        {
            key = null;
            why = $"it dates the saying of {Words(d.SaidBy!.NpStart, d.SaidBy.NpEnd)} ('{d.SaidBy.Verb}'): the claims' statedOn, not a value";
        }
        else if (r.Modifier == TimeModifier.By)
        {
            key = "deadline";
            cueAt = NearestCue(m.Start, m.End, ps, pe, w => Lexicon.DeadlineCues.Contains(w), out var cue);
            why = cue is null ? "'by' makes it a deadline" : $"'by' makes it a deadline ('{cue}')";
        }
        else
        {
            cueAt = NearestCue(m.Start, m.End, _st.Sentences[_st.Sentence[m.Start]].Start, _st.Sentences[_st.Sentence[m.Start]].End, w => Lexicon.DateCues.ContainsKey(w), out var cue, 20);
            if (cue is not null)
            {
                key = Lexicon.DateCues[cue];
                why = $"'{Words(cueAt, cueAt + 1)}' names what happened then";
                if (key == "completed" && r.Modifier != TimeModifier.On) key = "event_date";
            }
            else if (r.Modifier == TimeModifier.From) { key = "start_date"; why = $"'{Words(m.Start, m.CoreStart)}' marks a start"; }
            else if (r.Modifier == TimeModifier.Until) { key = "end_date"; why = $"'{Words(m.Start, m.CoreStart)}' marks an end"; }
            else { key = null; why = "no word beside it says what the date is the date of"; }
        }
        if (cueAt >= 0 && (cueAt < ps || cueAt >= pe) && d.SaidBy is null)
        {
            var (cs, ce) = Passage(cueAt, cueAt + 1);
            ps = Math.Min(ps, cs);
            pe = Math.Max(pe, ce);
        }
        var property = key is null ? null : Property(key, why);
        var governing = d.SaidBy ?? Governing(m.Start);
        var (subject, subjectWhy) = SubjectFor(m.Start, m.End, ps, pe, governing);
        var confidence = d.Role == TimeRole.StatedOn ? 0.6 : 0.45 + (property is not null ? 0.35 : -0.1) + (subject is not null ? 0.1 : 0);
        if (r.Resolution is not null && _ctx.Published is { Precision: not DatePrecision.Day }) confidence -= 0.1;
        var reason = $"{r.Explanation.TrimEnd('.')}; {(property is null ? $"no property: {why}" : $"{property.Key}: {why}")}; "
            + $"subject: {(subject is null ? subjectWhy : $"{subject.Name} ({subjectWhy})")}; {AsserterWhy(governing)}.";
        return new Suggestion(SuggestionKind.Time, Span(ps, pe), Words(ps, pe), Span(m.Start, m.End), Words(m.Start, m.End), subject, property,
            ToAttribution(governing), null, null, null, r, d.Role, Math.Clamp(confidence, 0.05, 0.95), reason);
    }

    private int NearestCue(int a, int b, int s, int e, Func<string, bool> isCue, out string? cue, int maxDistance = int.MaxValue)
    {
        cue = null;
        var best = -1;
        var bestDistance = int.MaxValue;
        for (var k = Math.Max(s, a - Math.Min(maxDistance, 60)); k < e && k < b + Math.Min(maxDistance, 60); k++)
        {
            if (k >= a && k < b) continue;
            if (!_t[k].IsWord || !isCue(_t[k].Norm)) continue;
            var distance = k < a ? a - k : k - b + 1;
            if (distance < bestDistance && distance <= maxDistance) { best = k; bestDistance = distance; cue = _t[k].Norm; }
        }
        return best;
    }
}
