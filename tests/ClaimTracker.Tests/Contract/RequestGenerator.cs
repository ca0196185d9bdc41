using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Turns the OpenAPI document into requests: for each one, an operation of the document, a valid request for it
/// (from <see cref="ValidRequests"/> or, lacking domain knowledge, from its schemas), and then, most of the time,
/// one mutation that breaks it in a way the schema or HTTP says how to break.
/// </summary>
public sealed class RequestGenerator(OpenApiModel model, Gen gen, FuzzWorld world, ValidRequests valid)
{
    /// <summary>Share of requests sent as built: they must succeed.</summary>
    public const double ValidShare = 0.35;

    /// <summary>Share of requests that use a method the path does not declare.</summary>
    public const double UndocumentedMethodShare = 0.04;

    private delegate FuzzRequest? Mutation(Draft draft, int index);

    public async Task<FuzzRequest> NextAsync(int index)
    {
        if (gen.Chance(UndocumentedMethodShare) && UndocumentedMethod(index) is { } probe) return probe;

        var operation = gen.Pick(model.Operations);
        var draft = await valid.BuildAsync(operation);
        var known = draft is not null;
        draft ??= FromSchema(operation);

        if (known && gen.Chance(ValidShare)) return draft.Render(index, Expectation.Success, "valid");

        // Some mutations do not apply to every draft (no body, no query): try a few.
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var (name, mutate) = gen.Pick(Mutations);
            if (mutate(draft, index) is { } request)
            {
                request.Mutation = known ? name : $"schema-generated, {name}";
                request.Description = $"{request.Mutation}: {request.Description}";
                if (!known && request.Expect == Expectation.Success) request.Expect = Expectation.Invariants;
                return request;
            }
        }
        return draft.Render(index, known ? Expectation.Success : Expectation.Invariants, known ? "valid" : "schema-generated");
    }

    private (string, Mutation)[] Mutations =>
    [
        ("body string", BodyString), ("body string", BodyString), ("body wrong type", BodyWrongType), ("body null", BodyNull),
        ("body missing required", BodyMissingRequired), ("body unknown field", BodyUnknownField), ("body enum", BodyEnum),
        ("body number", BodyNumber), ("body date", BodyDate), ("body deep nesting", BodyDeepNesting), ("body not an object", BodyNotObject),
        ("body truncated", BodyTruncated), ("body invalid UTF-8", BodyInvalidUtf8), ("body lax JSON", BodyLaxJson),
        ("body duplicate key", BodyDuplicateKey), ("content type", WrongContentType), ("content type", JsonContentTypeVariant),
        ("body too large", BodyTooLarge), ("path parameter", PathParameter), ("path parameter", PathParameter),
        ("query parameter", QueryParameter), ("query parameter", QueryParameter), ("query parameter", QueryParameter),
        ("query repeated", QueryRepeated), ("query unknown", QueryUnknown), ("query dropped", QueryDropped),
        ("credentials", BadCredentials), ("If-Match", IfMatch), ("If-Match", IfMatchMissingOrStale),
        ("NDJSON lines", NdjsonLines), ("NDJSON lines", NdjsonLines),
    ];

    private FuzzRequest? NdjsonLines(Draft d, int index)
    {
        if (d.Lines is not { Count: > 0 } lines) return null;
        var i = gen.Int(lines.Count);
        var line = lines[i].Line;
        string what;
        var expect = Expectation.Rejection;
        switch (gen.Int(9))
        {
            case 0: line["type"] = gen.Pick("Subject", "unknown", "", "claims"); what = $"line {i + 1} has type {line["type"]!.ToJsonString()}"; break;
            case 1: line.Remove("type"); what = $"line {i + 1} has no type"; break;
            case 2: line["ref"] = line["ref"] is null ? 1 : new JsonArray("x"); what = $"line {i + 1} has a ref of the wrong type"; break;
            case 3:
                lines.Insert(gen.Int(lines.Count + 1), (new JsonObject { ["type"] = "passage", ["source"] = "no-such-ref", ["start"] = 0, ["end"] = 1 }, null));
                what = "a passage names a source ref no line defines";
                break;
            case 4:
                var copy = (JsonObject)line.DeepClone();
                lines.Insert(i + 1, (copy, lines[i].Schema));
                what = $"line {i + 1} appears twice";
                expect = Expectation.Invariants;
                break;
            case 5: d.LineSeparator = "\r\n"; what = "lines end with CRLF"; expect = Expectation.Invariants; break;
            case 6: d.LineSeparator = "\n\n"; what = "a blank line between lines"; expect = Expectation.Invariants; break;
            case 7:
                lines.Clear();
                for (var n = 0; n < 2_000; n++) lines.Add((new JsonObject { ["type"] = "subject", ["name"] = world.Unique("Bulk fuzz subject") }, null));
                what = "2,000 subject lines";
                expect = Expectation.Invariants;
                break;
            default:
                var request = d.Render(index, Expectation.Rejection, "");
                var text = Encoding.UTF8.GetString(request.Body!);
                var bad = gen.Pick("[1,2]", "null", "{", "\"text\"", "{\"type\":\"subject\",\"name\":\"x\"", "\u0000");
                request.Body = Encoding.UTF8.GetBytes(text + "\n" + bad);
                request.Description = $"a last line that is {bad}";
                return request;
        }
        return d.Render(index, expect, what);
    }

    // ---- a request from the schemas alone

    private Draft FromSchema(Operation operation)
    {
        var draft = new Draft(operation);
        foreach (var p in operation.PathParameters) draft.PathValues[p.Name] = SchemaScalar(p.Schema, p.Name);
        foreach (var p in operation.QueryParameters.Where(p => p.Required || gen.Chance(0.3))) draft.SetQuery(p.Name, SchemaScalar(p.Schema, p.Name));
        // A required header is sent: If-Match as "*" (any version), which its pattern allows.
        foreach (var p in operation.Parameters.Where(p => p.In == "header" && p.Required))
        {
            draft.Headers[p.Name] = p.Name == "If-Match" ? "*" : SchemaScalar(p.Schema, p.Name);
        }
        if (operation.Body is { } body)
        {
            draft.Body = SchemaValue(body, 0);
            draft.HasBody = true;
        }
        return draft;
    }

    private string SchemaScalar(Schema schema, string name)
    {
        if (schema.EnumStrings.Count > 0) return gen.Pick(schema.EnumStrings);
        if (schema.Types.Contains("integer"))
        {
            var ids = name == "id" ? world.ClaimIds.Concat(world.Sources.Keys).ToList() : [];
            // Within the declared bounds: a value the schema allows (the mutations break bounds on purpose).
            var low = (long)Math.Max(schema.Minimum ?? 0, 0);
            var high = (long)Math.Min(schema.Maximum ?? 1000, 1000);
            return (ids.Count > 0 && gen.Chance(0.7) ? gen.Pick(ids) : gen.Int((int)low, (int)high + 1)).ToString(CultureInfo.InvariantCulture);
        }
        if (schema.Types.Contains("boolean")) return gen.Pick("true", "false");
        if (schema.Format == "date") return gen.Day(gen.Int(1990, 2030));
        var text = gen.Text(1, 2);
        if (schema.Pattern is { } pattern && !System.Text.RegularExpressions.Regex.IsMatch(text, pattern))
        {
            // A pattern's words (cursors, ETags) are rarely met by prose: a word of letters is, for the patterns here.
            text = new[] { gen.Word(), "fuzz-" + gen.Int(10_000_000, 100_000_000).ToString(CultureInfo.InvariantCulture), gen.Pick("2024", "2024-09", "2024-09-18"), "x" }
                .FirstOrDefault(t => System.Text.RegularExpressions.Regex.IsMatch(t, pattern)) ?? "x";
        }
        return text;
    }

    private JsonNode? SchemaValue(Schema schema, int depth)
    {
        if (schema.Enum is { Count: > 0 } values) return JsonNode.Parse(gen.Pick(values).GetRawText());
        var types = schema.Types.Where(t => t != "null").ToList();
        if (types.Count == 0) return null;
        switch (gen.Pick(types))
        {
            case "object":
                var obj = new JsonObject();
                foreach (var (name, property) in schema.Properties)
                {
                    if (depth < 4 && (schema.Required.Contains(name) || gen.Chance(0.3))) obj[name] = SchemaValue(property, depth + 1);
                }
                return obj;
            case "array":
                return schema.Items is { } items && depth < 4
                    ? new JsonArray([.. Enumerable.Range(0, gen.Int(0, 3)).Select(_ => SchemaValue(items, depth + 1))])
                    : new JsonArray();
            case "integer": return JsonValue.Create(gen.Int(0, 1000));
            case "number": return JsonValue.Create(gen.Int(0, 100_000) / 10m);
            case "boolean": return JsonValue.Create(gen.Chance(0.5));
            default: return JsonValue.Create(schema.Format == "date" ? gen.Day(2024) : gen.Text(1, 3));
        }
    }

    // ---- body mutations

    /// <summary>A place in the body: the object or array holding it, the key or index, and the schema there.</summary>
    private sealed record Slot(JsonNode Parent, string? Key, int Index, Schema Schema, string Path)
    {
        public JsonNode? Value => Parent is JsonObject o ? o[Key!] : ((JsonArray)Parent)[Index];

        public void Set(JsonNode? value)
        {
            if (Parent is JsonObject o) o[Key!] = value;
            else ((JsonArray)Parent)[Index] = value;
        }
    }

    private static List<Slot> Slots(JsonNode? node, Schema schema, string path)
    {
        var slots = new List<Slot>();
        switch (node)
        {
            case JsonObject obj:
                var properties = schema.Properties;
                foreach (var (key, value) in obj.ToList())
                {
                    var child = properties.GetValueOrDefault(key) ?? schema.MapValues;
                    if (child is null) continue;
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    slots.Add(new Slot(obj, key, -1, child, childPath));
                    slots.AddRange(Slots(value, child, childPath));
                }
                break;
            case JsonArray array when schema.Items is { } items:
                for (var i = 0; i < array.Count; i++)
                {
                    slots.Add(new Slot(array, null, i, items, $"{path}[{i}]"));
                    slots.AddRange(Slots(array[i], items, $"{path}[{i}]"));
                }
                break;
        }
        return slots;
    }

    /// <summary>The JSON the body mutations work on: the body, or one line of an NDJSON body (with its endpoint's schema).</summary>
    private (JsonNode? Node, Schema? Schema, string Path) Document(Draft d)
    {
        if (d.Lines is { Count: > 0 } lines)
        {
            var i = gen.Int(lines.Count);
            return (lines[i].Line, lines[i].Schema, $"line {i + 1}: ");
        }
        return d.HasBody ? (d.Body, d.Operation.Body, "") : (null, null, "");
    }

    private Slot? PickSlot(Draft d, Func<Slot, bool> where)
    {
        var (node, schema, prefix) = Document(d);
        if (node is null || schema is null) return null;
        var slots = Slots(node, schema, "").Where(where).Select(s => s with { Path = prefix + s.Path }).ToList();
        return slots.Count == 0 ? null : gen.Pick(slots);
    }

    /// <summary>Every object in the body with its schema, the root included.</summary>
    private List<(JsonObject Node, Schema Schema, string Path)> Objects(Draft d)
    {
        var (node, schema, prefix) = Document(d);
        if (node is not JsonObject root || schema is null) return [];
        var found = new List<(JsonObject, Schema, string)> { (root, schema, prefix + "$") };
        foreach (var slot in Slots(root, schema, prefix))
        {
            if (slot.Value is JsonObject o && slot.Schema.Properties.Count > 0) found.Add((o, slot.Schema, slot.Path));
        }
        return found;
    }

    private string EdgeString(bool forQuery = false) => gen.Int(10) switch
    {
        0 => gen.Pick(EdgeValues.Blank),
        1 or 2 => gen.Pick(EdgeValues.Injection),
        3 or 4 => gen.Pick(EdgeValues.Unicode),
        5 => forQuery ? new string('y', gen.Pick(300, 501, 2_001, 5_000)) : gen.Chance(0.4) ? EdgeValues.Megabyte : new string('y', gen.Pick(101, 201, 301, 1_001, 2_001, 5_001, 10_001, 20_001)),
        6 => gen.Pick(EdgeValues.Dates),
        7 => gen.Pick(EdgeValues.SearchSyntax),
        8 => gen.Pick(EdgeValues.Unicode) + gen.Pick(EdgeValues.Injection),
        _ => gen.Text(1, 3) + gen.Pick(EdgeValues.Unicode),
    };

    private static bool HasNul(string s) => s.Contains('\0');

    private FuzzRequest? BodyString(Draft d, int index)
    {
        if (PickSlot(d, s => s.Schema.Types.Contains("string") && s.Schema.EnumStrings.Count == 0) is not { } slot) return null;
        var value = EdgeString();
        slot.Set(JsonValue.Create(value));
        // U+0000 cannot be stored in text: the API promises a 400 for it, wherever it is.
        return d.Render(index, HasNul(value) ? Expectation.Rejection : Expectation.Invariants, $"{slot.Path} = {Describe(value)}");
    }

    private FuzzRequest? BodyWrongType(Draft d, int index)
    {
        if (PickSlot(d, _ => true) is not { } slot) return null;
        var candidates = new (JsonNode? Node, JsonValueKind Kind, bool Integral)[]
        {
            (JsonValue.Create("12"), JsonValueKind.String, false), (JsonValue.Create(12), JsonValueKind.Number, true),
            (JsonValue.Create(1.5), JsonValueKind.Number, false), (JsonValue.Create(true), JsonValueKind.True, false),
            (new JsonArray(JsonValue.Create("a")), JsonValueKind.Array, false), (new JsonObject { ["a"] = 1 }, JsonValueKind.Object, false),
        }.Where(c => !slot.Schema.Allows(c.Kind, c.Integral)).ToList();
        if (candidates.Count == 0) return null;
        var wrong = gen.Pick(candidates);
        slot.Set(wrong.Node);
        return d.Render(index, Expectation.Rejection, $"{slot.Path} = {wrong.Node!.ToJsonString()} (declared {string.Join("|", slot.Schema.Types)})");
    }

    private FuzzRequest? BodyNull(Draft d, int index)
    {
        if (PickSlot(d, _ => true) is not { } slot) return null;
        slot.Set(null);
        return d.Render(index, slot.Schema.Nullable ? Expectation.Invariants : Expectation.Rejection, $"{slot.Path} = null");
    }

    private FuzzRequest? BodyMissingRequired(Draft d, int index)
    {
        var candidates = Objects(d).SelectMany(o => o.Schema.Required.Where(o.Node.ContainsKey).Select(r => (o.Node, Name: r, o.Path))).ToList();
        if (candidates.Count == 0) return null;
        var (node, name, path) = gen.Pick(candidates);
        node.Remove(name);
        return d.Render(index, Expectation.Rejection, $"{path}.{name} left out (required)");
    }

    private FuzzRequest? BodyUnknownField(Draft d, int index)
    {
        var closed = Objects(d).Where(o => o.Schema.ClosedObject).ToList();
        if (closed.Count == 0) return null;
        var (node, _, path) = gen.Pick(closed);
        var name = gen.Pick("extra", "id", "__proto__", "Title", "createdBy", "$where", "' OR 1=1 --", "");
        if (node.ContainsKey(name)) return null;
        node[name] = gen.Chance(0.5) ? JsonValue.Create("x") : new JsonObject { ["nested"] = 1 };
        return d.Render(index, Expectation.Rejection, $"{path}.\"{name}\" added (not in the schema)");
    }

    private FuzzRequest? BodyEnum(Draft d, int index)
    {
        if (PickSlot(d, s => s.Schema.EnumStrings.Count > 0) is not { } slot) return null;
        var current = slot.Value?.ToJsonString().Trim('"') ?? gen.Pick(slot.Schema.EnumStrings);
        var wrong = gen.Pick(current.ToUpperInvariant(), current + " ", "", "unknown", "0", current.Replace('_', '-'), "Draft", "AtLeast", "atLeast");
        if (slot.Schema.EnumStrings.Contains(wrong)) return null;
        var asNumber = !gen.Chance(0.8);
        slot.Set(asNumber ? JsonValue.Create(0) : JsonValue.Create(wrong));
        // Enum words are read without regard to case or surrounding spaces ("DRAFT", "draft ", "AtLeast"): only a word
        // that is not a spelling of any value must be refused.
        static string Fold(string v) => v.Trim().Replace("_", "").ToLowerInvariant();
        var spelling = !asNumber && wrong.Length > 0 && slot.Schema.EnumStrings.Any(e => Fold(e) == Fold(wrong));
        return d.Render(index, spelling ? Expectation.Invariants : Expectation.Rejection,
            $"{slot.Path} = {slot.Value!.ToJsonString()} (not one of {string.Join(", ", slot.Schema.EnumStrings)})");
    }

    private FuzzRequest? BodyNumber(Draft d, int index)
    {
        if (PickSlot(d, s => s.Schema.Types.Contains("integer") || s.Schema.Types.Contains("number")) is not { } slot) return null;
        var literal = gen.Pick(EdgeValues.Numbers);
        slot.Set(JsonValue.Create(RawJson.Raw(literal)));
        return d.Render(index, Expectation.Invariants, $"{slot.Path} = {literal}");
    }

    private static readonly string[] DateFields = ["published", "retrievedOn", "validAt", "validFrom", "validTo", "statedOn", "date"];

    private FuzzRequest? BodyDate(Draft d, int index)
    {
        if (PickSlot(d, s => DateFields.Contains(s.Key)) is not { } slot) return null;
        var value = gen.Pick(EdgeValues.Dates);
        slot.Set(JsonValue.Create(value));
        return d.Render(index, Expectation.Invariants, $"{slot.Path} = \"{value}\"");
    }

    private FuzzRequest? BodyDeepNesting(Draft d, int index)
    {
        if (!d.HasBody || d.Lines is not null) return null;
        if (gen.Chance(0.3) || PickSlot(d, _ => true) is not { } slot)
        {
            d.Body = JsonValue.Create(RawJson.DeepNesting);
            return d.Render(index, Expectation.Rejection, "the body is 2,000 nested arrays");
        }
        slot.Set(gen.Chance(0.5) ? JsonValue.Create(RawJson.DeepNesting) : Nest(200));
        return d.Render(index, Expectation.Rejection, $"{slot.Path} = arrays or objects nested {(slot.Value is JsonObject ? 200 : 2_000)} deep");
    }

    private static JsonObject Nest(int depth)
    {
        var root = new JsonObject();
        var node = root;
        for (var i = 0; i < depth; i++)
        {
            var child = new JsonObject();
            node["a"] = child;
            node = child;
        }
        return root;
    }

    private FuzzRequest? BodyNotObject(Draft d, int index)
    {
        if (!d.HasBody && d.Lines is null) return null;
        var (text, what) = gen.Pick(("[]", "an empty array"), ("[{}]", "an array"), ("\"text\"", "a string"), ("42", "a number"),
            ("null", "null"), ("true", "true"), ("", "empty"), ("   ", "blank"), ("{}", "an empty object"));
        var request = d.Render(index, Expectation.Rejection, $"the body is {what}");
        request.Body = Encoding.UTF8.GetBytes(text);
        // An empty object is a valid body for an operation whose fields are all optional (and then refused by validation);
        // an empty NDJSON body is an import of nothing.
        if (text == "{}" || d.Lines is not null && text.Trim().Length == 0) request.Expect = Expectation.Invariants;
        return request;
    }

    private FuzzRequest? BodyTruncated(Draft d, int index)
    {
        if (!d.HasBody && d.Lines is null) return null;
        var request = d.Render(index, Expectation.Rejection, "");
        var cut = gen.Int(1, request.Body!.Length);
        request.Body = request.Body[..cut];
        request.Description = $"the JSON is cut after {cut} of its bytes";
        return request;
    }

    private FuzzRequest? BodyInvalidUtf8(Draft d, int index)
    {
        if (PickSlot(d, s => s.Schema.Types.Contains("string") && s.Schema.EnumStrings.Count == 0) is not { } slot) return null;
        const string marker = "@@INVALID_UTF8@@";
        slot.Set(JsonValue.Create("ab" + marker + "cd"));
        var request = d.Render(index, Expectation.Rejection, "");
        var (bytes, what) = gen.Pick<(byte[], string)>(([0xFF], "0xFF"), ([0xC3], "a cut two-byte sequence"), ([0xED, 0xA0, 0x80], "an encoded surrogate"),
            ([0xC0, 0xAF], "an overlong '/'"), ([0xF8, 0x88, 0x80, 0x80, 0x80], "a five-byte sequence"));
        var text = Encoding.UTF8.GetBytes(marker);
        var body = request.Body!;
        var at = body.AsSpan().IndexOf(text);
        request.Body = [.. body[..at], .. bytes, .. body[(at + text.Length)..]];
        request.Description = $"{slot.Path} holds {what}, which is not UTF-8";
        return request;
    }

    private FuzzRequest? BodyLaxJson(Draft d, int index)
    {
        if (d.Body is not JsonObject { Count: > 0 }) return null;
        var request = d.Render(index, Expectation.Rejection, "");
        var json = Encoding.UTF8.GetString(request.Body!);
        (json, request.Description) = gen.Int(5) switch
        {
            0 => (json[..^1] + ",}", "a trailing comma"),
            1 => ("/* comment */" + json, "a comment"),
            2 => (json.Replace("\"", "'"), "single quotes"),
            3 => (json + "{}", "a second JSON value after the first"),
            _ => (json[..^1] + ",\"" + "k\":NaN}", "NaN as a number"),
        };
        request.Body = Encoding.UTF8.GetBytes(json);
        return request;
    }

    private FuzzRequest? BodyDuplicateKey(Draft d, int index)
    {
        if (d.Body is not JsonObject { Count: > 0 } obj) return null;
        var key = gen.Pick(obj.Select(p => p.Key).ToList());
        var request = d.Render(index, Expectation.Invariants, $"\"{key}\" appears twice");
        var json = Encoding.UTF8.GetString(request.Body!);
        request.Body = Encoding.UTF8.GetBytes(json[..^1] + $",\"{key}\":{(obj[key] is { } v ? RawJson.Finish(v.ToJsonString(FuzzRequest.Wire)) : "null")}}}");
        return request;
    }

    private FuzzRequest? WrongContentType(Draft d, int index)
    {
        if (!d.HasBody && d.Lines is null) return null;
        var type = d.Lines is not null && gen.Chance(0.4) ? gen.Pick("application/json", "application/ndjson", "application/jsonl") : gen.Pick<string?>("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            null, "application/octet-stream", "text/json", "application/jsonx", "json");
        var request = d.Render(index, Expectation.Rejection, $"Content-Type {type ?? "left out"}");
        request.ContentType = type;
        request.ExpectedStatus = 415;
        return request;
    }

    private FuzzRequest? JsonContentTypeVariant(Draft d, int index)
    {
        if (d.Lines is not null)
        {
            var variant = gen.Pick("application/x-ndjson; charset=utf-8", "APPLICATION/X-NDJSON", "application/x-ndjson;");
            var accepted = d.Render(index, Expectation.Invariants, $"Content-Type {variant}");
            accepted.ContentType = variant;
            return accepted;
        }
        if (!d.HasBody) return null;
        var type = gen.Pick("application/json; charset=utf-8", "APPLICATION/JSON", "application/merge-patch+json", "application/problem+json",
            "application/json; charset=latin1", "application/json;;", "application/json; boundary=\"x\"");
        var request = d.Render(index, Expectation.Invariants, $"Content-Type {type}");
        request.ContentType = type;
        return request;
    }

    private FuzzRequest? BodyTooLarge(Draft d, int index)
    {
        // Imports have a limit of their own, far above this.
        if (d.Lines is not null) return null;
        if (PickSlot(d, s => s.Schema.Types.Contains("string") && s.Schema.EnumStrings.Count == 0) is not { } slot || !gen.Chance(0.3)) return null;
        slot.Set(JsonValue.Create(new string('z', 5 * EdgeValues.OneMegabyte)));
        var request = d.Render(index, Expectation.Rejection, $"{slot.Path} = 5 MB string (over the 4 MB limit)");
        request.ExpectedStatus = 413;
        return request;
    }

    // ---- parameters

    private FuzzRequest? PathParameter(Draft d, int index)
    {
        var parameters = d.Operation.PathParameters.ToList();
        if (parameters.Count == 0) return null;
        var p = gen.Pick(parameters);
        if (gen.Chance(0.6))
        {
            d.PathValues[p.Name] = gen.Pick(EdgeValues.PathSegments);
            d.RawPath.Add(p.Name);
        }
        else
        {
            d.PathValues[p.Name] = EdgeString(forQuery: true);
        }
        d.RetractedClaimId = null;
        var shown = d.RawPath.Contains(p.Name) ? d.PathValues[p.Name] : Describe(d.PathValues[p.Name]);
        return d.Render(index, Expectation.Invariants, $"{{{p.Name}}} = {shown}");
    }

    private FuzzRequest? QueryParameter(Draft d, int index)
    {
        var parameters = d.Operation.QueryParameters.ToList();
        if (parameters.Count == 0) return null;
        var p = gen.Pick(parameters);
        string value;
        var raw = false;
        var expect = Expectation.Invariants;
        if (p.Schema.Types.Contains("integer")) value = gen.Chance(0.8) ? gen.Pick(EdgeValues.QueryNumbers) : EdgeString(true);
        else if (p.Schema.Types.Contains("boolean")) value = gen.Pick(EdgeValues.Booleans);
        else if (p.Name is "cursor" or "since" && gen.Chance(0.7)) value = gen.Pick(EdgeValues.Cursors);
        else if (p.Name is "from" or "to" or "published_from" or "published_to" or "as_of" && gen.Chance(0.7)) value = gen.Pick(EdgeValues.Dates);
        else if (gen.Chance(0.15)) { value = gen.Pick(EdgeValues.RawQueryValues); raw = true; }
        else value = EdgeString(forQuery: true);
        if (!raw && HasNul(value)) expect = Expectation.Rejection;
        d.Query.RemoveAll(q => q.Name == p.Name);
        d.Query.Add((p.Name, value, raw));
        return d.Render(index, expect, $"{p.Name} = {(raw ? value : Describe(value))}");
    }

    private FuzzRequest? QueryRepeated(Draft d, int index)
    {
        var parameters = d.Operation.QueryParameters.Where(p => !p.Schema.Types.Contains("array")).ToList();
        if (parameters.Count == 0) return null;
        var p = gen.Pick(parameters);
        var first = d.Query.FirstOrDefault(q => q.Name == p.Name).Value ?? SchemaScalar(p.Schema, p.Name);
        d.Query.Add((p.Name, first, false));
        d.Query.Add((p.Name, SchemaScalar(p.Schema, p.Name), false));
        return d.Render(index, Expectation.Invariants, $"{p.Name} given more than once");
    }

    private FuzzRequest? QueryUnknown(Draft d, int index)
    {
        var name = gen.Pick("foo", "id", "' OR 1=1 --", "limit[]", "__proto__", "q ", "page");
        if (d.Operation.QueryParameters.Any(p => p.Name == name)) return null;
        d.Query.Add((name, gen.Pick("1", "x", "%00"), false));
        // An unknown query parameter is ignored: what was valid stays valid.
        return d.Render(index, Expectation.Success, $"unknown query parameter \"{name}\"");
    }

    private FuzzRequest? QueryDropped(Draft d, int index)
    {
        if (d.Query.Count == 0) return null;
        var dropped = gen.Pick(d.Query);
        d.Query.Remove(dropped);
        return d.Render(index, Expectation.Invariants, $"query parameter {dropped.Name} left out");
    }

    // ---- headers

    private FuzzRequest? BadCredentials(Draft d, int index)
    {
        if (!d.Operation.Secured) return null;
        var request = d.Render(index, Expectation.Rejection, "");
        request.Credentials = gen.Pick(Credentials.None, Credentials.WrongKey, Credentials.Malformed);
        if (request.Credentials == Credentials.Malformed)
        {
            request.Headers["Authorization"] = gen.Pick("Basic YWRhOmFkYQ==", "Bearer", "Bearer ", "bearer ct_x", "Bearer ' OR 1=1 --", "Token abc", "Bearer a b");
        }
        request.ExpectedStatus = 401;
        request.Description = request.Credentials switch
        {
            Credentials.None => "no Authorization",
            Credentials.WrongKey => "a key that does not exist",
            _ => $"Authorization: {request.Headers["Authorization"]}",
        };
        return request;
    }

    private FuzzRequest? IfMatch(Draft d, int index)
    {
        if (!d.Headers.ContainsKey("If-Match")) return null;
        d.Headers["If-Match"] = gen.Pick(EdgeValues.IfMatch);
        return d.Render(index, Expectation.Rejection, $"If-Match: {d.Headers["If-Match"]}");
    }

    private FuzzRequest? IfMatchMissingOrStale(Draft d, int index)
    {
        if (!d.NeedsIfMatch || d.Version is not { } version) return null;
        if (gen.Chance(0.5))
        {
            d.Headers.Remove("If-Match");
            var missing = d.Render(index, Expectation.Rejection, "no If-Match");
            missing.ExpectedStatus = 428;
            return missing;
        }
        var stale = gen.Chance(0.5) && version > 1 ? version - 1 : version + 1;
        d.Headers["If-Match"] = $"\"v{stale}\"";
        var request = d.Render(index, Expectation.Rejection, $"If-Match: \"v{stale}\" while the resource is at v{version}");
        request.ExpectedStatus = 412;
        return request;
    }

    // ---- methods

    private static bool Covers(string general, string specific)
    {
        var (a, b) = (general.Split('/'), specific.Split('/'));
        return a.Length == b.Length && a.Zip(b).All(p => p.First == p.Second || p.First.StartsWith('{'));
    }

    private FuzzRequest? UndocumentedMethod(int index)
    {
        var paths = model.Paths.Where(p => p.Methods.Length < OpenApiModel.Methods.Length).ToList();
        if (paths.Count == 0) return null;
        var (template, methods) = gen.Pick(paths);
        var method = gen.Pick(OpenApiModel.Methods.Except(methods).ToList());
        // A path another template also matches with this method (GET /sources/{id}/suggestions/dismiss is a GET of
        // /sources/{id}/suggestions/{suggestion}) is that operation's, not an undocumented method.
        if (model.Operations.Any(o => o.Method == method && o.Template != template && Covers(o.Template, template))) return null;
        var draft = FromSchema(model.Operations.First(o => o.Template == template));
        var request = new FuzzRequest
        {
            Index = index,
            Target = $"{method} {template} (undocumented)",
            Method = method,
            PathAndQuery = draft.PathAndQuery(),
            Expect = Expectation.Rejection,
            ExpectedStatus = 405,
            Description = $"{method} is not declared for {template} (declared: {string.Join(", ", methods)})",
            Mutation = "undocumented method",
        };
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Body = "{}"u8.ToArray();
            request.ContentType = "application/json";
        }
        request.Credentials = gen.Chance(0.7) ? Credentials.Curator : Credentials.None;
        return request;
    }

    public static string Describe(string value)
    {
        if (value.Length > 200) return $"\"{value[..1]}\" × {value.Length}";
        var sb = new StringBuilder("\"");
        foreach (var c in value)
        {
            sb.Append(c is < ' ' or '\u007F' or (>= '\u2028' and <= '\u202E') or '\uFEFF' ? $"\\u{(int)c:X4}" : c.ToString());
        }
        return sb.Append('"').ToString().Replace(EdgeValues.LoneHigh, "\\uD800").Replace(EdgeValues.LoneLow, "\\uDC00");
    }
}
