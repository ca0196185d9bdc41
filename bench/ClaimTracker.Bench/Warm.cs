using System.Diagnostics;
using System.Net;

namespace ClaimTracker.Bench;

/// <summary>
/// Reads every claim of the point look-up's sample once (GET /claims/1, /claims/1+stride, ...), or every request of a
/// list (--urls), so that the look-ups measure answers kept ready, as the claims and lists readers come back to are; prints how many were read and at what
/// rate (the cost of a first read).
/// </summary>
public static class Warm
{
    public static async Task<int> RunAsync(Options options)
    {
        var stride = options.Int("stride", 1);
        var urls = options.Text("urls", "") is { Length: > 0 } file
            ? File.ReadLines(file).Distinct().ToArray()
            : Enumerable.Range(0, options.Int("count")).Select(i => $"/claims/{1 + (long)i * stride}").ToArray();
        var parallel = options.Int("connections", 8);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parallel, UseCookies = false, UseProxy = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Text("api")), Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();
        long ok = 0, missing = 0;
        await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (url, ct) =>
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseContentRead, ct);
            if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
            else if (response.StatusCode == HttpStatusCode.NotFound) Interlocked.Increment(ref missing);
            else throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode}");
        });
        Console.WriteLine($"{{\"read\": {ok}, \"missing\": {missing}, \"seconds\": {clock.Elapsed.TotalSeconds:F1}, \"perSecond\": {ok / clock.Elapsed.TotalSeconds:F0}}}");
        return 0;
    }
}
