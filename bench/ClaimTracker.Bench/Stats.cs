using System.Diagnostics;

namespace ClaimTracker.Bench;

/// <summary>What the corpus plan looks like: group sizes, series, conflicts; and one source in full.</summary>
public static class Stats
{
    public static int Run(CorpusOptions options)
    {
        var clock = Stopwatch.StartNew();
        var corpus = new Corpus(options);
        Console.WriteLine($"plan in {clock.Elapsed.TotalSeconds:F1} s");
        var groups = corpus.Groups().OrderByDescending(g => g.Size).ToList();
        int Pct(double p) => groups[(int)(groups.Count * (1 - p))].Size;
        Console.WriteLine($"claims {options.Claims:N0}, groups {groups.Count:N0}, conflicted {corpus.ConflictedGroups:N0}");
        Console.WriteLine($"group size: max {groups[0].Size:N0}, p99 {Pct(0.99):N0}, p90 {Pct(0.9):N0}, p50 {Pct(0.5):N0}; groups of 1: {groups.Count(g => g.Size == 1):N0}; series (>30 claims): {groups.Count(g => g.Size > 30):N0}");
        foreach (var g in groups.Take(5)) Console.WriteLine($"  {corpus.Subjects[g.Subject].Name} / {Vocabulary.Properties[g.Property].Key}: {g.Size:N0}");
        var subjectShare = groups.GroupBy(g => g.Subject).Select(x => x.Sum(g => g.Size)).OrderDescending().ToList();
        Console.WriteLine($"subjects used {subjectShare.Count:N0}; top subject {subjectShare[0]:N0} claims; top 50 hold {subjectShare.Take(50).Sum() * 100.0 / options.Claims:F0}%");

        clock.Restart();
        var n = Math.Min(options.Sources, 2_000);
        long bytes = 0;
        var kinds = new Dictionary<string, int>();
        int valid = 0, asserted = 0, deviant = 0;
        for (var s = 0; s < n; s++)
        {
            var doc = corpus.Source(s);
            bytes += System.Text.Encoding.UTF8.GetByteCount(doc.Body);
            foreach (var c in doc.Claims)
            {
                var k = c.Value.Kind + (c.Value.Approximation is { } a ? "/" + a : "") + (c.Value.Date is { } d ? "/" + d.Length : "");
                kinds[k] = kinds.GetValueOrDefault(k) + 1;
                if (c.ValidAt is not null || c.ValidFrom is not null) valid++;
                if (c.Asserter is not null) asserted++;
                if (c.Deviant) deviant++;
            }
        }
        Console.WriteLine($"{n:N0} sources generated in {clock.Elapsed.TotalSeconds:F1} s; body {bytes / n:N0} bytes on average");
        Console.WriteLine($"valid time {valid * 100.0 / (n * 10):F0}%, asserted {asserted * 100.0 / (n * 10):F0}%, deviant {deviant}");
        foreach (var (k, v) in kinds.OrderByDescending(x => x.Value)) Console.WriteLine($"  {k}: {v * 100.0 / (n * 10):F1}%");
        var sample = corpus.Source(1);
        Console.WriteLine($"\n{sample.Title}\n{sample.Url}\n\n{sample.Body}\n");
        foreach (var c in sample.Claims) Console.WriteLine($"  {c.Id} {c.Subject.Name} / {c.Property.Key}: {System.Text.Json.JsonSerializer.Serialize(c.Value, Loader.Json)} valid {c.ValidAt ?? c.ValidFrom} asserter {c.Asserter?.Name}");
        foreach (var p in sample.Passages.Take(3)) Console.WriteLine($"  passage {p.Id} [{p.Anchor.Start},{p.Anchor.End}] «{p.Anchor.Prefix}|{p.Anchor.Exact}|{p.Anchor.Suffix}»");
        return 0;
    }
}
