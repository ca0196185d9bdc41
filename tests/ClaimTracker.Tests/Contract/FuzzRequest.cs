using System.Text;
using System.Text.Json.Nodes;

namespace ClaimTracker.Tests.ContractFuzzing;

public enum Credentials { Curator, None, WrongKey, Malformed }

/// <summary>What a request must get. Mutations that may or may not break a request expect only the invariants.</summary>
public enum Expectation { Success, Rejection, Invariants }

/// <summary>One generated request, as it goes on the wire, with what it must get back and how to replay it.</summary>
public sealed class FuzzRequest
{
    public required int Index { get; init; }
    /// <summary>The operation aimed at, or null for a method the path does not declare.</summary>
    public Operation? Operation { get; init; }
    /// <summary>The operationId, or "PUT /sources (undocumented)".</summary>
    public required string Target { get; init; }
    public required string Method { get; init; }
    /// <summary>Path and query, percent-encoded as sent.</summary>
    public required string PathAndQuery { get; init; }
    public byte[]? Body { get; set; }
    /// <summary>The Content-Type header, or null for none.</summary>
    public string? ContentType { get; set; }
    public Dictionary<string, string> Headers { get; } = [];
    public Credentials Credentials { get; set; } = Credentials.Curator;
    public required Expectation Expect { get; set; }
    /// <summary>The exact status required, when the generator knows it.</summary>
    public int? ExpectedStatus { get; set; }
    /// <summary>The kind of request: "valid", or the name of the mutation applied ("body null").</summary>
    public string Mutation { get; set; } = "valid";
    /// <summary>What was generated: "valid", or the mutation applied.</summary>
    public required string Description { get; set; }
    /// <summary>After a success, the claim that must now read as retracted.</summary>
    public long? RetractedClaimId { get; init; }
    /// <summary>Where a nextCursor in the answer is kept for later requests.</summary>
    public string? CursorKey { get; init; }

    public FuzzRequest WithHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers) Headers[name] = value;
        return this;
    }

    public bool IsWrite => Method is not ("GET" or "HEAD");

    /// <summary>The path holds an encoded NUL, which Kestrel refuses with an empty 400 before the app sees the request.</summary>
    public bool RefusedByKestrel => PathAndQuery.Split('?')[0].Contains("%00", StringComparison.OrdinalIgnoreCase);

    public static byte[] Json(JsonNode? node) => Encoding.UTF8.GetBytes(RawJson.Finish(node?.ToJsonString(Wire) ?? "null"));

    public static readonly System.Text.Json.JsonSerializerOptions Wire = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 4096,
    };

    /// <summary>A shell command that sends the same request (bodies over 2 KB are shown cut, with their length).</summary>
    public string Reproducer(string baseAddress)
    {
        var sb = new StringBuilder($"curl -i -X {Method} '{baseAddress.TrimEnd('/')}{PathAndQuery.Replace("'", "'\\''")}'");
        switch (Credentials)
        {
            case Credentials.Curator: sb.Append(" -H \"Authorization: Bearer $KEY\""); break;
            case Credentials.WrongKey: sb.Append(" -H 'Authorization: Bearer ct_wrong_key'"); break;
            case Credentials.Malformed: sb.Append($" -H 'Authorization: {Headers.GetValueOrDefault("Authorization", "")}'"); break;
        }
        foreach (var (name, value) in Headers.Where(h => h.Key != "Authorization")) sb.Append($" -H '{name}: {value.Replace("'", "'\\''")}'");
        if (ContentType is not null) sb.Append($" -H 'Content-Type: {ContentType}'");
        if (Body is not null)
        {
            var text = Encoding.UTF8.GetString(Body);
            if (Body.Length > 2_048)
            {
                sb.Append($" --data-binary @body.json  # {Body.Length} bytes, starting: {Shorten(text, 600)}");
            }
            else
            {
                sb.Append($" --data-binary '{text.Replace("'", "'\\''")}'");
            }
        }
        return sb.ToString();
    }

    public static string Shorten(string text, int length)
    {
        // Long runs of one character (the 1 MB strings) are written as a count.
        var compact = System.Text.RegularExpressions.Regex.Replace(text, @"(.)\1{40,}", m => $"{m.Groups[1].Value}×{m.Length}");
        return compact.Length <= length ? compact : compact[..length] + $"… ({text.Length} characters)";
    }

    public override string ToString() => $"#{Index} {Method} {Shorten(PathAndQuery, 300)} [{Target}: {Description}]";
}
