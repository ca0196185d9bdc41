using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ClaimTracker.Bench;

/// <summary>
/// Times GET /sources/{id}/copies against a running app with many stored sources: it posts --sources invented texts of
/// about --words words (news-like sentences from the word stock; a third carry one of three standard background
/// paragraphs, as an agency's stories do, and one in ten is an edited copy of an earlier one: a new lead, a paragraph
/// cut, a few words changed), then asks for the copies of --runs sources, half of them copies or copied, interleaved,
/// and prints the medians. With --reuse the sources already posted under the same --tag are timed again.
/// </summary>
public static class CopiesBench
{
    public static async Task<int> RunAsync(Options options)
    {
        var (count, words, runs) = (options.Int("sources", 2_000), options.Int("words", 600), options.Int("runs", 40));
        var tag = options.Text("tag", "copies-bench");
        using var http = new HttpClient { BaseAddress = new Uri(options.Text("api")), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", options.Text("key"));
        var rng = new Random(options.Int("seed", 7));
        var boilerplate = Enumerable.Range(0, 3).Select(_ => Paragraph(rng, 2)).ToArray();
        var texts = new List<string>();
        var copied = new HashSet<int>();
        for (var i = 0; i < count; i++)
        {
            if (i >= 20 && rng.Next(10) == 0)
            {
                var of = rng.Next(i);
                copied.Add(of);
                copied.Add(i);
                texts.Add(Copy(rng, texts[of]));
                continue;
            }
            var body = new StringBuilder();
            while (body.Length < words * 6) body.Append(Paragraph(rng, rng.Next(3, 6))).Append("\n\n");
            if (rng.Next(3) == 0) body.Append(boilerplate[rng.Next(3)]).Append("\n\n");
            texts.Add(body.ToString());
        }
        var ids = new long[count];
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            using var response = await http.PostAsJsonAsync("/sources", new
            {
                title = $"Copies benchmark {tag} {i}", body = $"{texts[i]}(Invented benchmark text {tag} {i}.)", language = "en",
                outlet = $"Bench outlet {i % 40}", published = $"2024-{1 + i % 12:00}-{1 + i % 28:00}",
            }, ct);
            if (response.StatusCode == System.Net.HttpStatusCode.Conflict && options.Text("reuse", "") != "")
            {
                ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("existingSourceId").GetInt64();
                return;
            }
            response.EnsureSuccessStatusCode();
            ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        });
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"stored {count} sources of about {words} words ({texts.Sum(t => t.Length) / count} chars each) in {watch.Elapsed.TotalSeconds:0} s; {copied.Count} are copies or copied"));

        var withCopies = copied.Order().Select(i => ids[i]).ToArray();
        var others = Enumerable.Range(0, count).Where(i => !copied.Contains(i)).Select(i => ids[i]).ToArray();
        var timings = new Dictionary<string, List<double>> { ["a copy or copied"] = [], ["neither"] = [] };
        var proposals = new Dictionary<string, int> { ["a copy or copied"] = 0, ["neither"] = 0 };
        for (var r = -5; r < runs; r++)
        {
            foreach (var (name, pool) in new[] { ("a copy or copied", withCopies), ("neither", others) })
            {
                var id = pool[rng.Next(pool.Length)];
                var time = Stopwatch.StartNew();
                var list = await http.GetFromJsonAsync<JsonElement>($"/sources/{id}/copies");
                if (r < 0) continue; // warm-up
                timings[name].Add(time.Elapsed.TotalMilliseconds);
                proposals[name] += list.GetProperty("items").GetArrayLength();
            }
        }
        foreach (var (name, list) in timings)
        {
            list.Sort();
            Console.WriteLine(string.Create(inv,
                $"GET /sources/{{id}}/copies, {name}: median {list[list.Count / 2]:0.0} ms, p90 {list[list.Count * 9 / 10]:0.0} ms (min {list[0]:0.0}, max {list[^1]:0.0}); {proposals[name] / (double)list.Count:0.00} proposals each"));
        }
        return 0;
    }

    private static string Sentence(Random rng)
    {
        var s = new List<string>();
        var length = rng.Next(12, 26);
        while (s.Count < length)
        {
            s.Add(rng.Next(9) switch
            {
                0 or 1 or 2 => Words.Nouns[rng.Next(Words.Nouns.Length)],
                3 or 4 => Words.Verbs[rng.Next(Words.Verbs.Length)],
                5 => Words.Adjectives[rng.Next(Words.Adjectives.Length)],
                6 => rng.Next(2, 5000).ToString("N0", CultureInfo.InvariantCulture),
                7 => Words.GivenNames[rng.Next(Words.GivenNames.Length)],
                _ => new[] { "the", "of", "in", "and", "to", "a", "on", "by", "after", "with" }[rng.Next(10)],
            });
        }
        return Words.Capitalize(string.Join(' ', s)) + ".";
    }

    private static string Paragraph(Random rng, int sentences) => string.Join(' ', Enumerable.Range(0, sentences).Select(_ => Sentence(rng)));

    // An edited copy: a new first paragraph, one paragraph of the rest cut, and a word in every fortieth changed.
    private static string Copy(Random rng, string original)
    {
        var paragraphs = original.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).ToList();
        paragraphs[0] = Paragraph(rng, 2);
        if (paragraphs.Count > 3) paragraphs.RemoveAt(rng.Next(1, paragraphs.Count));
        var words = string.Join("\n\n", paragraphs).Split(' ');
        for (var i = rng.Next(40); i < words.Length; i += 40) words[i] = Words.Nouns[rng.Next(Words.Nouns.Length)];
        return string.Join(' ', words) + "\n\n";
    }
}
