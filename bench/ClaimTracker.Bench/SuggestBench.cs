using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
    public static async Task<int> RunAsync(Options options)
    {
        var words = options.Int("words", 5_000);
        var runs = options.Int("runs", 30);
        var (text, count) = Source(options.Text("seeds", FindSeeds()), words);
        if (options.Text("api", "") is { Length: > 0 } api) return await EndpointAsync(api, options.Text("key"), text, count, runs);
        return Recognize(text, count, runs);
    }

    /// <summary>A source of about <paramref name="words"/> words made of the seed articles' paragraphs in turn.</summary>
    private static (string Text, int Words) Source(string root, int words)
    {
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
        return (CodePoints.Nfc(body.ToString()), count);
    }

    private static int Recognize(string text, int count, int runs)
    {
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
        Console.WriteLine(string.Create(inv, $"recognizer: {count} words ({text.Length} chars), {found} suggestions; {runs} runs: wall median {times[runs / 2]:0.0} ms (min {times[0]:0.0}, max {times[^1]:0.0}); CPU median {cpu[runs / 2]:0.0} ms (min {cpu[0]:0.0})"));
        return 0;
    }

    /// <summary>
    /// The endpoint against a running app (its database seeded): the source is posted once, then GET
    /// /sources/{id}/suggestions is timed without and with preview, and GET of one suggestion, interleaved run by run
    /// so that the machine's load falls on each alike. The recognizer alone runs in this process for comparison.
    /// </summary>
    private static async Task<int> EndpointAsync(string api, string key, string text, int count, int runs)
    {
        using var http = new HttpClient { BaseAddress = new Uri(api), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var unique = Guid.NewGuid().ToString("N")[..8];
        var created = await http.PostAsJsonAsync("/sources", new
        {
            title = $"Suggestion benchmark {unique}", body = text + $"\n\n(Benchmark text, invented from the seed paragraphs: {unique}.)",
            language = "en", published = "2024-09",
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var list = await http.GetFromJsonAsync<JsonElement>($"/sources/{id}/suggestions");
        var items = list.GetProperty("items");
        var open = items.EnumerateArray().Where(s => s.GetProperty("state").GetString() == "open" && s.GetProperty("missing").GetArrayLength() == 0).ToList();
        var one = open.Count > 0 ? open[open.Count / 2].GetProperty("id").GetString() : items[0].GetProperty("id").GetString();
        var bytes = (await http.GetByteArrayAsync($"/sources/{id}/suggestions")).Length;

        var timings = new Dictionary<string, List<double>> { ["list"] = [], ["list?preview=true"] = [], ["one"] = [] };
        async Task TimeAsync(string name, string url)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync(url);
            await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            timings[name].Add(watch.Elapsed.TotalMilliseconds);
        }
        for (var i = 0; i < 3; i++) await TimeAsync("list", $"/sources/{id}/suggestions"); // warm-up
        timings["list"].Clear();
        for (var i = 0; i < runs; i++)
        {
            await TimeAsync("list", $"/sources/{id}/suggestions");
            await TimeAsync("list?preview=true", $"/sources/{id}/suggestions?preview=true");
            await TimeAsync("one", $"/sources/{id}/suggestions/{one}");
        }
        Recognize(text, count, runs);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"endpoint: source {id}, {items.GetArrayLength()} suggestions ({open.Count} open and complete, so previewed), {bytes / 1024} KiB of JSON; {runs} runs each"));
        foreach (var (name, list2) in timings)
        {
            list2.Sort();
            var path = name == "one" ? "/{sid}" : name == "list" ? "" : "?preview=true";
            var line = string.Create(inv, $"  GET /sources/{{id}}/suggestions{path}: median {list2[list2.Count / 2]:0.0} ms (min {list2[0]:0.0}, max {list2[^1]:0.0})");
            if (name == "list?preview=true" && open.Count > 0)
            {
                var listMedian = timings["list"][timings["list"].Count / 2];
                line += string.Create(inv, $"; {(list2[list2.Count / 2] - listMedian) / open.Count:0.00} ms per previewed suggestion");
            }
            Console.WriteLine(line);
        }
        return 0;
    }

    private static string FindSeeds()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "seeds", "articles"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("pass --seeds DIR"), "seeds");
    }
}
