using System.Text;
using System.Text.Json.Nodes;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>A request being built: parameters by name, a JSON body as a tree. Mutations change it; Render sends it.</summary>
public sealed class Draft(Operation operation)
{
    public Operation Operation { get; } = operation;
    /// <summary>Path parameters as values (escaped on render), or as wire text when <see cref="RawPath"/> names them.</summary>
    public Dictionary<string, string> PathValues { get; } = [];
    public HashSet<string> RawPath { get; } = [];
    /// <summary>Query parameters in order; Raw ones go on the wire as they are.</summary>
    public List<(string Name, string Value, bool Raw)> Query { get; } = [];
    public JsonNode? Body { get; set; }
    public bool HasBody { get; set; }
    /// <summary>The request body's media type: application/json, or application/x-ndjson for <see cref="Lines"/>.</summary>
    public string MediaType { get; set; } = "application/json";
    /// <summary>An NDJSON body: one JSON object a line, each with the schema of the endpoint it stands for.</summary>
    public List<(JsonObject Line, Schema? Schema)>? Lines { get; set; }
    public string LineSeparator { get; set; } = "\n";
    public Dictionary<string, string> Headers { get; } = [];
    /// <summary>The operation needs If-Match (428 without it).</summary>
    public bool NeedsIfMatch { get; set; }
    /// <summary>The version the If-Match names, when the draft read it.</summary>
    public int? Version { get; set; }
    public long? RetractedClaimId { get; set; }
    /// <summary>Where the operation's next-page cursors are kept (claims keep one list per sort).</summary>
    public string? CursorKey { get; set; }

    public void SetQuery(string name, string value)
    {
        Query.RemoveAll(q => q.Name == name);
        Query.Add((name, value, false));
    }

    public string PathAndQuery()
    {
        var path = Operation.Template;
        foreach (var (name, value) in PathValues)
        {
            path = path.Replace("{" + name + "}", RawPath.Contains(name) ? value : Escape(value));
        }
        if (Query.Count == 0) return path;
        return path + "?" + string.Join("&", Query.Select(q => Uri.EscapeDataString(q.Name) + "=" + (q.Raw ? q.Value : Escape(q.Value))));
    }

    /// <summary>Percent-encodes UTF-8, and writes a lone surrogate as the bytes a careless encoder would produce.</summary>
    public static string Escape(string value)
    {
        value = value.Replace(EdgeValues.LoneHigh, "\uD800").Replace(EdgeValues.LoneLow, "\uDC00");
        var sb = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                sb.Append(c);
            }
            else if (char.IsSurrogatePair(value, i))
            {
                foreach (var b in Encoding.UTF8.GetBytes(value.Substring(i++, 2))) sb.Append('%').Append(b.ToString("X2"));
            }
            else if (char.IsSurrogate(c))
            {
                // WTF-8: the three bytes of the surrogate's code point, which is not valid UTF-8.
                sb.Append($"%{0xE0 | (c >> 12):X2}%{0x80 | ((c >> 6) & 0x3F):X2}%{0x80 | (c & 0x3F):X2}");
            }
            else
            {
                foreach (var b in Encoding.UTF8.GetBytes(c.ToString())) sb.Append('%').Append(b.ToString("X2"));
            }
        }
        return sb.ToString();
    }

    public FuzzRequest Render(int index, Expectation expect, string description) => new FuzzRequest
    {
        Index = index,
        Operation = Operation,
        Target = Operation.Id,
        Method = Operation.Method,
        PathAndQuery = PathAndQuery(),
        Body = Lines is not null
            ? Encoding.UTF8.GetBytes(string.Join(LineSeparator, Lines.Select(l => RawJson.Finish(l.Line.ToJsonString(FuzzRequest.Wire)))))
            : HasBody ? FuzzRequest.Json(Body) : null,
        ContentType = HasBody || Lines is not null ? MediaType : null,
        Expect = expect,
        Description = description,
        RetractedClaimId = RetractedClaimId,
        CursorKey = CursorKey ?? Operation.Id,
    }.WithHeaders(Headers);
}
