using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Suggestions;

/// <summary>
/// The recognizer on invented reports of the same events in other outlets, styles and languages (Reports/*.txt, each
/// marked invented), against the claims a curator would write of them (Reports/*.yaml): recall over their figures and
/// dates, and precision as the share of suggestions that are one of those claims or one of their attributions.
/// </summary>
public sealed class ReportRecognitionTests(ITestOutputHelper output)
{
    // Floors just under what the recognizer reaches, so that a rule that breaks shows; docs/suggestions.md has the figures.
    private const double RecallFloor = 0.85;
    private const double PrecisionFloor = 0.75;

    private static readonly string Dir = Path.Combine(Scoring.Root, "tests", "ClaimTracker.Tests", "Suggestions", "Reports");

    public sealed class ReportFile
    {
        public string? Published { get; set; }
        public string Language { get; set; } = "en";
        public string? Style { get; set; }
        public List<ClaimEntry> Claims { get; set; } = [];
        public List<AttributionEntry> Attributions { get; set; } = [];
    }

    public sealed class ClaimEntry
    {
        public string Key { get; set; } = "";
        public string Kind { get; set; } = "";
        public string Exact { get; set; } = "";
        public string? Prefix { get; set; }
        public decimal? Amount { get; set; }
        public decimal? LowerBound { get; set; }
        public decimal? UpperBound { get; set; }
        public string? Approximation { get; set; }
        public string? Date { get; set; }
        public string? Modifier { get; set; }
        public string? Property { get; set; }
    }

    public sealed class AttributionEntry
    {
        public string Exact { get; set; } = "";
        public string? Prefix { get; set; }
        public string Asserter { get; set; } = "";
        public bool Anonymous { get; set; }
    }

    public static TheoryData<string> Reports() => [.. Directory.GetFiles(Dir, "*.txt").Order(StringComparer.Ordinal).Select(f => Path.GetFileNameWithoutExtension(f))];

    private static (string Text, ReportFile File) Load(string name)
    {
        var text = CodePoints.Nfc(File.ReadAllText(Path.Combine(Dir, name + ".txt")));
        var file = Scoring.Yaml.Deserialize<ReportFile>(File.ReadAllText(Path.Combine(Dir, name + ".yaml")));
        return (text, file);
    }

    private sealed record Score(int Expected, int Found, int Kept, int Total, int Attributions, int AttributionsFound, List<string> Notes);

    private static Score Measure(string name)
    {
        var (text, file) = Load(name);
        var suggestions = Recognizer.Find(text, Scoring.Context(file.Published, file.Language));
        var notes = new List<string>();
        var claims = file.Claims.Select(c => new ExpectedClaim(c.Key, c.Kind == "stated_on" ? "time" : c.Kind, CodePoints.Nfc(c.Exact), c.Prefix,
            c.Amount, c.LowerBound, c.UpperBound, c.Approximation, c.Date, c.Modifier)).ToList();
        var statedOn = file.Claims.Where(c => c.Kind == "stated_on").Select(c => c.Key).ToHashSet();
        int found = 0, kept = 0, attributionsFound = 0;
        var spans = claims.Select(c => Scoring.Locate(text, c.Exact, c.Prefix)).ToList();
        var attributionSpans = file.Attributions.Select(a => Scoring.Locate(text, CodePoints.Nfc(a.Exact), a.Prefix)).ToList();
        bool Matches(Suggestion s, int i)
        {
            var c = claims[i];
            var kind = c.Kind == "quantity" ? SuggestionKind.Quantity : SuggestionKind.Time;
            if (s.Kind != kind || !Scoring.Overlaps(s.Passage, spans[i])) return false;
            if (statedOn.Contains(c.Key))
            {
                return s.Role == TimeRole.StatedOn && s.Time is { } t && (t.Date ?? t.Enclosing).ToString() == c.Date;
            }
            return Scoring.ValueMatches(s, c);
        }
        for (var i = 0; i < claims.Count; i++)
        {
            if (suggestions.Any(s => Matches(s, i))) found++;
            else notes.Add($"missed {claims[i].Key}: \"{claims[i].Exact}\"");
        }
        for (var i = 0; i < attributionSpans.Count; i++)
        {
            if (suggestions.Any(s => s.Kind == SuggestionKind.Attribution && Scoring.Overlaps(s.Passage, attributionSpans[i]))) attributionsFound++;
            else notes.Add($"missed attribution \"{file.Attributions[i].Exact}\"");
        }
        foreach (var s in suggestions)
        {
            var keep = s.Kind == SuggestionKind.Attribution
                ? attributionSpans.Any(a => Scoring.Overlaps(s.Passage, a))
                : Enumerable.Range(0, claims.Count).Any(i => Matches(s, i));
            if (keep) kept++;
            else notes.Add($"not a curator's claim: {s.Kind.ToString().ToLowerInvariant()} '{s.MatchText}' in \"{s.Exact}\" ({s.Reason})");
        }
        return new Score(claims.Count, found, kept, suggestions.Count, attributionSpans.Count, attributionsFound, notes);
    }

    [Fact]
    public void Recall_and_precision_on_the_invented_reports()
    {
        int expected = 0, found = 0, kept = 0, total = 0, attributions = 0, attributionsFound = 0;
        foreach (var name in Reports().Select(r => r.Data))
        {
            var s = Measure(name);
            expected += s.Expected;
            found += s.Found;
            kept += s.Kept;
            total += s.Total;
            attributions += s.Attributions;
            attributionsFound += s.AttributionsFound;
            output.WriteLine($"{name}: recall {Scoring.Percent(s.Found, s.Expected)}, precision {Scoring.Percent(s.Kept, s.Total)}, attributions {Scoring.Percent(s.AttributionsFound, s.Attributions)}");
            foreach (var n in s.Notes) output.WriteLine("    " + n);
        }
        output.WriteLine($"invented reports: recall {Scoring.Percent(found, expected)}, precision {Scoring.Percent(kept, total)}, attributions found {Scoring.Percent(attributionsFound, attributions)}");
        Assert.True(Reports().Count >= 10);
        Assert.True((double)found / expected >= RecallFloor, $"recall {Scoring.Percent(found, expected)}");
        Assert.True((double)kept / total >= PrecisionFloor, $"precision {Scoring.Percent(kept, total)}");
    }

    [Theory]
    [MemberData(nameof(Reports))]
    public void Every_report_is_marked_invented_and_its_quotes_are_in_it(string name)
    {
        var (text, file) = Load(name);
        Assert.StartsWith("[Invented", text);
        foreach (var c in file.Claims) Scoring.Locate(text, CodePoints.Nfc(c.Exact), c.Prefix);
        foreach (var a in file.Attributions) Scoring.Locate(text, CodePoints.Nfc(a.Exact), a.Prefix);
        Assert.NotEmpty(file.Claims);
    }
}
