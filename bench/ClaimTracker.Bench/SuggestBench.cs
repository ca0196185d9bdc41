using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClaimTracker.Api.Suggestions;
using ClaimTracker.Api.Text;

namespace ClaimTracker.Bench;

/// <summary>
/// Times the recognizer on a source of a given length in words, made of the seed articles' paragraphs in turn (real
/// sentences, with their figures, dates and attributions), against the seed subjects and the standard vocabulary.
/// Prints the median and the spread of the runs, and how many suggestions one run makes.
/// </summary>
public static class SuggestBench
{
    public static int Run(Options options)
    {
        var words = options.Int("words", 5_000);
        var runs = options.Int("runs", 30);
        var root = options.Text("seeds", FindSeeds());
        var paragraphs = Directory.GetFiles(Path.Combine(root, "articles"), "*.txt").Order(StringComparer.Ordinal)
            .SelectMany(f => File.ReadAllText(f).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var body = new StringBuilder();
        var count = 0;
        for (var i = 0; count < words; i++)
        {
            var p = paragraphs[i % paragraphs.Length];
            body.Append(p).Append("\n\n");
            count += p.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }
        var text = CodePoints.Nfc(body.ToString());
        var subjects = new List<KnownSubject>
        {
            new(1, "US forces in Iraq", ["US troops in Iraq"], "military force"),
            new(2, "Global Coalition against ISIS", ["US-led anti-ISIS coalition", "anti-ISIS coalition", "international coalition", "foreign coalition", "US-led coalition"], "coalition"),
            new(3, "Mohammed Shia al-Sudani", ["al-Sudani", "Iraqi Prime Minister Mohammed Shia al-Sudani"], "person"),
            new(4, "Joe Biden", ["Biden", "President Biden"], "person"),
            new(5, "Reuters", [], "news agency"),
            new(6, "US State Department", ["State Department"], "government body"),
            new(7, "Tower 22", [], "military base"),
            new(8, "Popular Mobilization Forces", ["PMF"], "militia coalition"),
            new(9, "August 29 raid", ["raid against a suspected ISIS hideout"], "event"),
            new(10, "Biden administration", [], "government"),
        };
        var context = new RecognizerContext(PartialDate.ParseOrNull("2024-09"), "en", subjects, RecognizerContext.StandardProperties);
        for (var i = 0; i < 5; i++) Recognizer.Find(text, context); // warm-up: tiered compilation
        // Wall time and this process's CPU time per run: on a shared machine the wall time includes waiting for a core.
        var times = new List<double>();
        var cpu = new List<double>();
        var found = 0;
        var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            found = Recognizer.Find(text, context).Count;
            times.Add(watch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpu0).TotalMilliseconds);
        }
        times.Sort();
        cpu.Sort();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"suggest: {count} words ({text.Length} chars), {found} suggestions; {runs} runs: wall median {times[runs / 2]:0.0} ms (min {times[0]:0.0}, max {times[^1]:0.0}); CPU median {cpu[runs / 2]:0.0} ms (min {cpu[0]:0.0})"));
        return 0;
    }

    private static string FindSeeds()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "seeds", "articles"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("pass --seeds DIR"), "seeds");
    }
}
