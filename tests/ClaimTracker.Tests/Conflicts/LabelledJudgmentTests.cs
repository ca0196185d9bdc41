using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Conflicts;

/// <summary>
/// Measures the product's judgments against a labelled set: Judgments/pairs.json holds pairs of claims from INVENTED
/// reports, each labelled as a careful editor applying docs/conflicts.md would ("conflict-certain", "conflict-possible",
/// "agree" or "neither"). Every pair is written through the API under subjects of its own, then what the product judged
/// of its last claim (its conflicts with the pair's other claims and their certainty, the agreeing claims, the count of
/// independent voices) is compared with the label. Pairs marked "disputed" are labelled by the rule where an editor
/// would not sign it; they are measured and printed, but only the others must all match. A pair marked "productDefect"
/// is labelled by the documented rule that the product does not yet follow: it must still be judged otherwise (so that
/// the mark is removed when the product is fixed), and it is left out of the figures the test asserts. A pair labelled
/// "conflict-possible" may give a "reason": words that the certainty reason a user sees must contain.
/// </summary>
public sealed class LabelledJudgmentTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record LabelledSet(string Description, Pair[] Pairs);

    private sealed record Pair(string Id, string Class, string Description, string Expected, string Property, SubjectSpec[] Subjects,
        ReportSpec[] Reports, ClaimSpec[] Claims, bool Disputed = false, string? DisputeReason = null, int? IndependentSupports = null, string? ProductDefect = null,
        string? Reason = null);

    private sealed record SubjectSpec(string Key, string? Broader = null);

    private sealed record ReportSpec(string Body, string Outlet, string? Published, string Language, int? Republishes = null, string? RepublishesAgency = null);

    private sealed record ClaimSpec(int Report, string Exact, JsonElement Value, string? Subject = null, string? Property = null, string? ValidAt = null,
        string? StatedOn = null, string? AssertedBy = null, VoiceSpec[]? Attribution = null, int? PartOf = null);

    private sealed record VoiceSpec(string? Subject = null, string? Anonymous = null);

    private sealed record Judged(Pair Pair, string Verdict, int IndependentSupports, string? CertaintyReason)
    {
        public bool ExpectedFlag => Pair.Expected.StartsWith("conflict", StringComparison.Ordinal);
        public bool Flagged => Verdict.StartsWith("conflict", StringComparison.Ordinal);
        public bool Matches => Verdict == Pair.Expected && (Pair.IndependentSupports is null || Pair.IndependentSupports == IndependentSupports)
            && (Pair.Reason is null || CertaintyReason?.Contains(Pair.Reason, StringComparison.Ordinal) == true);
    }

    private static readonly string[] Verdicts = ["conflict-certain", "conflict-possible", "agree", "neither"];

    private static LabelledSet Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "tests", "ClaimTracker.Tests", "Conflicts", "Judgments", "pairs.json");
            if (File.Exists(file)) return JsonSerializer.Deserialize<LabelledSet>(File.ReadAllText(file), Json)!;
        }
        throw new InvalidOperationException("Conflicts/Judgments/pairs.json not found above " + AppContext.BaseDirectory);
    }

    [Fact]
    public void The_labelled_set_is_well_formed_and_covers_every_class()
    {
        var set = Load();

        Assert.True(set.Pairs.Length >= 150, $"{set.Pairs.Length} pairs");
        Assert.Equal(set.Pairs.Length, set.Pairs.Select(p => p.Id).Distinct().Count());
        foreach (var pair in set.Pairs)
        {
            Assert.Contains(pair.Expected, Verdicts);
            Assert.True(pair.Claims.Length >= 2, pair.Id);
            Assert.All(pair.Reports, r => Assert.StartsWith("(Invented)", r.Body));
            Assert.All(pair.Claims, c => Assert.Contains(c.Exact, pair.Reports[c.Report].Body));
            Assert.Equal(pair.Disputed, !string.IsNullOrWhiteSpace(pair.DisputeReason));
            Assert.False(pair.ProductDefect is { } defect && string.IsNullOrWhiteSpace(defect), pair.Id);
            Assert.True(pair.Reason is null || pair.Expected == "conflict-possible", pair.Id);
        }
        // Every class holds pairs on both sides of its rule, so that neither precision nor recall is measured on nothing.
        foreach (var group in set.Pairs.GroupBy(p => p.Class))
        {
            Assert.Contains(group, p => p.Expected.StartsWith("conflict", StringComparison.Ordinal));
            Assert.Contains(group, p => !p.Expected.StartsWith("conflict", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_product_judges_every_undisputed_labelled_pair_as_labelled()
    {
        var set = Load();
        var curator = await api.CuratorClientAsync();
        var reader = api.CreateClient();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var names = set.Pairs.ToDictionary(p => p.Id, p => new Names($"({p.Id} {Samples.Unique()})"));

        // Most pairs are written in one import (the same rules, conflicts computed set-wise); a pair that needs the id of
        // a claim or a source it wrote (a part of a whole, a wire copy) is written claim by claim through POST /claims.
        var imported = set.Pairs.Where(Importable).ToList();
        await ImportAsync(curator, imported, names);
        var judged = new ConcurrentBag<Judged>();
        // Pairs never see each other (subjects, voices and outlets are their own), so they are written and read side by side.
        await Parallel.ForEachAsync(set.Pairs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (pair, _) =>
        {
            var claims = Importable(pair) ? await ImportedClaimsAsync(reader, pair, names[pair.Id]) : await WriteAsync(curator, pair, names[pair.Id]);
            judged.Add(await JudgeAsync(reader, pair, claims));
        });
        output.WriteLine($"{set.Pairs.Length} pairs ({imported.Count} imported) written and judged in {clock.Elapsed.TotalSeconds:0.0} s");

        var all = judged.OrderBy(j => j.Pair.Id, StringComparer.Ordinal).ToList();
        Report("all pairs", all);
        Report("undisputed pairs", [.. all.Where(j => !j.Pair.Disputed)]);
        Report("undisputed pairs without known product defects", [.. all.Where(j => !j.Pair.Disputed && j.Pair.ProductDefect is null)]);
        foreach (var miss in all.Where(j => !j.Matches))
        {
            output.WriteLine($"MISMATCH {miss.Pair.Id}{(miss.Pair.Disputed ? " (disputed)" : "")}: expected {miss.Pair.Expected}" +
                $"{(miss.Pair.IndependentSupports is { } n ? $" with {n} voices" : "")}{(miss.Pair.Reason is { } r ? $" saying \"{r}\"" : "")}" +
                $", judged {miss.Verdict} with {miss.IndependentSupports} voices{(miss.CertaintyReason is { } why ? $" ({why})" : "")}" +
                $" - {miss.Pair.Description}");
        }
        foreach (var defect in all.Where(j => j.Pair.ProductDefect is not null))
        {
            output.WriteLine($"PRODUCT DEFECT {defect.Pair.Id}: labelled {defect.Pair.Expected}, judged {defect.Verdict}; {defect.Pair.ProductDefect}");
        }
        foreach (var possible in all.Where(j => j.CertaintyReason is not null))
        {
            output.WriteLine($"POSSIBLE {possible.Pair.Id}: {possible.CertaintyReason}");
        }
        foreach (var disputed in all.Where(j => j.Pair.Disputed))
        {
            output.WriteLine($"DISPUTED {disputed.Pair.Id}: labelled {disputed.Pair.Expected} by the rule; {disputed.Pair.DisputeReason}");
        }

        var undisputed = all.Where(j => !j.Pair.Disputed && j.Pair.ProductDefect is null).ToList();
        Assert.Equal(1.0, Precision(undisputed));
        Assert.Equal(1.0, Recall(undisputed));
        Assert.Empty(undisputed.Where(j => !j.Matches).Select(j => $"{j.Pair.Id}: expected {j.Pair.Expected}, judged {j.Verdict}"));
        Assert.Empty(all.Where(j => j.Pair.ProductDefect is not null && j.Matches).Select(j => $"{j.Pair.Id} is judged as labelled now: drop its productDefect"));
    }

    /// <summary>A pair's own names: every subject, voice and outlet carries the pair's suffix, so no pair meets another.</summary>
    private sealed record Names(string Suffix)
    {
        public string Of(string name) => $"{name} {Suffix}";

        public string Subject(string? key) => Of($"Invented subject {key ?? "s"}");
    }

    private static bool Importable(Pair pair) =>
        pair.Claims.All(c => c.PartOf is null) && pair.Reports.All(r => r.Republishes is null && r.RepublishesAgency is null);

    private static IEnumerable<string> Voices(Pair pair) =>
        pair.Claims.SelectMany(c => (c.Attribution ?? []).Select(v => v.Subject).Append(c.AssertedBy))
            .Concat(pair.Reports.Select(r => r.RepublishesAgency))
            .OfType<string>().Distinct(StringComparer.Ordinal);

    private static Dictionary<string, object?> SourceBody(ReportSpec report, Names names)
    {
        var source = Samples.Source(body: $"{report.Body} [{names.Suffix}]", outlet: names.Of(report.Outlet), published: report.Published);
        source["published"] = report.Published;
        source["language"] = report.Language;
        if (report.RepublishesAgency is { } agency) source["republishesAgency"] = names.Of(agency);
        return source;
    }

    private static Dictionary<string, object?> ClaimBody(ClaimSpec claim, Pair pair, Names names, object evidence, IReadOnlyList<long> written)
    {
        var body = new Dictionary<string, object?>
        {
            ["subject"] = names.Subject(claim.Subject),
            ["property"] = claim.Property ?? pair.Property,
            ["value"] = claim.Value,
            ["evidence"] = new[] { evidence },
            ["validAt"] = claim.ValidAt,
            ["statedOn"] = claim.StatedOn,
            ["assertedBy"] = claim.AssertedBy is null ? null : names.Of(claim.AssertedBy),
            ["attribution"] = claim.Attribution?.Select(v => v.Subject is null ? (object)new { anonymous = v.Anonymous } : new { subject = names.Of(v.Subject) }).ToArray(),
            ["partOf"] = claim.PartOf is { } whole ? written[whole] : null,
        };
        foreach (var key in body.Where(p => p.Value is null).Select(p => p.Key).ToList()) body.Remove(key);
        return body;
    }

    private static async Task ImportAsync(HttpClient curator, IReadOnlyList<Pair> pairs, Dictionary<string, Names> names)
    {
        var lines = new List<string>();
        void Line(string type, string? reference, Dictionary<string, object?> body)
        {
            body["type"] = type;
            if (reference is not null) body["ref"] = reference;
            lines.Add(JsonSerializer.Serialize(body, Json));
        }
        foreach (var pair in pairs)
        {
            var n = names[pair.Id];
            foreach (var subject in pair.Subjects)
            {
                Line("subject", null, new() { ["name"] = n.Subject(subject.Key), ["broader"] = subject.Broader is null ? null : n.Subject(subject.Broader) });
            }
            foreach (var voice in Voices(pair)) Line("subject", null, new() { ["name"] = n.Of(voice) });
            for (var i = 0; i < pair.Reports.Length; i++) Line("source", $"{pair.Id}-r{i}", SourceBody(pair.Reports[i], n));
            foreach (var claim in pair.Claims)
            {
                Line("claim", null, ClaimBody(claim, pair, n, new { source = $"{pair.Id}-r{claim.Report}", exact = claim.Exact }, []));
            }
        }
        using var content = new StringContent(string.Join("\n", lines) + "\n", System.Text.Encoding.UTF8, "application/x-ndjson");
        var report = await (await curator.PostAsync("/import", content)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(report.GetProperty("committed").GetBoolean(), report.ToString());
        Assert.Equal(pairs.Sum(p => p.Claims.Length), report.GetProperty("imported").GetProperty("claims").GetInt64());
    }

    /// <summary>An imported pair's claims, in the order of its lines (an import numbers its rows in the order it reads them).</summary>
    private static async Task<List<long>> ImportedClaimsAsync(HttpClient reader, Pair pair, Names names)
    {
        var root = pair.Subjects.Single(s => s.Broader is null).Key;
        var page = await reader.GetJsonAsync($"/claims?subject={Uri.EscapeDataString(names.Subject(root))}&include_narrower=true&sort=id");
        var ids = page.Ids().Order().ToList();
        Assert.Equal(pair.Claims.Length, ids.Count);
        return ids;
    }

    private static async Task<List<long>> WriteAsync(HttpClient curator, Pair pair, Names names)
    {
        foreach (var subject in pair.Subjects)
        {
            await curator.CreateSubjectAsync(names.Subject(subject.Key), subject.Broader is null ? null : names.Subject(subject.Broader));
        }
        foreach (var voice in Voices(pair)) await curator.CreateSubjectAsync(names.Of(voice));
        var sources = new List<long>();
        foreach (var report in pair.Reports)
        {
            var source = SourceBody(report, names);
            if (report.Republishes is { } original) source["republishesSourceId"] = sources[original];
            sources.Add((await curator.CreateSourceAsync(source)).GetProperty("id").GetInt64());
        }
        var claims = new List<long>();
        foreach (var claim in pair.Claims)
        {
            var body = ClaimBody(claim, pair, names, new { sourceId = sources[claim.Report], exact = claim.Exact }, claims);
            claims.Add((await (await curator.PostJsonAsync("/claims", body)).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64());
        }
        return claims;
    }

    /// <summary>What the product judged of the pair's last claim: its open conflicts with the pair's other claims (the
    /// surest of them) with the reason of a possible one, else whether it lists one of them as agreeing; and how many
    /// independent voices support it.</summary>
    private static async Task<Judged> JudgeAsync(HttpClient reader, Pair pair, List<long> claims)
    {
        var others = claims[..^1].ToHashSet();
        var last = await reader.GetJsonAsync($"/claims/{claims[^1]}");
        var conflicts = last.GetProperty("conflicts").EnumerateArray().Where(c => others.Contains(c.GetProperty("otherClaimId").GetInt64())).ToList();
        var corroboration = last.GetProperty("corroboration");
        var agrees = corroboration.GetProperty("agreeing").EnumerateArray().Any(a => others.Contains(a.GetProperty("claimId").GetInt64()));
        var verdict = conflicts.Count > 0
            ? conflicts.Any(c => c.GetProperty("certainty").GetString() == "certain") ? "conflict-certain" : "conflict-possible"
            : agrees ? "agree" : "neither";
        var reason = verdict == "conflict-possible" && conflicts[0].TryGetProperty("certaintyReason", out var why) ? why.GetString() : null;
        return new Judged(pair, verdict, corroboration.GetProperty("independentSupports").GetInt32(), reason);
    }

    private static double Precision(IReadOnlyCollection<Judged> judged) =>
        Ratio(judged.Count(j => j.Flagged && j.ExpectedFlag), judged.Count(j => j.Flagged)) ?? 1.0;

    private static double Recall(IReadOnlyCollection<Judged> judged) =>
        Ratio(judged.Count(j => j.Flagged && j.ExpectedFlag), judged.Count(j => j.ExpectedFlag)) ?? 1.0;

    private static double? Ratio(int part, int whole) => whole == 0 ? null : (double)part / whole;

    private static string Percent(double? ratio) => ratio is { } r ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    /// <summary>Per class and overall: precision and recall of conflict flags, accuracy of certainty on the conflicts
    /// found, precision and recall of agreement, and the share of pairs judged exactly as labelled.</summary>
    private void Report(string title, IReadOnlyCollection<Judged> judged)
    {
        output.WriteLine($"{title}: {judged.Count} pairs");
        output.WriteLine($"  {"class",-16} {"pairs",5} {"conflict P",10} {"conflict R",10} {"certainty",10} {"agree P",8} {"agree R",8} {"verdicts",9} {"voices",7}");
        foreach (var group in judged.GroupBy(j => j.Pair.Class).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.ToList()))
                     .Append(("overall", judged.ToList())))
        {
            var (name, rows) = group;
            var found = rows.Where(j => j.Flagged && j.ExpectedFlag).ToList();
            var withVoices = rows.Where(j => j.Pair.IndependentSupports is not null).ToList();
            output.WriteLine(string.Join(" ",
                $"  {name,-16}", $"{rows.Count,5}",
                $"{Percent(Ratio(found.Count, rows.Count(j => j.Flagged))),10}",
                $"{Percent(Ratio(found.Count, rows.Count(j => j.ExpectedFlag))),10}",
                $"{Percent(Ratio(found.Count(j => j.Verdict == j.Pair.Expected), found.Count)),10}",
                $"{Percent(Ratio(rows.Count(j => j.Verdict == "agree" && j.Pair.Expected == "agree"), rows.Count(j => j.Verdict == "agree"))),8}",
                $"{Percent(Ratio(rows.Count(j => j.Verdict == "agree" && j.Pair.Expected == "agree"), rows.Count(j => j.Pair.Expected == "agree"))),8}",
                $"{Percent(Ratio(rows.Count(j => j.Verdict == j.Pair.Expected), rows.Count)),9}",
                $"{(withVoices.Count == 0 ? "n/a" : Percent(Ratio(withVoices.Count(j => j.IndependentSupports == j.Pair.IndependentSupports), withVoices.Count))),7}"));
        }
    }
}
