using System.Diagnostics;
using System.Net;

namespace ClaimTracker.Bench;

/// <summary>
/// Reads every claim once (GET /claims/1 to /claims/N), so that the point look-up measures answers kept ready, as
/// the claims readers come back to are; prints how many were read and at what rate (the cost of a first read).
/// </summary>
public static class Warm
{
    public static async Task<int> RunAsync(Options options)
    {
        var maxId = options.Int("max-id");
        var parallel = options.Int("connections", 8);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = parallel, UseCookies = false, UseProxy = false, AutomaticDecompression = DecompressionMethods.None };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(options.Text("api")), Timeout = TimeSpan.FromSeconds(60) };
        var clock = Stopwatch.StartNew();
        long ok = 0, missing = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, maxId), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (id, ct) =>
        {
            using var response = await client.GetAsync($"/claims/{id}", HttpCompletionOption.ResponseContentRead, ct);
            if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
            else if (response.StatusCode == HttpStatusCode.NotFound) Interlocked.Increment(ref missing);
            else throw new InvalidOperationException($"GET /claims/{id}: {(int)response.StatusCode}");
        });
        Console.WriteLine($"{{\"read\": {ok}, \"missing\": {missing}, \"seconds\": {clock.Elapsed.TotalSeconds:F1}, \"perSecond\": {ok / clock.Elapsed.TotalSeconds:F0}}}");
        return 0;
    }
}
