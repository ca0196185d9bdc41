using System.Globalization;
using System.Text;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;

namespace ClaimTracker.Bench;

public sealed record CorpusOptions(ulong Seed, int Sources, int Subjects = 5_000, int Asserters = 500)
{
    public const int ClaimsPerSource = 10;
    public const int PassagesPerSource = 20;
    public long Claims => (long)Sources * ClaimsPerSource;
    public long Passages => (long)Sources * PassagesPerSource;
}

public sealed record PassageDoc(long Id, Anchor Anchor);

/// <param name="Evidence">Passage ids with their source ids; the first is the claim's own sentence in its source.</param>
/// <param name="ForeignEvidence">Index in Evidence of a passage of an earlier source, or -1.</param>
public sealed record ClaimDoc(
    long Id, SubjectDef Subject, PropertyDef Property, ClaimValueInput Value, string? ValidAt, string? ValidFrom, string? ValidTo,
    string? StatedOn, SubjectDef? Asserter, string? Location, string? Note, ClaimStatus Status, string? RetractedReason,
    (long PassageId, long SourceId)[] Evidence, int ForeignEvidence, bool Deviant);

public sealed record SourceDoc(
    long Id, int Index, string Title, string? Subtitle, string Outlet, string[] Authors, string Url, PartialDate Published,
    DateOnly RetrievedOn, string Body, PassageDoc[] Passages, ClaimDoc[] Claims);

/// <summary>
/// The synthetic corpus, fully determined by its options. Sources are news articles about a topic subject; each
/// holds ten claim sentences (one per claim) and filler, and twenty passages (the claim sentences and ten others).
/// Subjects are Zipf-distributed (s = 0.9), properties too (s = 0.8). A subject/property group of more than thirty
/// claims is a series over time (valid times a day, month or year wide, about twenty claims per period), as reports
/// of one figure over months are; a smaller one is one question with one true value. Within a group all claims agree except in
/// about 1% of groups, where a few deviant claims contradict the rest.
/// </summary>
public sealed class Corpus
{
    private const ulong KTopic = 1, KClaim = 2, KGroup = 3, KPeriod = 4, KSource = 5, KName = 6, KOutlet = 7, KPick = 8, KTerm = 9, KExtra = 10;
    private const int ClaimsPerPeriod = 20, SingleQuestion = 30;
    public const double ConflictedShare = 0.01;

    public CorpusOptions Options { get; }
    public SubjectDef[] Subjects { get; }      // topic subjects 0..Subjects-1, then asserters
    public PropertyDef[] Properties => Vocabulary.Properties;
    private readonly string[] _countries, _demonyms, _places, _terms, _families;
    private readonly (string Name, string Domain)[] _outlets;
    private readonly Zipf _subjectZipf, _propertyZipf, _asserterZipf, _termZipf, _outletZipf, _placeZipf;
    private readonly int[] _groupSize;
    private readonly bool[] _conflicted;
    private readonly System.Collections.BitArray _deviant;
    private readonly ulong _seed;

    public int GroupCount { get; }
    public int ConflictedGroups { get; }

    public Corpus(CorpusOptions options)
    {
        Options = options;
        _seed = options.Seed;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        _countries = Unique(80, i => { var r = Rng.For(_seed, KName, 1_000_000 + (ulong)i); return Words.Capitalize(Words.Pseudo(ref r, 2)) + r.Pick(new[] { "ia", "an", "istan", "ova", "land" }); }, names);
        _demonyms = [.. _countries.Select(c => c.EndsWith('a') ? c + "n" : c.EndsWith("an") ? c + "i" : c + "ish")];
        _places = Unique(1_500, i => { var r = Rng.For(_seed, KName, 2_000_000 + (ulong)i); return Words.Capitalize(Words.Pseudo(ref r, r.Between(1, 2))); }, names);
        _families = Unique(600, i => { var r = Rng.For(_seed, KName, 3_000_000 + (ulong)i); return Words.Capitalize(Words.Pseudo(ref r, 2)) + r.Pick(new[] { "ov", "ani", "ez", "son", "ić", "i", "ara", "" }); }, names);
        _terms = Unique(20_000, i => { var r = Rng.For(_seed, KTerm, (ulong)i); return Words.Pseudo(ref r, r.Between(2, 3)); }, new HashSet<string>(names, StringComparer.OrdinalIgnoreCase));
        _outlets = [.. Enumerable.Range(0, 150).Select(MakeOutlet)];
        Subjects = MakeSubjects();

        _subjectZipf = new Zipf(options.Subjects, 0.9);
        _propertyZipf = new Zipf(Vocabulary.Properties.Length, 0.8);
        _asserterZipf = new Zipf(options.Asserters, 1.0);
        _termZipf = new Zipf(_terms.Length, 1.05);
        _outletZipf = new Zipf(_outlets.Length, 1.0);
        _placeZipf = new Zipf(_places.Length, 1.0);

        // The plan: subject and property of every claim, so that group sizes (and so series and conflicts) are known.
        _groupSize = new int[options.Subjects * 64];
        for (var s = 0; s < options.Sources; s++)
        {
            for (var j = 0; j < CorpusOptions.ClaimsPerSource; j++) _groupSize[Group(PlanClaim(s, j))]++;
        }
        GroupCount = _groupSize.Count(n => n > 0);

        // About 1% of the groups are in conflict: chosen among those with two claims or more whose values can conflict.
        _conflicted = new bool[_groupSize.Length];
        var eligible = Enumerable.Range(0, _groupSize.Length)
            .Where(g => _groupSize[g] >= 2 && Vocabulary.Properties[g % 64].Type != PropertyType.Text)
            .OrderBy(g => Rng.Mix(_seed ^ Rng.Mix(KPick) ^ (ulong)g))
            .Take((int)Math.Ceiling(GroupCount * ConflictedShare))
            .ToList();
        foreach (var g in eligible) _conflicted[g] = true;
        ConflictedGroups = eligible.Count;

        // In each conflicted group, 1% of its claims (at least one) deviate from the rest.
        _deviant = new System.Collections.BitArray((int)Math.Max(1, options.Claims));
        var members = new Dictionary<int, List<(ulong Hash, int Claim)>>();
        for (var s = 0; s < options.Sources; s++)
        {
            for (var j = 0; j < CorpusOptions.ClaimsPerSource; j++)
            {
                var g = Group(PlanClaim(s, j));
                if (!_conflicted[g]) continue;
                var index = s * CorpusOptions.ClaimsPerSource + j;
                if (!members.TryGetValue(g, out var list)) members[g] = list = [];
                list.Add((Rng.Mix(_seed ^ Rng.Mix(KPick + 1) ^ (ulong)index), index));
            }
        }
        foreach (var (g, list) in members)
        {
            foreach (var (_, claim) in list.OrderBy(m => m.Hash).Take(Math.Max(1, list.Count / 100))) _deviant[claim] = true;
        }
    }

    private static string[] Unique(int count, Func<int, string> make, HashSet<string> taken)
    {
        var result = new string[count];
        for (var i = 0; i < count; i++)
        {
            var attempt = 0;
            string name;
            do name = attempt == 0 ? make(i) : make(i + 7_919 * attempt);
            while (!taken.Add(name) && ++attempt < 1_000);
            result[i] = name;
        }
        return result;
    }

    private (string, string) MakeOutlet(int i)
    {
        var r = Rng.For(_seed, KOutlet, (ulong)i);
        var place = r.Pick(_places);
        var name = r.Next(6) switch
        {
            0 => $"The {place} Herald",
            1 => $"{r.Pick(_countries)} Daily {i}",
            2 => $"{Words.Capitalize(Words.Pseudo(ref r, 2))} Times",
            3 => $"{r.Pick(_countries)} Broadcasting {i}",
            4 => $"{place} Post",
            _ => $"{Words.Capitalize(Words.Pseudo(ref r, 2))} Wire",
        };
        var domain = new string([.. name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit)]) + i + ".example";
        return ($"{name}", domain);
    }

    private SubjectDef[] MakeSubjects()
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var subjects = new List<SubjectDef>(Options.Subjects + Options.Asserters);
        for (var i = 0; i < Options.Subjects + Options.Asserters; i++)
        {
            var asserter = i >= Options.Subjects;
            for (var attempt = 0; ; attempt++)
            {
                var r = Rng.For(_seed, KName, (ulong)i * 1_000 + (ulong)attempt);
                var (name, kind, aliases) = asserter ? AsserterName(ref r) : i < _countries.Length ? (_countries[i], "country", new[] { $"Republic of {_countries[i]}" }) : TopicName(ref r);
                if (!taken.Add(name)) continue;
                var kept = aliases.Where(a => !string.IsNullOrWhiteSpace(a) && taken.Add(a)).ToArray();
                long? broader = !asserter && i >= _countries.Length && r.Chance(0.3) ? r.Next(_countries.Length) + 1 : null;
                var description = r.Chance(0.5) ? $"{Words.Capitalize(kind)} in the benchmark corpus, {r.Pick(Words.Adjectives)} and {r.Pick(Words.Adjectives)}." : null;
                subjects.Add(new SubjectDef(i + 1, name, kind, description, broader, kept));
                break;
            }
        }
        return [.. subjects];
    }

    private (string, string, string[]) TopicName(ref Rng r)
    {
        var place = r.Pick(_places);
        var d = r.Next(_countries.Length);
        var x = r.NextDouble();
        if (x < 0.18) return ($"{_demonyms[d]} forces in {place}", "force", [$"{_demonyms[d]} troops in {place}"]);
        if (x < 0.36) return r.Chance(0.5) ? ($"{place}", "city", [$"{place} city"]) : ($"{place} province", "province", [$"{place} governorate"]);
        if (x < 0.58)
        {
            var what = r.Pick(new[] { "offensive", "ceasefire", "talks", "bombing", "floods", "blockade", "uprising", "evacuation" });
            return ($"the {place} {what}", "event", [$"{place} {what}"]);
        }
        if (x < 0.70)
        {
            var org = r.Pick(new[] { "Liberation Front", "Popular Mobilisation", "National Party", "Water Authority", "Defence Forces", "Reform Movement" });
            var acronym = new string([.. (place + " " + org).Split(' ').Select(w => w[0])]);
            return ($"{place} {org}", "organisation", [acronym]);
        }
        if (x < 0.82)
        {
            var family = r.Pick(_families);
            return ($"{r.Pick(Words.GivenNames)} {family}", "person", [$"{family} ({place})"]);
        }
        if (x < 0.92)
        {
            var c2 = r.Next(_countries.Length);
            return ($"{_demonyms[d]} military presence in {_countries[c2]}", "topic", [$"{_demonyms[d]} presence in {_countries[c2]}"]);
        }
        return (r.Pick(new[] { $"{_countries[d]} parliament", $"{_countries[d]} cabinet", $"{place} city council" }), "body", []);
    }

    private (string, string, string[]) AsserterName(ref Rng r)
    {
        var c = r.Pick(_countries);
        var place = r.Pick(_places);
        return r.Next(11) switch
        {
            0 => ($"{c} Ministry of Defence", "organisation", [$"{c} MoD"]),
            1 => ($"{c} Ministry of Health", "organisation", [$"{c} Health Ministry"]),
            2 => ($"{c} Foreign Ministry", "organisation", []),
            3 => ($"{c} Interior Ministry", "organisation", []),
            4 => ($"{place} governor's office", "organisation", []),
            5 => ($"{Words.Capitalize(Words.Pseudo(ref r, 2))} News Agency", "organisation", []),
            6 => ($"{place} Human Rights Observatory", "organisation", []),
            7 => ($"UN mission in {c}", "organisation", []),
            8 => ($"{c} army", "organisation", [$"army of {c}"]),
            9 => ($"{place} Red Crescent", "organisation", []),
            _ => ($"{r.Pick(Words.GivenNames)} {r.Pick(_families)}", "person", []),
        };
    }

    // ---- the plan -------------------------------------------------------------------------------------------

    private int Topic(int source)
    {
        var r = Rng.For(_seed, KTopic, (ulong)source);
        return _subjectZipf.Sample(ref r);
    }

    /// <summary>Subject index and property index of claim j of source s (any s, also past the corpus).</summary>
    public (int Subject, int Property) PlanClaim(int s, int j)
    {
        var r = Rng.For(_seed, KClaim, (ulong)s * CorpusOptions.ClaimsPerSource + (ulong)j);
        var subject = r.Chance(0.7) ? Topic(s) : _subjectZipf.Sample(ref r);
        return (subject, _propertyZipf.Sample(ref r));
    }

    private static int Group((int Subject, int Property) c) => c.Subject * 64 + c.Property;

    public int GroupSize(int subject, int property) => _groupSize[subject * 64 + property];

    public IEnumerable<(int Subject, int Property, int Size, bool Conflicted)> Groups() =>
        Enumerable.Range(0, _groupSize.Length).Where(g => _groupSize[g] > 0).Select(g => (g / 64, g % 64, _groupSize[g], _conflicted[g]));

    private bool IsDeviant(int s, int j) =>
        s < Options.Sources ? _deviant[s * CorpusOptions.ClaimsPerSource + j]
        : _conflicted[Group(PlanClaim(s, j))] && Rng.For(_seed, KExtra, (ulong)s * 16 + (ulong)j).Chance(0.03);

    // ---- sources --------------------------------------------------------------------------------------------

    /// <summary>Source s (0-based; its id is s + 1), with passages and claims. Past the corpus for extra sources.</summary>
    public SourceDoc Source(int s)
    {
        var r = Rng.For(_seed, KSource, (ulong)s);
        var sourceId = s + 1L;
        var topic = Subjects[Topic(s)];
        var published = new DateOnly(2000, 1, 1).AddDays(r.Next(9_300));
        var outlet = _outlets[_outletZipf.Sample(ref r)];

        var claims = new ClaimDoc[CorpusOptions.ClaimsPerSource];
        var claimSentences = new string[claims.Length];
        for (var j = 0; j < claims.Length; j++) (claims[j], claimSentences[j]) = MakeClaim(s, j, published);

        // Sentences: the claim sentences among filler, until the body is 2.6 to 5 KB and has ten filler sentences.
        var target = r.Between(2_600, 5_000);
        var sentences = new List<(string Text, int Claim)>();
        for (var j = 0; j < claims.Length; j++) sentences.Add((claimSentences[j], j));
        var length = claimSentences.Sum(c => c.Length + 1);
        var filler = 0;
        while (length < target || filler < 10)
        {
            var f = Filler(ref r, topic);
            sentences.Add((f, -1));
            length += f.Length + 1;
            filler++;
        }
        for (var i = sentences.Count - 1; i > 0; i--)
        {
            var k = r.Next(i + 1);
            (sentences[i], sentences[k]) = (sentences[k], sentences[i]);
        }

        var body = new StringBuilder(length + 200);
        var place = _places[_placeZipf.Sample(ref r)];
        body.Append(place.ToUpperInvariant()).Append(", ").Append(DayWords(published)).Append(" (").Append(outlet.Name).Append(") \u2014 ");
        var spans = new (int Start, int End, int Claim)[sentences.Count];
        var untilBreak = r.Between(2, 4);
        for (var i = 0; i < sentences.Count; i++)
        {
            var start = body.Length;
            body.Append(sentences[i].Text);
            spans[i] = (start, body.Length, sentences[i].Claim);
            if (i == sentences.Count - 1) break;
            if (--untilBreak == 0)
            {
                body.Append("\n\n");
                untilBreak = r.Between(2, 4);
            }
            else body.Append(' ');
        }
        var text = new CodePoints(body.ToString());

        // Passages 0..9 are the claim sentences, 10..19 other sentences (a quarter of them running into the next one).
        var passages = new PassageDoc[CorpusOptions.PassagesPerSource];
        var fillerSpans = Enumerable.Range(0, spans.Length).Where(i => spans[i].Claim < 0).OrderBy(_ => r.NextULong()).Take(10).ToList();
        for (var i = 0; i < spans.Length; i++)
        {
            if (spans[i].Claim >= 0) passages[spans[i].Claim] = new PassageDoc(PassageId(s, spans[i].Claim), Anchoring.At(text, spans[i].Start, spans[i].End));
        }
        for (var k = 0; k < 10; k++)
        {
            var i = fillerSpans[k];
            var end = i + 1 < spans.Length && r.Chance(0.25) ? spans[i + 1].End : spans[i].End;
            passages[10 + k] = new PassageDoc(PassageId(s, 10 + k), Anchoring.At(text, spans[i].Start, end));
        }
        var title = $"{Words.Capitalize(topic.Name)}: {r.Pick(Words.Adjectives)} {r.Pick(Words.Nouns)} {r.Pick(Words.Verbs)} {r.Pick(Words.Times)}";
        string? subtitle = r.Chance(0.3) ? Words.Capitalize(Filler(ref r, topic)) : null;
        var authors = Enumerable.Range(0, r.Between(0, 2)).Select(_ => $"{r.Pick(Words.GivenNames)} {r.Pick(_families)}").Distinct().ToArray();
        var slug = string.Join('-', topic.Name.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(5).Select(w => new string([.. w.Where(char.IsAsciiLetterOrDigit)])));
        var url = $"https://www.{outlet.Domain}/{published:yyyy/MM/dd}/{slug}-{s}";
        var precision = r.Chance(0.9) ? DatePrecision.Day : DatePrecision.Month;
        var publishedDate = precision == DatePrecision.Day ? new PartialDate(published, precision) : new PartialDate(new DateOnly(published.Year, published.Month, 1), precision);
        return new SourceDoc(sourceId, s, title, subtitle, outlet.Name, authors, url, publishedDate, published.AddDays(r.Between(0, 30)), text.Text, passages, claims);
    }

    public static long PassageId(int s, int k) => (long)s * CorpusOptions.PassagesPerSource + k + 1;

    public static long ClaimId(int s, int j) => (long)s * CorpusOptions.ClaimsPerSource + j + 1;

    // ---- claims ---------------------------------------------------------------------------------------------

    private (ClaimDoc, string) MakeClaim(int s, int j, DateOnly published)
    {
        var (subjectIndex, propertyIndex) = PlanClaim(s, j);
        var r = Rng.For(_seed, KClaim + 100, (ulong)s * CorpusOptions.ClaimsPerSource + (ulong)j);
        var property = Vocabulary.Properties[propertyIndex];
        var subject = Subjects[subjectIndex];
        var g = subjectIndex * 64 + propertyIndex;
        var size = _groupSize[g];
        var gr = Rng.For(_seed, KGroup, (ulong)g);
        var deviant = IsDeviant(s, j);

        // Periods: a large group is a series, about twenty claims per period, each period a year, month or day.
        var periods = Periods(size);
        var period = periods == 1 ? 0 : r.Next(periods);
        string? validAt = null, validFrom = null, validTo = null;
        if (periods > 1)
        {
            validAt = PeriodText(ref gr, periods, period);
        }
        else if (r.Chance(0.15))
        {
            var day = new DateOnly(1995, 1, 1).AddDays(r.Next(11_300));
            validAt = r.Next(3) switch { 0 => $"{day:yyyy}", 1 => $"{day:yyyy-MM}", _ => $"{day:yyyy-MM-dd}" };
        }
        else if (r.Chance(0.06))
        {
            var from = r.Between(1995, 2022);
            (validFrom, validTo) = ($"{from}", $"{from + r.Between(1, 3)}");
        }
        var pr = Rng.For(_seed, KPeriod, (ulong)g * 65_536 + (ulong)period);

        ClaimValueInput value;
        string words;
        if (!deviant && r.Chance(0.005))
        {
            value = new ClaimValueInput(ValueKind.Unknown);
            words = $"the {property.Label} for {{S}} remains unknown";
        }
        else
        {
            (value, words) = property.Type switch
            {
                PropertyType.Quantity => Quantity(ref r, ref gr, ref pr, property, deviant, periods > 1, size == 1,
                    subject.BroaderId is { } broader && property.NonNegative ? GroupBase((int)broader - 1, propertyIndex, property) : null),
                PropertyType.Time => Time(ref r, ref gr, ref pr, property, deviant),
                PropertyType.Text => Text(ref r, ref pr, property),
                _ => StanceValue(ref r, ref pr, deviant),
            };
            if (value.Proposition is not null) value = value with { Proposition = value.Proposition.Replace("{S}", subject.Name) };
        }

        var statementLike = property.Type is PropertyType.Text or PropertyType.Stance;
        SubjectDef? asserter = r.Chance(statementLike ? 0.85 : 0.4) ? Subjects[Options.Subjects + _asserterZipf.Sample(ref r)] : null;
        string? statedOn = r.Chance(0.25) ? $"{published.AddDays(-r.Next(6)):yyyy-MM-dd}" : null;
        string? location = r.Chance(0.1) ? _places[_placeZipf.Sample(ref r)] : null;
        string? note = r.Chance(0.05) ? Note(ref r) : null;
        var status = r.Chance(0.3) ? ClaimStatus.Verified : ClaimStatus.Draft;
        string? retracted = null;
        if (r.Chance(0.01)) (status, retracted) = (ClaimStatus.Retracted, "the outlet withdrew the report");

        var evidence = new List<(long, long)> { (PassageId(s, j), s + 1L) };
        var foreign = -1;
        if (s > 0 && r.Chance(0.12))
        {
            var earlier = r.Next(Math.Min(s, Options.Sources));
            foreign = 1;
            evidence.Add((PassageId(earlier, 10 + r.Next(10)), earlier + 1L));
        }

        // The claim sentence: who says it, the subject, the value as stated, when it holds, and some context.
        var subjectWords = subject.Aliases.Length > 0 && r.Chance(0.2) ? subject.Aliases[0] : subject.Name;
        var sentence = new StringBuilder();
        if (asserter is not null && property.Type == PropertyType.Text) sentence.Append(asserter.Name).Append(" said: ");
        else if (asserter is not null && property.Type != PropertyType.Stance) sentence.Append("According to ").Append(asserter.Name).Append(", ");
        else if (asserter is not null) sentence.Append(asserter.Name).Append(' ');
        if (asserter is null && property.Type == PropertyType.Stance) sentence.Append("Officials ");
        sentence.Append(words.Replace("{S}", subjectWords).Replace("{L}", property.Label));
        if (validAt is not null) sentence.Append(validAt.Length == 10 ? " on " : " in ").Append(PeriodWords(validAt));
        else if (validFrom is not null) sentence.Append(" from ").Append(validFrom).Append(" to ").Append(validTo);
        if (location is not null) sentence.Append(" near ").Append(location);
        if (r.Chance(0.4)) sentence.Append(", amid ").Append(r.Pick(Words.Adjectives)).Append(' ').Append(Term(ref r)).Append(' ').Append(r.Pick(Words.Nouns));
        sentence.Append('.');
        var text = Words.Capitalize(sentence.ToString());

        var claim = new ClaimDoc(ClaimId(s, j), subject, property, value, validAt, validFrom, validTo, statedOn, asserter, location, note,
            status, retracted, [.. evidence], foreign, deviant);
        return (claim, text);
    }

    private static string PeriodText(ref Rng gr, int periods, int period)
    {
        if (periods <= 30) return $"{1996 + gr.Next(30 - periods + 1) + period}";
        if (periods <= 360)
        {
            var month = gr.Next(372 - periods + 1) + period;
            return $"{1995 + month / 12}-{month % 12 + 1:D2}";
        }
        return $"{new DateOnly(1995, 1, 1).AddDays(gr.Next(Math.Max(1, 11_000 - periods)) + period):yyyy-MM-dd}";
    }

    /// <summary>
    /// The figure a group's reports are drawn around (before a series' drift), as <see cref="Quantity"/> draws it: the
    /// group's first draw, after the one <see cref="PeriodText"/> makes for a series.
    /// </summary>
    private double GroupBase(int subjectIndex, int propertyIndex, PropertyDef p)
    {
        var g = subjectIndex * 64 + propertyIndex;
        var gr = Rng.For(_seed, KGroup, (ulong)g);
        var periods = Periods(_groupSize[g]);
        if (periods > 1) PeriodText(ref gr, periods, 0);
        return Scale(p, gr.NextDouble());
    }

    /// <summary>A group's periods: one question, or a series of about twenty claims per period.</summary>
    private static int Periods(int size) => size <= SingleQuestion ? 1 : (int)Math.Ceiling(size / (double)ClaimsPerPeriod);

    private static double Scale(PropertyDef p, double u) =>
        p.Linear ? p.Lo + u * (p.Hi - p.Lo) : Math.Exp(Math.Log(p.Lo) + u * (Math.Log(p.Hi) - Math.Log(p.Lo)));

    /// <param name="whole">
    /// The broader subject's figure, for a count of a narrower one (a place within a country): reports put the part at 5
    /// to 40% of the whole, so that, drift and hedges included, only a deviant report puts it above the whole's total.
    /// (Drawn on their own, a third of the narrower subjects' figures stood above their country's, and the rule that
    /// flags a part above its whole found 85,000 conflicts in a 100,000-claim corpus besides the 6,300 of the deviants.)
    /// </param>
    private (ClaimValueInput, string) Quantity(ref Rng r, ref Rng gr, ref Rng pr, PropertyDef p, bool deviant, bool series, bool alone, double? whole)
    {
        var u = gr.NextDouble();
        var baseValue = whole is { } w ? w * (0.05 + 0.35 * u) : Scale(p, u);
        if (series) baseValue *= Math.Exp(pr.NextDouble() * 0.7 - 0.35);
        var t = Round(baseValue, p.Linear);
        var unit = p.Unit;
        string V(string stated) => p.Template.Replace("{L}", p.Label).Replace("{V}", unit is null ? stated : $"{stated} {unit}");

        if (deviant)
        {
            if (r.Chance(0.2)) return (new ClaimValueInput(ValueKind.None, StatedAs: $"no {unit ?? p.Label}"), p.Template.Replace("{V}", $"no {unit ?? p.Label}"));
            var far = t > 0 ? Round((double)t * (1.8 + r.NextDouble() * 1.2), p.Linear) : t - Math.Abs(t) * 2 - 10;
            return (new ClaimValueInput(ValueKind.Quantity, Amount: far, StatedAs: Fmt(far)), V(Fmt(far)));
        }

        // A group of one claim may say there is none ("no troops remain"): nothing to contradict it.
        if (alone && r.Chance(0.01)) return (new ClaimValueInput(ValueKind.None, StatedAs: $"no {unit ?? p.Label}"), p.Template.Replace("{V}", $"no {unit ?? p.Label}"));
        var x = r.NextDouble();
        if (x < 0.40 || t <= 0 && x < 0.65) return (new ClaimValueInput(ValueKind.Quantity, Amount: t, StatedAs: Fmt(t)), V(Fmt(t)));
        if (x < 0.65)
        {
            var a = RoundSig(t, 2);
            if (Math.Abs(a - t) > 0.08m * Math.Abs(t)) a = t;
            var word = r.Pick(new[] { "about", "some", "nearly", "roughly", "around" });
            decimal? tolerance = r.Chance(0.15) ? 0.2m : null;
            return (new ClaimValueInput(ValueKind.Quantity, Amount: a, Approximation: Approximation.Approximate, Tolerance: tolerance, StatedAs: $"{word} {Fmt(a)}"), V($"{word} {Fmt(a)}"));
        }
        if (x < 0.80)
        {
            if (t is >= 200 and <= 999 && !p.Linear && r.Chance(0.3))
            {
                return (new ClaimValueInput(ValueKind.Quantity, LowerBound: 200, UpperBound: 999, Approximation: Approximation.Range, StatedAs: "hundreds"), V("hundreds of"));
            }
            var lo = Floor2(t - Math.Abs(t) * 0.2m, p.Linear);
            var hi = Ceil2(t + Math.Abs(t) * 0.25m, p.Linear);
            return (new ClaimValueInput(ValueKind.Quantity, LowerBound: lo, UpperBound: hi, Approximation: Approximation.Range, StatedAs: $"between {Fmt(lo)} and {Fmt(hi)}"),
                V($"between {Fmt(lo)} and {Fmt(hi)}"));
        }
        if (x < 0.90)
        {
            var least = Floor2(t - Math.Abs(t) * 0.1m, p.Linear);
            return (new ClaimValueInput(ValueKind.Quantity, Amount: least, Approximation: Approximation.AtLeast, StatedAs: $"at least {Fmt(least)}"), V($"at least {Fmt(least)}"));
        }
        var most = Ceil2(t + Math.Abs(t) * 0.1m, p.Linear);
        return (new ClaimValueInput(ValueKind.Quantity, Amount: most, Approximation: Approximation.AtMost, StatedAs: $"up to {Fmt(most)}"), V($"up to {Fmt(most)}"));
    }

    private static decimal Round(double v, bool linear) => linear ? Math.Round((decimal)v, 1) : Math.Max(1, Math.Round(RoundSig((decimal)v, v >= 1_000 ? 3 : 2)));

    private static decimal RoundSig(decimal v, int digits)
    {
        if (v == 0) return 0;
        var scale = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)Math.Abs(v))) - digits + 1);
        return scale >= 1 ? Math.Round(v / scale) * scale : Math.Round(v, digits);
    }

    private static decimal Floor2(decimal v, bool linear)
    {
        if (linear) return Math.Floor(v);
        if (v <= 10) return Math.Max(0, Math.Floor(v));
        var scale = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)v)) - 1);
        return Math.Floor(v / scale) * scale;
    }

    private static decimal Ceil2(decimal v, bool linear)
    {
        if (linear || v <= 10) return Math.Ceiling(v);
        var scale = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)v)) - 1);
        return Math.Ceiling(v / scale) * scale;
    }

    public static string Fmt(decimal v) => v.ToString("#,0.##", CultureInfo.InvariantCulture);

    private (ClaimValueInput, string) Time(ref Rng r, ref Rng gr, ref Rng pr, PropertyDef p, bool deviant)
    {
        var modifier = p.Key switch
        {
            "deadline" or "withdrawal" => TimeModifier.By,
            "start_date" => gr.Chance(0.3) ? TimeModifier.From : TimeModifier.On,
            "end_date" => gr.Chance(0.3) ? TimeModifier.Until : TimeModifier.On,
            _ => gr.Chance(0.1) ? (gr.Chance(0.5) ? TimeModifier.Before : TimeModifier.After) : TimeModifier.On,
        };
        var date = new DateOnly(1995, 1, 1).AddDays(pr.Next(11_300));
        if (deviant) date = date.AddYears(r.Between(1, 3));
        var (text, words) = r.Next(10) switch
        {
            < 5 => ($"{date:yyyy-MM-dd}", $"{date.Day} {Words.Months[date.Month - 1]} {date.Year}"),
            < 8 => ($"{date:yyyy-MM}", $"{Words.Months[date.Month - 1]} {date.Year}"),
            _ => ($"{date:yyyy}", $"{date.Year}"),
        };
        var stated = modifier switch
        {
            TimeModifier.On => (text.Length == 10 ? "on " : "in ") + words,
            _ => $"{modifier.ToString().ToLowerInvariant()} {words}",
        };
        return (new ClaimValueInput(ValueKind.Time, Date: text, Modifier: modifier == TimeModifier.On && r.Chance(0.5) ? null : modifier, StatedAs: stated),
            p.Template.Replace("{V}", stated));
    }

    private (ClaimValueInput, string) Text(ref Rng r, ref Rng pr, PropertyDef p)
    {
        var variant = r.NextDouble() switch { < 0.6 => 0, < 0.9 => 1, _ => 2 };
        var vr = Rng.For(_seed, KPeriod + 50, pr.NextULong() + (ulong)variant);
        var quote = $"We will not accept {vr.Pick(Words.Adjectives)} {Term(ref vr)} {vr.Pick(Words.Nouns)} while the {vr.Pick(Words.Nouns)} {vr.Pick(Words.Verbs)} {vr.Pick(Words.Times)}";
        return (new ClaimValueInput(ValueKind.Text, Text: quote), $"\u201c{quote}\u201d, on the {p.Label} about {{S}}");
    }

    private (ClaimValueInput, string) StanceValue(ref Rng r, ref Rng pr, bool deviant)
    {
        var proposition = $"{pr.Pick(Words.Adjectives)} {pr.Pick(Words.Nouns)} on {{S}} were under discussion with {pr.Pick(_countries)}";
        var baseline = pr.Chance(0.8) ? Stance.Affirms : Stance.Denies;
        var stance = deviant ? (baseline == Stance.Affirms ? Stance.Denies : Stance.Affirms) : baseline;
        return (new ClaimValueInput(ValueKind.Stance, Stance: stance, Proposition: proposition),
            (stance == Stance.Affirms ? "confirmed that " : "denied that ") + proposition);
    }

    private string Note(ref Rng r) => r.Next(4) switch
    {
        0 => "Figure revised from an earlier report.",
        1 => $"Attributed to an unnamed {r.Pick(Words.Adjectives)} official.",
        2 => $"The {Term(ref r)} figure is disputed by {r.Pick(_countries)}.",
        _ => $"Reported again by {r.Pick(_outlets).Name}.",
    };

    private string Term(ref Rng r) => _terms[_termZipf.Sample(ref r)];

    private string Filler(ref Rng r, SubjectDef topic)
    {
        string Place(ref Rng rr) => _places[_placeZipf.Sample(ref rr)];
        var place = Place(ref r);
        return r.Next(8) switch
        {
            0 => $"{Words.Capitalize(r.Pick(Words.Adjectives))} {r.Pick(Words.Nouns)} {r.Pick(Words.Verbs)} the {Term(ref r)} {r.Pick(Words.Nouns)} {r.Pick(Words.Times)}, {r.Pick(Words.Adjectives)} {r.Pick(Words.Nouns)} said.",
            1 => $"{r.Pick(Words.GivenNames)} {r.Pick(_families)}, a {r.Pick(Words.Adjectives)} {r.Pick(Words.Nouns)} official in {place}, said the {r.Pick(Words.Nouns)} had been {r.Pick(Words.Verbs)} {r.Pick(Words.Times)}.",
            2 => $"The {r.Pick(Words.Nouns)} near {place} was {r.Pick(Words.Adverbs)} {r.Pick(Words.Verbs)} after {r.Between(2, 40)} {r.Pick(Words.Nouns)} {r.Pick(Words.Verbs)} the {Term(ref r)} {r.Pick(Words.Nouns)}.",
            3 => $"Residents of {place} said {r.Pick(Words.Nouns)} and {r.Pick(Words.Nouns)} were {r.Pick(Words.Adjectives)} {r.Pick(Words.Times)}, and that the {Term(ref r)} {r.Pick(Words.Nouns)} had {r.Pick(Words.Adverbs)} {r.Pick(Words.Verbs)}.",
            4 => $"\u201cThe {r.Pick(Words.Nouns)} is {r.Pick(Words.Adjectives)}, and the {r.Pick(Words.Nouns)} in {place} cannot wait,\u201d a {r.Pick(Words.Adjectives)} {r.Pick(Words.Nouns)} told {r.Pick(_outlets).Name}.",
            5 => $"It was not clear whether {topic.Name} would be {r.Pick(Words.Verbs)} by the {r.Pick(Words.Adjectives)} {Term(ref r)} {r.Pick(Words.Nouns)}, which {r.Pick(Words.Verbs)} the {r.Pick(Words.Nouns)} {r.Pick(Words.Times)}.",
            6 => $"{Words.Capitalize(r.Pick(Words.Nouns))} from {r.Pick(_countries)} {r.Pick(Words.Adverbs)} {r.Pick(Words.Verbs)} the {r.Pick(Words.Adjectives)} {r.Pick(Words.Nouns)} in {place} and {Place(ref r)}, according to {r.Pick(Words.Nouns)} seen by the {Term(ref r)} {r.Pick(Words.Nouns)}.",
            _ => $"The {Term(ref r)} {r.Pick(Words.Nouns)}, {r.Pick(Words.Adverbs)} {r.Pick(Words.Adjectives)}, {r.Pick(Words.Verbs)} {r.Between(3, 900)} {r.Pick(Words.Nouns)} {r.Pick(Words.Times)}, {r.Pick(Words.Nouns)} in {place} said.",
        };
    }

    private static string DayWords(DateOnly d) => $"{d.Day} {Words.Months[d.Month - 1]} {d.Year}";

    private static string PeriodWords(string partial) => partial.Length switch
    {
        4 => partial,
        7 => $"{Words.Months[int.Parse(partial[5..], CultureInfo.InvariantCulture) - 1]} {partial[..4]}",
        _ => DayWords(DateOnly.ParseExact(partial, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
    };
}
