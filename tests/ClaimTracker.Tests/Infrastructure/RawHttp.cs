using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>HTTP/1.1 over a bare socket, for what HttpClient will not send: NUL bytes, raw high bytes, half requests.</summary>
public sealed class RawHttp : IDisposable
{
    private readonly Socket _socket;

    private RawHttp(Socket socket) => _socket = socket;

    public sealed record Answer(int Status, Dictionary<string, string> Headers, string Body, TimeSpan Elapsed, bool Closed)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";

        public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
    }

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        return new RawHttp(socket);
    }

    public async Task SendAsync(string ascii) => await SendAsync(Encoding.ASCII.GetBytes(ascii));

    public async Task SendAsync(byte[] bytes) => await _socket.SendAsync(bytes);

    /// <summary>Everything the server sends until it closes the connection (or <paramref name="bound"/> passes).</summary>
    public async Task<Answer> ReadUntilClosedAsync(TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(bound);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        var closed = false;
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) received.Write(buffer, 0, read);
            closed = true;
        }
        catch (SocketException)
        {
            closed = true; // reset
        }
        catch (OperationCanceledException)
        {
            // still open at the bound
        }
        return Parse(received.ToArray(), clock.Elapsed, closed);
    }

    private static Answer Parse(byte[] bytes, TimeSpan elapsed, bool closed)
    {
        var split = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        var lines = Encoding.ASCII.GetString(bytes, 0, split < 0 ? bytes.Length : split).Split("\r\n");
        var status = lines[0].StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(lines[0].AsSpan(9, 3), out var s) ? s : 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = split < 0 ? [] : bytes[(split + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new Answer(status, headers, Encoding.UTF8.GetString(body), elapsed, closed);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(at).IndexOf("\r\n"u8);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(Encoding.ASCII.GetString(chunked, at, lineEnd).Split(';')[0], 16);
            if (size == 0) break;
            body.Write(chunked, at + lineEnd + 2, size);
            at += lineEnd + 2 + size + 2;
        }
        return body.ToArray();
    }

    public void Dispose() => _socket.Dispose();
}
