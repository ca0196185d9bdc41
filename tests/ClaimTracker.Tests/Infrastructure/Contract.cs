using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>
/// The OpenAPI contract as a judge: every response the API tests see is checked against the operation's declared
/// responses (status code, content type, and body schema with JSON Schema 2020-12, the dialect of OpenAPI 3.1).
/// </summary>
public sealed class Contract
{
    private static readonly Uri DocumentUri = new("https://claimtracker.test/openapi.json");
    private readonly JsonElement _document;
    private readonly List<(Regex Pattern, string Template)> _paths;
    private readonly BuildOptions _build;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    public Contract(string json)
    {
        _document = JsonDocument.Parse(json).RootElement.Clone();
        _paths = [.. _document.GetProperty("paths").EnumerateObject()
            .Select(p => (new Regex("^" + Regex.Replace(Regex.Escape(p.Name), @"\\\{[^}]+}", "[^/]+") + "/?$"), p.Name))];
        var registry = new SchemaRegistry();
        registry.Register(DocumentUri, new JsonElementBaseDocument(_document, DocumentUri));
        _build = new BuildOptions { SchemaRegistry = registry };
    }

    /// <returns>What is wrong with the response, or null when it is what the contract says (or the path is not in it).</returns>
    public string? Check(HttpMethod method, string path, int status, MediaTypeHeaderValue? contentType, string body)
    {
        var match = _paths.FirstOrDefault(p => p.Pattern.IsMatch(path));
        if (match.Template is null) return null; // not an API path: static files, /openapi, /docs
        var operations = _document.GetProperty("paths").GetProperty(match.Template);
        if (!operations.TryGetProperty(method.Method.ToLowerInvariant(), out var operation)) return null; // 405, answered by the router
        var responses = operation.GetProperty("responses");
        if (!responses.TryGetProperty(status.ToString(), out var response) && !responses.TryGetProperty("default", out response))
        {
            return $"{method} {match.Template} answered {status}, which the contract does not declare (it declares {string.Join(", ", responses.EnumerateObject().Select(r => r.Name))}).";
        }
        if (!response.TryGetProperty("content", out var content))
        {
            return body.Length == 0 ? null : $"{method} {match.Template} {status} has a body but the contract declares none.";
        }
        var mediaType = contentType?.MediaType ?? "";
        if (!content.TryGetProperty(mediaType, out var media))
        {
            return $"{method} {match.Template} {status} answered {mediaType}; the contract declares {string.Join(", ", content.EnumerateObject().Select(c => c.Name))}.";
        }
        if (!mediaType.EndsWith("json") || mediaType == "application/x-ndjson") return null;
        if (!media.TryGetProperty("schema", out var schemaElement)) return null;

        var schema = _schemas.GetOrAdd($"{match.Template} {method} {status} {mediaType}", _ => JsonSchema.Build(Rebase(schemaElement), _build, new Uri($"https://claimtracker.test/responses/{Guid.NewGuid():N}")));
        var result = schema.Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return null;
        var errors = (result.Details ?? []).Where(d => !d.IsValid && d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(8);
        return $"{method} {match.Template} {status} body does not match its schema: {string.Join("; ", errors)}";
    }

    // References inside the document are relative ("#/components/..."): point them at the registered document.
    private static JsonElement Rebase(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText())!;
        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    if (o["$ref"] is JsonValue r && r.GetValue<string>().StartsWith('#')) o["$ref"] = DocumentUri + r.GetValue<string>();
                    foreach (var child in o.Select(p => p.Value).ToList()) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(node);
        return JsonDocument.Parse(node.ToJsonString()).RootElement.Clone();
    }
}

/// <summary>Fails the HTTP call of any test whose response breaks the contract.</summary>
public sealed class ContractCheckingHandler(Contract contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var response = await base.SendAsync(request, ct);
        // A change stream never ends: its status and headers are checked, its events by the stream's own tests.
        var endless = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (!endless) await response.Content.LoadIntoBufferAsync(ct);
        var body = endless ? "" : await response.Content.ReadAsStringAsync(ct);
        if (contract.Check(request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType, body) is { } breach)
        {
            throw new ContractBreachException(breach);
        }
        return response;
    }
}

public sealed class ContractBreachException(string message) : Exception(message);
