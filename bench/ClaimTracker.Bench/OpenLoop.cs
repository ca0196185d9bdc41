using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace ClaimTracker.Bench;

/// <summary>
/// Open-loop load (as wrk2 does): requests leave at a fixed rate whatever the server does, and each latency is
/// measured from the moment the request was due to leave, so a stalled server shows as the queue it causes
/// (no coordinated omission). One scheduling thread sleeps to each due time (usleep, sub-millisecond) and starts the
/// request; responses are read in full (and not kept). The warm-up runs at the same rate and is not recorded. Reports the
/// scheduler's own lag too, the part of each latency the harness adds.
/// </summary>
public static partial class OpenLoop
{
    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);

    public static async Task<int> RunAsync(Options options)
    {
        var urls = File.ReadAllLines(options.Text("urls")).Where(u => u.Length > 0).ToArray();
        var rate = options.Double("rate");
        var duration = options.Double("duration", 10);
        var warmup = options.Double("warmup", 3);
        var baseUrl = options.Text("api");

        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.Int("connections", 256),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

        var total = (int)((warmup + duration) * rate);
        var skip = (int)(warmup * rate);
        var latency = new double[total];
        var lag = new double[total];
        var status = new int[total];
        var pending = new Task[total];
        var rng = new Rng(options.ULong("seed", 1));
        var picks = Enumerable.Range(0, total).Select(_ => urls[rng.Next(urls.Length)]).ToArray();
        var tick = Stopwatch.Frequency / rate;

        // Connections are opened before the clock starts, as a running client's would be.
        await Task.WhenAll(Enumerable.Range(0, Math.Min(16, (int)Math.Ceiling(rate / 50))).Select(_ => client.GetAsync(picks[0])));

        var start = Stopwatch.GetTimestamp();
        var scheduler = new Thread(() =>
        {
            for (var i = 0; i < total; i++)
            {
                var due = start + (long)(i * tick);
                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0) USleep((uint)(wait * 1_000_000 / Stopwatch.Frequency));
                lag[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                pending[i] = SendAsync(client, picks[i], due, i, latency, status);
            }
        }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        scheduler.Join();
        await Task.WhenAll(pending);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var measured = latency[skip..].Order().ToArray();
        var lags = lag[skip..].Order().ToArray();
        var errors = status[skip..].Count(s => s != 200);
        double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            rate, sent = measured.Length, seconds = Math.Round(elapsed - warmup, 2), errors,
            p50 = P(measured, 0.5), p90 = P(measured, 0.9), p99 = P(measured, 0.99), max = measured[^1],
            lagP50 = P(lags, 0.5), lagP99 = P(lags, 0.99),
            firstError = errors == 0 ? null : status[skip..].First(s => s != 200).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        return 0;
    }

    private static async Task SendAsync(HttpClient client, string url, long due, int i, double[] latency, int[] status)
    {
        // Every byte is read, into one pooled buffer: a client that kept each answer (400 KB for a page of conflicts) would
        // spend the two cores' time on its own garbage and show it as the server's latency.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            while (await body.ReadAsync(buffer) > 0) { }
            status[i] = (int)response.StatusCode;
        }
        catch (Exception)
        {
            status[i] = -1;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        latency[i] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
    }
}
