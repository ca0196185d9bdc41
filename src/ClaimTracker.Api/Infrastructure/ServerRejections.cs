using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Requests Kestrel refuses before the app sees them (a NUL in the path, a byte above 0x7F in a header, a request
/// line or headers over the limits, headers sent too slowly) get the same answer as the app's own errors: a
/// problem+json with the security headers and the request id, logged under that id.
/// </summary>
/// <remarks>
/// Kestrel writes these answers itself, with an empty body, after resetting every header the app could have set
/// (dotnet/aspnetcore#4726: "this category of errors is not customisable"). Two supported hooks together make them
/// ours: Kestrel's <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> diagnostic event, raised when a request is
/// refused and before its answer is written, says which connection and why; a connection middleware wrapping that
/// connection's output then replaces the bare answer, the only thing Kestrel still writes before it closes the
/// connection. Every other byte passes through untouched.
/// </remarks>
public sealed class ServerRejections(ILogger<ServerRejections> logger) : IObserver<KeyValuePair<string, object?>>
{
    private const string BadRequestEvent = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";
    private readonly ConcurrentDictionary<string, RewritingWriter> _connections = new();

    /// <summary>Starts listening to the host's diagnostic events (Kestrel writes to the host's own listener).</summary>
    public IDisposable Listen(DiagnosticListener listener) => listener.Subscribe(this, name => name == BadRequestEvent);

    /// <summary>The connection middleware: every HTTP/1.x connection writes through a <see cref="RewritingWriter"/>.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        var transport = connection.Transport;
        var writer = new RewritingWriter(transport.Output);
        connection.Transport = new DuplexPipe(transport.Input, writer);
        _connections[connection.ConnectionId] = writer;
        try
        {
            await next(connection);
        }
        finally
        {
            _connections.TryRemove(connection.ConnectionId, out _);
            connection.Transport = transport;
        }
    };

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != BadRequestEvent || value.Value is not IFeatureCollection features) return;
        var connection = features.Get<IHttpConnectionFeature>();
        var response = features.Get<IHttpResponseFeature>();
        var request = features.Get<IHttpRequestFeature>();
        var error = features.Get<IBadRequestExceptionFeature>()?.Error as BadHttpRequestException;
        var requestId = features.Get<IHttpRequestIdentifierFeature>()?.TraceIdentifier ?? "";
        var status = error?.StatusCode ?? StatusCodes.Status400BadRequest;
        var reason = Reason(status, error?.Message);

        using (logger.BeginScope(new Dictionary<string, object?> { ["RequestId"] = requestId }))
        {
            logger.LogInformation("Request {RequestId} refused by the server before the app: {Status} {Reason}", requestId, status, reason);
        }
        // An answer already under way (the request body failed after the app answered) cannot be replaced.
        if (connection is null || response is null || response.HasStarted) return;
        if (request?.Protocol is not ("HTTP/1.1" or "HTTP/1.0" or "" or null)) return;
        if (_connections.TryGetValue(connection.ConnectionId, out var writer))
        {
            writer.Replace(new Rejection(status, reason, requestId, HttpMethods.IsHead(request?.Method ?? "")));
        }
    }

    public void OnError(Exception error) { }

    public void OnCompleted() { }

    /// <summary>Kestrel's reason in words, without the request text some of its messages quote back.</summary>
    private static string Reason(int status, string? message)
    {
        var kestrel = message is null ? "" : message.Split(": '", 2)[0].Trim().TrimEnd('.');
        return status switch
        {
            StatusCodes.Status408RequestTimeout => "The request headers did not arrive in time.",
            StatusCodes.Status414RequestUriTooLong => "The request line is longer than the server accepts.",
            StatusCodes.Status431RequestHeaderFieldsTooLarge => "The request headers are larger than the server accepts.",
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than the configured limit.",
            _ when kestrel.Length > 0 => $"The server could not read the request ({kestrel}).",
            _ => "The server could not read the request.",
        };
    }

    private sealed record Rejection(int Status, string Detail, string RequestId, bool IsHead)
    {
        public byte[] Body() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["title"] = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(Status) is { Length: > 0 } phrase ? phrase : "Bad Request",
            ["status"] = Status,
            ["detail"] = Detail,
            ["requestId"] = RequestId,
        });
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;
        public PipeWriter Output { get; } = output;
    }

    /// <summary>
    /// Passes every write through, except after <see cref="Replace"/>: then the next answer Kestrel writes (its bare
    /// status line and headers) is held back and sent as a problem+json with our headers instead.
    /// </summary>
    private sealed class RewritingWriter(PipeWriter inner) : PipeWriter
    {
        private volatile Rejection? _rejection;
        private ArrayBufferWriter<byte>? _held;

        public void Replace(Rejection rejection)
        {
            _held = new ArrayBufferWriter<byte>(512);
            _rejection = rejection;
        }

        private ArrayBufferWriter<byte>? Holding => _rejection is null ? null : _held;

        public override void Advance(int bytes)
        {
            if (Holding is { } held) held.Advance(bytes);
            else inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => Holding is { } held ? held.GetMemory(sizeHint) : inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => Holding is { } held ? held.GetSpan(sizeHint) : inner.GetSpan(sizeHint);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes + (Holding?.WrittenCount ?? 0);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Release();
            return inner.FlushAsync(cancellationToken);
        }

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            if (Holding is { } held)
            {
                held.Write(source.Span);
                return FlushAsync(cancellationToken);
            }
            return inner.WriteAsync(source, cancellationToken);
        }

        public override void Complete(Exception? exception = null)
        {
            Release();
            inner.Complete(exception);
        }

        public override ValueTask CompleteAsync(Exception? exception = null)
        {
            Release();
            return inner.CompleteAsync(exception);
        }

        /// <summary>Writes what was held back: the replacement when it is Kestrel's bare answer, else the bytes as they were.</summary>
        private void Release()
        {
            if (_rejection is not { } rejection || _held is not { } held) return;
            _rejection = null;
            _held = null;
            var written = held.WrittenSpan;
            inner.Write(Rewrite(written, rejection) ?? written);
        }

        private static byte[]? Rewrite(ReadOnlySpan<byte> answer, Rejection rejection)
        {
            var end = answer.IndexOf("\r\n\r\n"u8);
            if (!answer.StartsWith("HTTP/1."u8) || end < 0) return null;
            var lines = Encoding.ASCII.GetString(answer[..end]).Split("\r\n");
            // Ours already (the app answered, then the body failed): leave it be.
            if (lines.Any(l => l.StartsWith("X-Request-Id:", StringComparison.OrdinalIgnoreCase))) return null;

            var body = rejection.IsHead ? [] : rejection.Body();
            var text = new StringBuilder();
            text.Append(lines[0]).Append("\r\n");
            foreach (var line in lines.Skip(1).Where(l => !l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)))
            {
                text.Append(line).Append("\r\n");
            }
            if (!rejection.IsHead) text.Append("Content-Type: application/problem+json\r\n");
            text.Append("Content-Length: ").Append(body.Length).Append("\r\n");
            text.Append("Cache-Control: no-store\r\n");
            foreach (var (name, value) in Protection.SecurityHeaders(PathString.Empty))
            {
                text.Append(name).Append(": ").Append(value).Append("\r\n");
            }
            text.Append("X-Request-Id: ").Append(rejection.RequestId).Append("\r\n\r\n");
            return [.. Encoding.ASCII.GetBytes(text.ToString()), .. body];
        }
    }
}
