using System.Diagnostics;
using System.Text.Json;

namespace ClaimTracker.Bench;

/// <summary>
/// Deep keyset pagination: walks a list's cursors (200 rows a page) until the given depth, then times the first page
/// and the page at that depth (both at the default 50 rows) one request at a time, alternating, after a warm-up.
/// </summary>
public static class PageWalk
{
    public static async Task<int> RunAsync(Options options)
    {
        var path = options.Text("path");
        var depth = options.Int("depth", 100_000);
        var repeat = options.Int("repeat", 60);
        using var http = new HttpClient { BaseAddress = new Uri(options.Text("api")), Timeout = TimeSpan.FromSeconds(60) };
        var separator = path.Contains('?') ? '&' : '?';

        var walk = Stopwatch.StartNew();
        string? cursor = null;
        var rows = 0;
        var pages = 0;
        while (rows < depth)
        {
            var take = Math.Min(200, depth - rows);
            using var page = JsonDocument.Parse(await GetAsync(http, $"{path}{separator}limit={take}{(cursor is null ? "" : "&cursor=" + cursor)}"));
            rows += page.RootElement.GetProperty("items").GetArrayLength();
            pages++;
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
            if (cursor is null) break;
        }
        walk.Stop();
        if (rows < depth || cursor is null)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { path, depth, reached = rows, error = "the list is shorter than the depth" }));
            return 0;
        }

        var first = $"{path}";
        var deep = $"{path}{separator}cursor={cursor}";
        var firstTimes = new List<double>();
        var deepTimes = new List<double>();
        for (var i = 0; i < repeat + 10; i++)
        {
            var a = await TimeAsync(http, first);
            var b = await TimeAsync(http, deep);
            if (i < 10) continue;
            firstTimes.Add(a);
            deepTimes.Add(b);
        }
        var f = ImportBench.Median(firstTimes);
        var d = ImportBench.Median(deepTimes);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            path, depth, firstMs = f, deepMs = d, ratio = d / f, deepUrl = deep, walkPages = pages, walkSeconds = walk.Elapsed.TotalSeconds,
        }));
        return 0;
    }

    private static async Task<string> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static async Task<double> TimeAsync(HttpClient http, string url)
    {
        var clock = Stopwatch.StartNew();
        await GetAsync(http, url);
        return clock.Elapsed.TotalMilliseconds;
    }
}
