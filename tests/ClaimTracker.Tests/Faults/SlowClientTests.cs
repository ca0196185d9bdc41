using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.ContractFuzzing;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Faults;

/// <summary>
/// Clients that hold connections: one trickling its body (Kestrel's minimum request body data rate), others sending
/// nothing or half a request. They change nothing, get the right answer, and the server keeps answering everyone else.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SlowClientTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task A_body_trickling_below_the_minimum_rate_is_cut_off_with_a_408_and_writes_nothing_while_others_are_answered()
    {
        var world = await World.CreateAsync(api);
        var key = world.Curator.DefaultRequestHeaders.Authorization!.Parameter!;
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(world.Claim(("note", $"trickled {Samples.Unique()}"))));
        var bystander = await World.CreateAsync(api);
        var fingerprint = new DatabaseFingerprint(api.Db);
        var before = await fingerprint.TakeAsync();

        using var socket = await ConnectAsync();
        await SendAsync(socket, $"POST /claims HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n" +
            $"Idempotency-Key: trickle-{Samples.Unique()}\r\nContent-Length: {body.Length}\r\n\r\n");
        var clock = Stopwatch.StartNew();
        // One byte every 250 ms: 4 bytes a second, far below Kestrel's 240 bytes a second after its 5 s grace.
        var trickle = Task.Run(async () =>
        {
            for (var i = 0; i < body.Length && clock.Elapsed < Bound; i++)
            {
                try
                {
                    await socket.SendAsync(body.AsMemory(i, 1));
                }
                catch (SocketException)
                {
                    return i; // the server closed the connection
                }
                await Task.Delay(250);
            }
            return body.Length;
        });
        var answer = ReadAnswerAsync(socket);
        var others = await AnswerOthersWhileAsync(bystander, answer);
        var (status, text) = await answer;
        var sent = await trickle;
        clock.Stop();

        Figures.Say($"slow body: cut off after {clock.Elapsed.TotalSeconds:F1} s with {sent} of {body.Length} bytes sent, answered {status}; " +
            $"{others.Count} other requests answered meanwhile, slowest {others.Max():F0} ms");
        Assert.Equal(408, status);
        Assert.Contains("application/problem+json", text);
        Assert.True(sent < body.Length, "The whole body was sent before the server cut it off.");
        Assert.Empty(DatabaseFingerprint.Compare(before, await fingerprint.TakeAsync()));
        Assert.True(others.Count >= 10 && others.Max() < 5_000, $"Others were held up: {others.Count} answered, slowest {others.Max():F0} ms.");
    }

    [Fact]
    public async Task Connections_that_send_nothing_or_half_a_request_hold_up_no_one_and_half_a_request_gets_a_408()
    {
        var bystander = await World.CreateAsync(api);
        var silent = new List<Socket>();
        var halves = new List<Socket>();
        try
        {
            for (var i = 0; i < 100; i++) silent.Add(await ConnectAsync());
            for (var i = 0; i < 20; i++)
            {
                var socket = await ConnectAsync();
                await SendAsync(socket, "GET /claims HTTP/1.1\r\nHost: localhost\r\nX-Half: ");
                halves.Add(socket);
            }
            var clock = Stopwatch.StartNew();
            // A request has 10 s (ClaimTracker:RequestHeadersTimeoutSeconds) to send its headers, then gets a 408 and is closed.
            var firstHalf = ReadAnswerAsync(halves[0]);
            var others = await AnswerOthersWhileAsync(bystander, firstHalf, writes: true);
            var (status, _) = await firstHalf;
            clock.Stop();

            Figures.Say($"silent and half-sent connections: {silent.Count} silent and {halves.Count} half-sent held open; " +
                $"{others.Count} other requests answered meanwhile (slowest {others.Max():F0} ms); a half-sent request was answered {status} after {clock.Elapsed.TotalSeconds:F1} s");
            Assert.Equal(408, status);
            Assert.True(others.Max() < 5_000, $"Others were held up: slowest {others.Max():F0} ms.");
        }
        finally
        {
            foreach (var socket in silent.Concat(halves)) socket.Dispose();
        }
    }

    /// <summary>Other clients' reads (and writes) while <paramref name="until"/> runs; returns each one's time in ms.</summary>
    private async Task<List<double>> AnswerOthersWhileAsync(World world, Task until, bool writes = false)
    {
        var reader = api.CreateClient();
        var times = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; !until.IsCompleted && clock.Elapsed < Bound; i++)
        {
            var one = Stopwatch.StartNew();
            if (writes && i % 10 == 0) await world.CreateClaimAsync(("note", $"meanwhile {i}"));
            else await reader.GetJsonAsync($"/claims?subject={world.SubjectId}&limit=5");
            times.Add(one.Elapsed.TotalMilliseconds);
            await Task.WhenAny(until, Task.Delay(100));
        }
        return times;
    }

    private async Task<Socket> ConnectAsync()
    {
        var address = api.CreateDefaultClient().BaseAddress!;
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, address.Port);
        return socket;
    }

    private static async Task SendAsync(Socket socket, string text) => await socket.SendAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>The status and the whole text the server sends before it closes (bounded in time).</summary>
    private static async Task<(int Status, string Text)> ReadAnswerAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // Reset, or still open at the bound: judged by what arrived.
        }
        var text = received.ToString();
        var status = text.StartsWith("HTTP/1.1 ") && int.TryParse(text.AsSpan(9, 3), out var s) ? s : 0;
        return (status, text);
    }
}
