using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Api.Sources;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Sources;

/// <summary>
/// Wire-copy proposals tried on a labelled set of INVENTED source pairs (Sources/Copies/pairs.json): the copies a desk
/// sees (new lead, cut, stripped dateline, local paragraph, brief in a story, house spelling, reordered, re-encoded, PDF
/// text) and the look-alikes that are no copies (an outlet's background paragraph, one statement quoted by two, a
/// follow-up, a live blog, press releases and warnings on one template). Every text is stored once through the API and
/// each pair is judged by what <c>GET /sources/{id}/copies</c> answers from both sides; the scores are printed, and any
/// pair not marked disputed that is judged wrong fails the test.
/// </summary>
public sealed partial class CopyProposalSetTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private sealed record Text(string Name, string Title, string Outlet, string Published, string Language, string Body);

    private sealed record Pair(string Name, string A, string B, bool Copy, bool Disputed, string Case, string? Original, string? StartsWith, string? EndsWith);

    [Fact]
    public async Task Every_undisputed_pair_of_the_labelled_set_is_proposed_exactly_when_it_is_a_copy()
    {
        var (texts, pairs) = Load();
        var curator = await api.CuratorClientAsync();
        var tag = $"[{Samples.Unique()}]";
        var ids = new Dictionary<string, long>();
        var stored = new Dictionary<string, string>();
        foreach (var text in texts.Values)
        {
            // The tag keeps each run's texts apart from an earlier run's (a body stored twice is refused as a duplicate).
            var created = await curator.CreateSourceAsync(new Dictionary<string, object?>
            {
                ["title"] = $"{text.Title} {tag}", ["body"] = $"{text.Body}\n\n{tag}", ["language"] = text.Language,
                ["outlet"] = text.Outlet, ["published"] = text.Published,
            });
            ids[text.Name] = created.GetProperty("id").GetInt64();
            stored[text.Name] = created.GetProperty("body").GetString()!;
        }
        var lists = new Dictionary<long, List<JsonElement>>();
        async Task<JsonElement?> Proposal(string from, string of)
        {
            var id = ids[from];
            if (!lists.TryGetValue(id, out var items))
            {
                items = [.. (await api.CreateClient().GetJsonAsync($"/sources/{id}/copies")).GetProperty("items").EnumerateArray()];
                lists[id] = items;
            }
            return items.Where(i => i.GetProperty("sourceId").GetInt64() == ids[of]).Select(i => (JsonElement?)i).SingleOrDefault();
        }

        var failures = new List<string>();
        var table = new StringBuilder("| pair | label | proposed | shared | containment | verdict |\n|---|---|---|---|---|---|\n");
        var (tp, fp, fn, tn) = (0, 0, 0, 0);
        foreach (var pair in pairs)
        {
            var fromA = await Proposal(pair.A, pair.B);
            var fromB = await Proposal(pair.B, pair.A);
            if (fromA.HasValue != fromB.HasValue) failures.Add($"{pair.Name}: proposed from {(fromA.HasValue ? pair.A : pair.B)}'s list only");
            var proposed = fromA is { } p && p.GetProperty("state").GetString() == "open";
            var right = proposed == pair.Copy;
            if (!pair.Disputed)
            {
                if (pair.Copy) { if (proposed) tp++; else fn++; }
                else { if (proposed) fp++; else tn++; }
                if (!right) failures.Add($"{pair.Name}: labelled {(pair.Copy ? "copy" : "not copy")}, {(proposed ? "proposed" : "not proposed")} ({pair.Case})");
            }
            if (fromA is { } a)
            {
                failures.AddRange(PassageProblems(pair, a, stored[pair.A], stored[pair.B]));
                if (fromB is { } b) failures.AddRange(PassageProblems(pair with { StartsWith = null, EndsWith = null }, b, stored[pair.B], stored[pair.A]));
                if (pair.Original is { } original && proposed)
                {
                    var expected = original == "a" ? "this" : "other";
                    if (a.GetProperty("original").GetString() != expected) failures.Add($"{pair.Name}: original is {a.GetProperty("original")} from {pair.A}'s side, not {expected}");
                }
            }
            table.Append($"| {pair.Name} | {(pair.Copy ? "copy" : "not copy")}{(pair.Disputed ? " (disputed)" : "")} | {(proposed ? "yes" : "no")} | ")
                .Append($"{(fromA is { } s ? s.GetProperty("shared").GetInt32() : 0)} | {(fromA is { } c ? c.GetProperty("containment").GetDouble() : 0):0.000} | ")
                .Append($"{(pair.Disputed ? "-" : right ? "right" : "WRONG")} |\n");
        }
        var precision = tp + fp == 0 ? 1 : (double)tp / (tp + fp);
        var recall = tp + fn == 0 ? 1 : (double)tp / (tp + fn);
        table.Append($"\nUndisputed pairs: {tp + fp + fn + tn}; precision {precision:P1} ({tp} of {tp + fp} proposed), recall {recall:P1} ({tp} of {tp + fn} copies).\n");
        output.WriteLine(table.ToString());
        foreach (var failure in failures) output.WriteLine(failure);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "copy-set-scores.md"), table.ToString());

        Assert.Empty(failures);
        Assert.Equal(1.0, precision);
        Assert.Equal(1.0, recall);
    }

    [Theory]
    [InlineData("about 2,500 troops", "about 2500 troops")]
    [InlineData("about 2.500 Soldaten", "about 2\u00A0500 Soldaten")]
    [InlineData("the U.S.-led coalition", "the US-led coalition")]
    [InlineData("the with-\r\ndrawal plan", "the withdrawal plan")]
    [InlineData("the Kurd\u00ADistan region", "the Kurdistan region")]
    [InlineData("con\uFB01rmed that the a\uFB00ected", "confirmed that the affected")]
    [InlineData("Kata'ib Hezbollah and Iraq’s", "Kataib Hezbollah and Iraq's")]
    [InlineData("rates at 4.75%", "rates at 4.75 per cent")]
    [InlineData("al-\nSudani said", "al-Sudani said")]
    [InlineData("“in a constructive spirit” — he said", "\"in a constructive spirit\" - he said")]
    public void A_word_stored_in_another_form_is_read_as_the_same_word(string stored, string other) =>
        Assert.Equal(Keys(other), Keys(stored));

    [Theory]
    [InlineData("growth of 4.75", "growth of 475")]
    [InlineData("in 2014, 500 people", "in 2014500 people")]
    [InlineData("semi-\nAutonomous", "semiautonomous")]
    public void Words_that_differ_stay_apart(string one, string other) => Assert.NotEqual(Keys(other), Keys(one));

    private static string[] Keys(string text) => [.. SourceFingerprints.Words(text).Select(w => w.Key)];

    // The longest shared stretch is where it says, in code points, in both texts; and, where the set says, from where to where.
    private static IEnumerable<string> PassageProblems(Pair pair, JsonElement proposal, string mine, string theirs)
    {
        foreach (var (side, text) in new[] { ("thisPassage", mine), ("otherPassage", theirs) })
        {
            if (proposal.GetProperty(side) is not { ValueKind: JsonValueKind.Object } passage)
            {
                yield return $"{pair.Name}: no {side}";
                continue;
            }
            var exact = passage.GetProperty("exact").GetString()!;
            var at = ByCodePoints(text, passage.GetProperty("start").GetInt32(), passage.GetProperty("end").GetInt32());
            if (at != exact) yield return $"{pair.Name}: {side} \"{exact}\" is not the text at its offsets (\"{at}\")";
            if (side == "thisPassage" && pair.StartsWith is { } start && !exact.StartsWith(start, StringComparison.Ordinal))
            {
                yield return $"{pair.Name}: the longest shared stretch starts \"{exact[..Math.Min(40, exact.Length)]}\", not \"{start}\"";
            }
            if (side == "thisPassage" && pair.EndsWith is { } end && !exact.EndsWith(end, StringComparison.Ordinal))
            {
                yield return $"{pair.Name}: the longest shared stretch ends \"{exact[Math.Max(0, exact.Length - 40)..]}\", not \"{end}\"";
            }
        }
    }

    private static string ByCodePoints(string text, int start, int end)
    {
        var runes = text.EnumerateRunes().ToArray();
        return start < 0 || end > runes.Length || start > end ? "(out of range)" : string.Concat(runes[start..end].Select(r => r.ToString()));
    }

    private static (Dictionary<string, Text> Texts, List<Pair> Pairs) Load()
    {
        using var set = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Sources", "Copies", "pairs.json")));
        var paragraphs = new Dictionary<string, List<string>>();
        var texts = new Dictionary<string, Text>();
        // In the file's order, so that a text's references are to texts already read, and the sources are stored in it.
        foreach (var entry in set.RootElement.GetProperty("texts").EnumerateObject())
        {
            var t = entry.Value;
            List<string> own;
            if (t.TryGetProperty("body", out var body)) own = [body.GetString()!];
            else
            {
                own = [];
                foreach (var paragraph in t.GetProperty("paragraphs").EnumerateArray().Select(p => p.GetString()!))
                {
                    if (Reference().Match(paragraph) is not { Success: true } m) { own.Add(paragraph); continue; }
                    var from = paragraphs[m.Groups["text"].Value];
                    var first = int.Parse(m.Groups["first"].Value);
                    var last = m.Groups["last"].Success ? int.Parse(m.Groups["last"].Value) : first;
                    own.AddRange(from[first..(last + 1)]);
                }
            }
            paragraphs[entry.Name] = own;
            texts[entry.Name] = new Text(entry.Name, t.GetProperty("title").GetString()!, t.GetProperty("outlet").GetString()!,
                t.GetProperty("published").GetString()!, t.TryGetProperty("language", out var language) ? language.GetString()! : "en", string.Join("\n\n", own));
        }
        var pairs = set.RootElement.GetProperty("pairs").EnumerateArray().Select(p => new Pair(
            p.GetProperty("name").GetString()!, p.GetProperty("a").GetString()!, p.GetProperty("b").GetString()!,
            p.GetProperty("label").GetString() switch { "copy" => true, "not copy" => false, var other => throw new InvalidDataException($"label {other}") },
            p.TryGetProperty("disputed", out var disputed) && disputed.GetBoolean(), p.GetProperty("case").GetString()!,
            p.TryGetProperty("original", out var original) ? original.GetString() : null,
            p.TryGetProperty("passage", out var passage) ? passage.GetProperty("startsWith").GetString() : null,
            p.TryGetProperty("passage", out var passage2) ? passage2.GetProperty("endsWith").GetString() : null)).ToList();
        Assert.True(pairs.Count >= 30, "the set has at least 30 pairs");
        Assert.All(pairs, p => Assert.True(texts.ContainsKey(p.A) && texts.ContainsKey(p.B), $"{p.Name} names stored texts"));
        return (texts, pairs);
    }

    [GeneratedRegex(@"^@(?<text>\w+):(?<first>\d+)(-(?<last>\d+))?$")]
    private static partial Regex Reference();
}
