using System.Text.Json;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>The operations of the served OpenAPI document, read once at the start of a run: the fuzzer's menu.</summary>
public sealed class OpenApiModel
{
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    private readonly JsonElement _document;

    public OpenApiModel(string json)
    {
        _document = JsonDocument.Parse(json).RootElement.Clone();
        var operations = new List<Operation>();
        foreach (var path in _document.GetProperty("paths").EnumerateObject())
        {
            var shared = path.Value.TryGetProperty("parameters", out var common) ? common.EnumerateArray().ToList() : [];
            foreach (var entry in path.Value.EnumerateObject().Where(e => Methods.Contains(e.Name.ToUpperInvariant())))
            {
                var op = entry.Value;
                var parameters = shared.Concat(op.TryGetProperty("parameters", out var own) ? own.EnumerateArray() : [])
                    .Select(p => Schema.Deref(_document, p))
                    .Select(p => new Parameter(
                        p.GetProperty("name").GetString()!,
                        p.GetProperty("in").GetString()!,
                        p.TryGetProperty("required", out var r) && r.GetBoolean(),
                        new Schema(_document, p.TryGetProperty("schema", out var s) ? s : default)))
                    .ToList();
                Schema? body = null;
                string[] bodyTypes = [];
                if (op.TryGetProperty("requestBody", out var requestBody))
                {
                    var content = Schema.Deref(_document, requestBody).GetProperty("content");
                    bodyTypes = [.. content.EnumerateObject().Select(c => c.Name)];
                    var jsonMedia = content.EnumerateObject().FirstOrDefault(c => c.Name.Contains("json"));
                    if (jsonMedia.Value.ValueKind == JsonValueKind.Object && jsonMedia.Value.TryGetProperty("schema", out var bs)) body = new Schema(_document, bs);
                }
                // A requirement list with an empty object in it ([{}]) means the key is optional: the operation is open.
                static bool Requires(JsonElement list) =>
                    list.GetArrayLength() > 0 && list.EnumerateArray().All(r => r.EnumerateObject().Any());
                var secured = op.TryGetProperty("security", out var security)
                    ? Requires(security)
                    : _document.TryGetProperty("security", out var global) && Requires(global);
                operations.Add(new Operation(
                    op.TryGetProperty("operationId", out var id) ? id.GetString()! : $"{entry.Name.ToUpperInvariant()} {path.Name}",
                    entry.Name.ToUpperInvariant(), path.Name, parameters, body, bodyTypes, secured,
                    [.. op.GetProperty("responses").EnumerateObject().Select(r => r.Name)]));
            }
        }
        Operations = operations;
    }

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>Each path template with the methods the document declares for it.</summary>
    public IEnumerable<(string Template, string[] Methods)> Paths =>
        Operations.GroupBy(o => o.Template).Select(g => (g.Key, g.Select(o => o.Method).ToArray()));

    public Schema ComponentSchema(string name) =>
        new(_document, _document.GetProperty("components").GetProperty("schemas").GetProperty(name));
}

public sealed record Operation(
    string Id, string Method, string Template, IReadOnlyList<Parameter> Parameters, Schema? Body, string[] BodyMediaTypes,
    bool Secured, string[] Responses)
{
    public bool IsWrite => Method is not ("GET" or "HEAD");
    public IEnumerable<Parameter> PathParameters => Parameters.Where(p => p.In == "path");
    public IEnumerable<Parameter> QueryParameters => Parameters.Where(p => p.In == "query");
    public override string ToString() => $"{Id} ({Method} {Template})";
}

public sealed record Parameter(string Name, string In, bool Required, Schema Schema);

/// <summary>
/// A JSON Schema node of the document, read the way OpenAPI 3.1 writes it here: "$ref", "type" as a word or a list
/// with "null", and "oneOf" of null and a reference for nullable objects and enums.
/// </summary>
public sealed class Schema(JsonElement document, JsonElement node)
{
    private readonly JsonElement _node = Deref(document, node);

    public static JsonElement Deref(JsonElement document, JsonElement node)
    {
        for (var hops = 0; hops < 16 && node.ValueKind == JsonValueKind.Object && node.TryGetProperty("$ref", out var reference); hops++)
        {
            var target = document;
            foreach (var part in reference.GetString()!.TrimStart('#', '/').Split('/'))
            {
                target = target.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
            }
            node = target;
        }
        return node;
    }

    public bool IsEmpty => _node.ValueKind != JsonValueKind.Object;

    /// <summary>The non-null alternative of a oneOf [null, X], or this schema.</summary>
    private Schema Core => Alternatives.FirstOrDefault(a => !a.OnlyNull) ?? this;

    private IEnumerable<Schema> Alternatives =>
        !IsEmpty && (_node.TryGetProperty("oneOf", out var one) || _node.TryGetProperty("anyOf", out one))
            ? one.EnumerateArray().Select(a => new Schema(document, a))
            : [];

    private bool OnlyNull => Types.Count == 1 && Types.Contains("null");

    /// <summary>The JSON types allowed ("string", "integer", "number", "boolean", "array", "object", "null").</summary>
    public IReadOnlySet<string> Types
    {
        get
        {
            var types = new HashSet<string>();
            if (IsEmpty) return types;
            if (_node.TryGetProperty("type", out var type))
            {
                if (type.ValueKind == JsonValueKind.String) types.Add(type.GetString()!);
                else foreach (var t in type.EnumerateArray()) types.Add(t.GetString()!);
            }
            foreach (var alternative in Alternatives) types.UnionWith(alternative.Types);
            if (Enum is { } values)
            {
                foreach (var v in values)
                {
                    types.Add(v.ValueKind switch
                    {
                        JsonValueKind.String => "string", JsonValueKind.Number => "number", JsonValueKind.Null => "null",
                        JsonValueKind.True or JsonValueKind.False => "boolean", _ => "object",
                    });
                }
            }
            if (types.Count == 0 && _node.TryGetProperty("properties", out _)) types.Add("object");
            return types;
        }
    }

    public bool Nullable => Types.Contains("null");

    public IReadOnlyList<JsonElement>? Enum =>
        !IsEmpty && _node.TryGetProperty("enum", out var e) ? [.. e.EnumerateArray()]
        : Alternatives.Select(a => a.Enum).FirstOrDefault(v => v is not null);

    public IReadOnlyList<string> EnumStrings => [.. (Enum ?? []).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)];

    public decimal? Minimum => Number("minimum");

    public decimal? Maximum => Number("maximum");

    public string? Pattern => Core.IsEmpty ? null : Core._node.TryGetProperty("pattern", out var p) ? p.GetString() : null;

    private decimal? Number(string keyword) =>
        !Core.IsEmpty && Core._node.TryGetProperty(keyword, out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetDecimal(out var d) ? d : null;

    public string? Format => Core.IsEmpty ? null : Core._node.TryGetProperty("format", out var f) ? f.GetString() : null;

    public IReadOnlyDictionary<string, Schema> Properties =>
        Core.IsEmpty || !Core._node.TryGetProperty("properties", out var props)
            ? new Dictionary<string, Schema>()
            : props.EnumerateObject().ToDictionary(p => p.Name, p => new Schema(document, p.Value));

    public IReadOnlyList<string> Required =>
        Core.IsEmpty || !Core._node.TryGetProperty("required", out var req) ? [] : [.. req.EnumerateArray().Select(r => r.GetString()!)];

    /// <summary>False when the object refuses properties it does not list.</summary>
    public bool ClosedObject => !Core.IsEmpty && Core._node.TryGetProperty("additionalProperties", out var a) && a.ValueKind == JsonValueKind.False;

    /// <summary>The schema of a map's values (additionalProperties: schema), or null.</summary>
    public Schema? MapValues =>
        !Core.IsEmpty && Core._node.TryGetProperty("additionalProperties", out var a) && a.ValueKind == JsonValueKind.Object ? new Schema(document, a) : null;

    public Schema? Items => !Core.IsEmpty && Core._node.TryGetProperty("items", out var i) ? new Schema(document, i) : null;

    /// <summary>Whether a JSON value of this kind is one the schema allows (ignoring enums and formats).</summary>
    public bool Allows(JsonValueKind kind, bool integral) => kind switch
    {
        JsonValueKind.Null => Nullable,
        JsonValueKind.String => Types.Contains("string"),
        JsonValueKind.True or JsonValueKind.False => Types.Contains("boolean"),
        JsonValueKind.Number => Types.Contains("number") || (integral && Types.Contains("integer")),
        JsonValueKind.Array => Types.Contains("array"),
        JsonValueKind.Object => Types.Contains("object"),
        _ => false,
    };
}
