using System.Text.Json;
using ClaimTracker.Api.Seeds;
using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Tests.Suggestions;

/// <summary>
/// The recognizer on the two seed articles, measured against the curated seed claims: recall over their figures and
/// dates, and precision by the hand-made labels in seed-suggestions.tsv (one line per suggestion: keep or drop, and why).
/// </summary>
public sealed class SeedRecognitionTests(ITestOutputHelper output)
{
    private const double RecallGoal = 0.90;
    private const double PrecisionGoal = 0.70;

    private static readonly string LabelsPath = Path.Combine(Scoring.Root, "tests", "ClaimTracker.Tests", "Suggestions", "seed-suggestions.tsv");

    private sealed record Article(string Key, string Text, string? Published, string Language, List<ExpectedClaim> Claims);

    private static List<Article> Articles()
    {
        var dir = Path.Combine(Scoring.Root, "seeds");
        var values = new Dictionary<string, SeedValue>();
        var articles = new List<Article>();
        foreach (var txt in Directory.GetFiles(Path.Combine(dir, "articles"), "*.txt").Order(StringComparer.Ordinal))
        {
            var key = Path.GetFileNameWithoutExtension(txt);
            var text = CodePoints.Nfc(File.ReadAllText(txt));
            using var meta = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(txt, ".json")));
            var published = meta.RootElement.GetProperty("published").GetString();
            var language = meta.RootElement.GetProperty("language").GetString() ?? "en";
            var file = Scoring.Yaml.Deserialize<SeedFile>(File.ReadAllText(Path.Combine(dir, "claims", key + ".yaml")));
            var claims = new List<ExpectedClaim>();
            foreach (var c in file.Claims)
            {
                if (c.Key is not null && c.Value is not null) values[c.Key] = c.Value;
                var value = c.Value ?? (c.AddEvidenceTo is not null ? values[c.AddEvidenceTo] : null);
                if (value is null || value.Kind is not ("quantity" or "time")) continue;
                foreach (var e in c.Evidence)
                {
                    claims.Add(new ExpectedClaim(c.Key ?? c.AddEvidenceTo!, value.Kind, CodePoints.Nfc(e.Exact), e.Prefix, value.Amount, value.LowerBound,
                        value.UpperBound, value.Approximation, value.Date, value.Modifier));
                }
            }
            articles.Add(new Article(key, text, published, language, claims));
        }
        return articles;
    }

    [Fact]
    public void Recall_and_precision_on_the_seed_articles_meet_their_goals()
    {
        int expected = 0, found = 0, kept = 0, total = 0;
        var labels = Scoring.ReadLabels(LabelsPath);
        var unlabelled = new List<string>();
        var seen = new HashSet<string>();
        foreach (var a in Articles())
        {
            var suggestions = Recognizer.Find(a.Text, Scoring.Context(a.Published, a.Language));
            var recall = Scoring.Recall(a.Text, a.Claims, suggestions);
            expected += recall.Expected;
            found += recall.Found;
            foreach (var m in recall.Missed) output.WriteLine($"missed in {a.Key}: {m}");
            foreach (var s in suggestions)
            {
                total++;
                var kind = s.Kind.ToString().ToLowerInvariant();
                var label = labels.FirstOrDefault(l => l.Source == a.Key && l.Start == s.Passage.Start && l.End == s.Passage.End && l.Kind == kind);
                if (label is null) { unlabelled.Add(Scoring.LabelLine(a.Key, s)); continue; }
                seen.Add(label.Line);
                if (label.Keep) kept++;
            }
        }
        output.WriteLine($"seed articles: recall {Scoring.Percent(found, expected)}, precision {Scoring.Percent(kept, total)}");
        foreach (var u in unlabelled) output.WriteLine("unlabelled: " + u);
        var stale = labels.Where(l => !seen.Contains(l.Line)).ToList();
        foreach (var s in stale) output.WriteLine("stale label: " + s.Line);
        Assert.Empty(unlabelled);
        Assert.Empty(stale);
        Assert.True((double)found / expected >= RecallGoal, $"recall {Scoring.Percent(found, expected)} is below {RecallGoal:P0}");
        Assert.True((double)kept / total >= PrecisionGoal, $"precision {Scoring.Percent(kept, total)} is below {PrecisionGoal:P0}");
    }

    [Fact]
    public void The_seed_figures_come_with_their_property_subject_and_asserter()
    {
        var a = Articles()[1];
        var suggestions = Recognizer.Find(a.Text, Scoring.Context(a.Published, a.Language));
        var wounded = Assert.Single(suggestions, s => s.MatchText == "Seven");
        Assert.Equal("wounded", wounded.Property?.Key);
        Assert.Equal("2024-08-29", wounded.ValidTime?.Date?.ToString());
        Assert.Equal("August 29 raid", wounded.Subject?.Name);

        var troops = Assert.Single(suggestions, s => s.Kind == SuggestionKind.Quantity && s.MatchText == "2,500");
        Assert.Equal("troop_count", troops.Property?.Key);
        Assert.Equal("Reuters", troops.Asserter?.Subject?.Name);
        Assert.Contains("hundreds", troops.Reason);

        var deadline = Assert.Single(suggestions, s => s.MatchText == "by September 2026");
        Assert.Equal("deadline", deadline.Property?.Key);
        Assert.Equal(new DateOnly(2026, 9, 30), deadline.Time?.Due);

        var earlier = Assert.Single(suggestions, s => s.MatchText == "Earlier this month");
        Assert.Equal(TimeRole.StatedOn, earlier.Role);
        Assert.Equal("2024-09", earlier.Time?.Enclosing.ToString());

        var told = Assert.Single(suggestions, s => s.Kind == SuggestionKind.Attribution && s.Asserter?.Audience == "Bloomberg");
        Assert.Equal("Mohammed Shia al-Sudani", told.Subject?.Name);
    }
}
