using System.Globalization;
using System.Text;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Seeds;
using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Text;
using ClaimTracker.Tests.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ClaimTracker.Tests.Suggestions;

/// <summary>A claim a curator wrote of a figure or a date, with the passage that supports it.</summary>
public sealed record ExpectedClaim(string Key, string Kind, string Exact, string? Prefix, decimal? Amount, decimal? LowerBound, decimal? UpperBound,
    string? Approximation, string? Date, string? Modifier);

/// <summary>Recall and precision of the recognizer over texts whose figures and dates a curator has written down.</summary>
internal static class Scoring
{
    public static string Root => FigureExpressionTests.RepoRoot();

    public static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).IgnoreUnmatchedProperties().Build();

    /// <summary>The code-point span of a quote in a text: the occurrence after the prefix, or the only one.</summary>
    public static TextSpan Locate(string text, string exact, string? prefix)
    {
        var at = prefix is null ? text.IndexOf(exact, StringComparison.Ordinal) : text.IndexOf(prefix + exact, StringComparison.Ordinal) + prefix.Length;
        if (at < 0 || prefix is not null && at < prefix.Length) throw new InvalidOperationException($"quote not found: {exact}");
        if (prefix is null && text.IndexOf(exact, at + 1, StringComparison.Ordinal) >= 0) throw new InvalidOperationException($"quote occurs twice, give a prefix: {exact}");
        var cp = new CodePoints(text);
        return new TextSpan(cp.FromUtf16(at), cp.FromUtf16(at + exact.Length));
    }

    public static bool Overlaps(TextSpan a, TextSpan b) => a.Start < b.End && b.Start < a.End;

    /// <summary>Whether a suggestion states the claim's value: the same figure and bounds, or the same date and modifier.</summary>
    public static bool ValueMatches(Suggestion s, ExpectedClaim c)
    {
        if (c.Kind == "quantity")
        {
            if (s.Quantity is not { } q) return false;
            var approximation = c.Approximation ?? (c.Amount is null ? "range" : "exact");
            if (!string.Equals(q.Approximation.ToString(), approximation.Replace("_", ""), StringComparison.OrdinalIgnoreCase)) return false;
            if (c.Amount is { } a && q.Amount != a && !(approximation is "at_least" && q.LowerBound == a) && !(approximation is "at_most" && q.UpperBound == a)) return false;
            if (c.LowerBound is { } lo && q.LowerBound != lo) return false;
            if (c.UpperBound is { } hi && q.UpperBound != hi) return false;
            return true;
        }
        if (s.Time is not { } t || s.Role != TimeRole.Value) return false;
        var date = (t.Date ?? t.Enclosing).ToString();
        return date == c.Date && string.Equals(t.Modifier.ToString(), c.Modifier ?? "on", StringComparison.OrdinalIgnoreCase);
    }

    public sealed record Outcome(int Expected, int Found, List<string> Missed);

    public static Outcome Recall(string text, IEnumerable<ExpectedClaim> claims, IReadOnlyList<Suggestion> suggestions)
    {
        var missed = new List<string>();
        var expected = 0;
        foreach (var c in claims)
        {
            expected++;
            var span = Locate(text, c.Exact, c.Prefix);
            var kind = c.Kind == "quantity" ? SuggestionKind.Quantity : SuggestionKind.Time;
            if (!suggestions.Any(s => s.Kind == kind && Overlaps(s.Passage, span) && ValueMatches(s, c)))
            {
                missed.Add($"{c.Key}: {c.Kind} {c.Amount?.ToString(CultureInfo.InvariantCulture) ?? c.Date} in \"{c.Exact}\"");
            }
        }
        return new Outcome(expected, expected - missed.Count, missed);
    }

    /// <summary>The seed corpus's known subjects, as the recognizer would get them from the database.</summary>
    public static List<KnownSubject> SeedSubjects()
    {
        var list = new List<KnownSubject>();
        foreach (var path in Directory.GetFiles(Path.Combine(Root, "seeds", "claims"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var file = Yaml.Deserialize<SeedFile>(File.ReadAllText(path));
            foreach (var s in file.Subjects)
            {
                if (list.Any(k => k.Name == s.Name)) continue;
                list.Add(new KnownSubject(list.Count + 1, s.Name, s.Aliases ?? [], s.Kind));
            }
        }
        return list;
    }

    public static RecognizerContext Context(string? published, string language) =>
        new(PartialDate.ParseOrNull(published), language, SeedSubjects(), RecognizerContext.StandardProperties);

    /// <summary>One line of a label file: a suggestion and whether a curator keeps it.</summary>
    public static string LabelLine(string source, Suggestion s) =>
        $"{source}\t{s.Passage.Start}\t{s.Passage.End}\t{s.Kind.ToString().ToLowerInvariant()}\t?\t{s.MatchText}\t{Flat(s.Exact)}";

    public static string Flat(string s) => s.Replace('\t', ' ').Replace('\n', ' ');

    public sealed record Label(string Source, int Start, int End, string Kind, bool Keep, string Line);

    public static List<Label> ReadLabels(string path) =>
        File.ReadAllLines(path, Encoding.UTF8)
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(p => new Label(p[0], int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture), p[3],
                p[4] switch { "keep" => true, "drop" => false, _ => throw new InvalidOperationException($"label must be keep or drop: {string.Join('\t', p)}") },
                string.Join('\t', p)))
            .ToList();

    public static string Percent(int part, int whole) => whole == 0 ? "n/a" : $"{100.0 * part / whole:0.0}% ({part}/{whole})";
}
