using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Sends generated requests and judges each answer: no 5xx; every error problem+json with its status; the contract
/// checker satisfied; what must succeed succeeds and what must be refused is refused; a refused write leaves every
/// table as it was; a created resource reads back at its Location; a retracted claim reads as retracted.
/// </summary>
public sealed class FuzzRunner(HttpClient curator, HttpClient anonymous, DatabaseFingerprint fingerprint, FuzzWorld world, FuzzReport report,
    PrismRoute? prism = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private IReadOnlyDictionary<string, (long Rows, string Md5)>? _tables;
    private readonly System.Diagnostics.Stopwatch _fingerprinting = new();

    public TimeSpan FingerprintTime => _fingerprinting.Elapsed;

    public sealed record Answer(int Status, HttpResponseHeaders? Headers, MediaTypeHeaderValue? ContentType, string Body, string? Breach, HttpContentHeaders? ContentHeaders);

    public async Task RunAsync(FuzzRequest request)
    {
        _tables ??= await fingerprint.TakeAsync();
        var answer = await SendAsync(request);
        report.Count(request, answer?.Status);
        if (answer is null) return;

        Judge(request, answer);

        if (request.IsWrite)
        {
            _fingerprinting.Start();
            var after = await fingerprint.TakeAsync();
            _fingerprinting.Stop();
            if (answer.Status is >= 400 or 0)
            {
                var changed = DatabaseFingerprint.Compare(_tables, after);
                if (changed.Count > 0) report.Fail(request, "partial write", answer.Status, $"refused with {answer.Status}, yet tables changed: {string.Join("; ", changed)}");
            }
            _tables = after;
        }

        if (answer.Status is >= 200 and < 300 && answer.Breach is null)
        {
            await FollowUpAsync(request, answer);
        }
    }

    /// <summary>A read that a valid request needs (an ETag, a claim's evidence), judged like any other request.</summary>
    public async Task<JsonElement?> ReadAsync(int index, string operationId, string path)
    {
        var request = new FuzzRequest
        {
            Index = index, Target = operationId, Method = "GET", PathAndQuery = path, Expect = Expectation.Invariants,
            Description = "read to build a valid request", Mutation = "read",
        };
        var answer = await SendAsync(request);
        report.Count(request, answer?.Status);
        if (answer is null) return null;
        Judge(request, answer);
        return answer.Status == 200 && answer.Breach is null ? Parse(answer.Body) : null;
    }

    private async Task<Answer?> SendAsync(FuzzRequest request)
    {
        var client = request.Credentials == Credentials.Curator ? curator : anonymous;
        if (prism is not null)
        {
            if (PrismFidelity.WhyNotRelayed(request) is { } reason) prism.Proxy.SentDirectly(reason);
            else client = request.Credentials == Credentials.Curator ? prism.Curator : prism.Anonymous;
        }
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(client.BaseAddress!, request.PathAndQuery));
        if (request.Body is not null)
        {
            // A body over the limit is refused before it is read; without 100-continue the client would still be
            // writing it when the server closes the connection, and would never see the 413.
            if (request.Body.Length > EdgeValues.OneMegabyte * 2) message.Headers.ExpectContinue = true;
            message.Content = new ByteArrayContent(request.Body);
            if (request.ContentType is not null) message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (request.Credentials == Credentials.WrongKey) message.Headers.TryAddWithoutValidation("Authorization", "Bearer ct_wrong_key");

        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            // A change stream never ends: its answer is its status and headers (disposing the answer closes it).
            var body = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            prism?.Proxy.Judge(request, message, (int)response.StatusCode, report);
            return new Answer((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType, body, null, response.Content.Headers);
        }
        catch (ContractBreachException breach)
        {
            // The checking handler read the answer and found it outside the contract; its message names the status.
            var status = Regex.Match(breach.Message, @"^\S+ \S+ (?:answered )?(\d{3})\b") is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
            prism?.Proxy.Judge(request, message, status, report);
            if (request.RefusedByKestrel && status == 400 && breach.Message.EndsWith("answered ; the contract declares application/problem+json."))
            {
                // Kestrel answers a request target holding NUL itself, before any middleware: an empty 400, by design.
                return new Answer(status, null, null, "", null, null);
            }
            report.Fail(request, status >= 500 ? "5xx" : "contract", status, breach.Message);
            return new Answer(status, null, null, "", breach.Message, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            report.Fail(request, "transport", 0, $"{e.GetType().Name}: {e.Message}");
            return new Answer(0, null, null, "", e.Message, null);
        }
    }

    private void Judge(FuzzRequest request, Answer answer)
    {
        var status = answer.Status;
        if (status == 0) return;
        if (status >= 500 && answer.Breach is null) report.Fail(request, "5xx", status, FuzzRequest.Shorten(answer.Body, 400));

        if (answer.Breach is null && status >= 400 && !(request.RefusedByKestrel && status == 400 && answer.Body.Length == 0))
        {
            if (answer.ContentType?.MediaType != "application/problem+json")
            {
                report.Fail(request, "not problem+json", status, $"Content-Type {answer.ContentType?.ToString() ?? "none"}, body {FuzzRequest.Shorten(answer.Body, 200)}");
            }
            else if (Parse(answer.Body) is not { ValueKind: JsonValueKind.Object } problem
                     || !problem.TryGetProperty("status", out var s) || s.ValueKind != JsonValueKind.Number || s.GetInt32() != status
                     || !problem.TryGetProperty("title", out var t) || string.IsNullOrWhiteSpace(t.GetString()))
            {
                report.Fail(request, "problem shape", status, $"a problem needs its status ({status}) and a title: {FuzzRequest.Shorten(answer.Body, 300)}");
            }
            else if (!problem.TryGetProperty("detail", out var detail) || string.IsNullOrWhiteSpace(detail.GetString())
                     || !problem.TryGetProperty("requestId", out var requestId) || string.IsNullOrWhiteSpace(requestId.GetString()))
            {
                // The README promises both on every error.
                report.Fail(request, "problem without detail or requestId", status, FuzzRequest.Shorten(answer.Body, 300));
            }
        }
        if (status == 405 && answer.Breach is null)
        {
            var allow = answer.ContentHeaders?.Allow.Count > 0 || answer.Headers?.Contains("Allow") == true;
            if (!allow) report.Fail(request, "405 without Allow", status, "a 405 must say which methods the resource allows (Allow header).");
        }

        if (request.ExpectedStatus is { } expected && status != expected && status < 500)
        {
            report.Fail(request, $"expected {expected}", status, $"got {status}: {FuzzRequest.Shorten(answer.Body, 300)}");
        }
        else if (request.Expect == Expectation.Success && status is < 200 or >= 300 && status < 500)
        {
            report.Fail(request, "valid request refused", status, FuzzRequest.Shorten(answer.Body, 400));
        }
        else if (request.Expect == Expectation.Rejection && status is >= 200 and < 300)
        {
            report.Fail(request, "invalid request accepted", status, FuzzRequest.Shorten(answer.Body, 300));
        }
    }

    private async Task FollowUpAsync(FuzzRequest request, Answer answer)
    {
        var body = Parse(answer.Body);
        if (request.Operation is { } operation && body is { } element) world.Learn(operation.Id, request.CursorKey ?? operation.Id, answer.Status, element);

        if (answer.Status == 201)
        {
            var location = answer.Headers?.Location;
            if (location is null)
            {
                report.Fail(request, "201 without Location", 201, "a created resource must say where it is.");
                return;
            }
            var path = location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
            var read = await ReadAsync(request.Index, $"GET Location of {request.Target}", path);
            if (read is null) report.Fail(request, "Location unreadable", 201, $"GET {path} (the Location of the created resource) did not answer 200.");
        }
        if (request.RetractedClaimId is { } claimId)
        {
            var claim = await ReadAsync(request.Index, "GetClaim", $"/claims/{claimId}");
            if (claim?.GetProperty("status").GetString() != "retracted")
            {
                report.Fail(request, "retraction not visible", answer.Status, $"GET /claims/{claimId} after the retraction: status {claim?.GetProperty("status").GetString() ?? "unreadable"}.");
            }
        }
    }

    private static JsonElement? Parse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Prism in front of the app, and the two clients (curator, anonymous) that send through it.</summary>
public sealed record PrismRoute(PrismProxy Proxy, HttpClient Curator, HttpClient Anonymous);
