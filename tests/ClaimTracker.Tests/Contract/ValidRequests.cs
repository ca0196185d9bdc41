using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>
/// Domain knowledge the schema cannot express, by operationId: which ids exist, which quotes occur in a text, which
/// value fits a property, which ETag is current. Each builder returns a request that must succeed, or null when the
/// data does not allow one now. Operations without a builder get schema-generated requests only.
/// </summary>
public sealed class ValidRequests(OpenApiModel model, Gen gen, FuzzWorld world, Func<string, string, Task<JsonElement?>> read)
{
    private delegate Task<Draft?> Builder(Draft draft);

    public bool Knows(string operationId) => Builders.ContainsKey(operationId);

    public async Task<Draft?> BuildAsync(Operation operation)
    {
        var draft = new Draft(operation);
        return Builders.TryGetValue(operation.Id, out var build) ? await build(draft) : null;
    }

    private Dictionary<string, Builder> Builders => _builders ??= new()
    {
        ["ListSources"] = ListSources,
        ["GetSource"] = d => Path(d, "id", PickSource().Id),
        ["CreateSource"] = CreateSource,
        ["CreatePassage"] = CreatePassage,
        ["ListSourcePassages"] = d => Paged(Path(d, "id", PickSource().Id), "ListSourcePassages"),
        ["GetPassage"] = d => Path(d, "id", gen.Pick(world.PassageIds)),
        ["CreateSubject"] = CreateSubject,
        ["ListSubjects"] = ListSubjects,
        ["GetSubject"] = d => Path(d, "id", gen.Pick(world.Subjects.Keys.ToList())),
        ["AddSubjectAlias"] = AddAlias,
        ["ListProperties"] = d => Task.FromResult<Draft?>(d),
        ["CreateProperty"] = CreateProperty,
        ["GetProperty"] = d => Path(d, "key", gen.Pick(world.Properties.Keys.ToList())),
        ["CreateClaim"] = CreateClaim,
        ["ListClaims"] = ListClaims,
        ["ExportClaims"] = ExportClaims,
        ["GetClaim"] = d => Path(d, "id", gen.Pick(world.ClaimIds)),
        ["UpdateClaim"] = UpdateClaim,
        ["RetractClaim"] = RetractClaim,
        ["AddClaimEvidence"] = AddEvidence,
        ["GetClaimHistory"] = d => Path(d, "id", gen.Pick(world.ClaimIds)),
        ["ListConflicts"] = ListConflicts,
        ["GetConflict"] = d => Path(d, "id", gen.Pick(world.ConflictIds)),
        ["UpdateConflict"] = UpdateConflict,
        ["LinkContradiction"] = LinkContradiction,
        ["GetTimeline"] = Timeline,
        ["ListDeadlines"] = Deadlines,
        ["FindFigure"] = Figure,
        ["GetReconciled"] = Reconciled,
        ["ListChanges"] = Changes,
        ["Import"] = Import,
    };

    private Dictionary<string, Builder>? _builders;

    private static Task<Draft?> Path(Draft d, string name, object value)
    {
        d.PathValues[name] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
        return Task.FromResult<Draft?>(d);
    }

    private static string S(long id) => id.ToString(CultureInfo.InvariantCulture);

    private SourceText PickSource() => gen.Pick(world.Sources.Values.ToList());

    /// <summary>A subject reference for query filters: its id, or its name when the name cannot be read as an id.</summary>
    private string SubjectReference()
    {
        var (id, name) = gen.Pick(world.Subjects.ToList());
        return gen.Chance(0.3) || name.Trim().All(char.IsAsciiDigit) || name.Trim().Length == 0 ? S(id) : name;
    }

    private string SubjectName() => gen.Pick(world.Subjects.Values.Where(n => n.Trim().Length > 0).ToList());

    /// <summary>A name that a field taking "name, alias or id" reads as a name (an all-digit name reads as an id).</summary>
    private string SubjectNameNotId() => gen.Pick(world.Subjects.Values.Where(n => n.Trim().Length > 0 && !n.Trim().All(char.IsAsciiDigit)).ToList());

    private async Task<Draft?> Paged(Task<Draft?> pending, string cursorKey)
    {
        var d = await pending;
        if (d is null) return null;
        d.CursorKey = cursorKey;
        if (gen.Chance(0.4) && world.Cursors.TryGetValue(cursorKey, out var cursors) && cursors.Count > 0) d.SetQuery("cursor", gen.Pick(cursors));
        if (gen.Chance(0.5)) d.SetQuery("limit", S(gen.Pick(1, 2, 5, 50, 200, gen.Int(1, 201))));
        return d;
    }

    private static Task<Draft?> Done(Draft d) => Task.FromResult<Draft?>(d);

    // ---- sources and passages

    private Task<Draft?> ListSources(Draft d)
    {
        if (gen.Chance(0.3) && world.Outlets.Count > 0) d.SetQuery("outlet", gen.Chance(0.5) ? gen.Pick(world.Outlets) : gen.Pick(world.Outlets).ToUpperInvariant());
        if (gen.Chance(0.4))
        {
            var (from, to) = gen.Period();
            if (gen.Chance(0.7)) d.SetQuery("published_from", from);
            if (gen.Chance(0.7)) d.SetQuery("published_to", to);
        }
        else if (gen.Chance(0.1))
        {
            d.SetQuery(gen.Pick("published_from", "published_to"), gen.Date());
        }
        return Paged(Done(d), "ListSources");
    }

    private Task<Draft?> CreateSource(Draft d)
    {
        var unique = world.Unique("fuzz");
        var body = new JsonObject
        {
            ["title"] = $"Fuzz article {unique}: {gen.Text(2, 6)}",
            ["body"] = $"{gen.Text(20, 80)}. {unique}. {gen.Text(5, 40)}.",
            ["language"] = gen.Pick("en", "ar-IQ", "fr", "de-DE", "EN", "zh-Hant-TW"),
        };
        if (gen.Chance(0.5)) body["subtitle"] = gen.Text();
        if (gen.Chance(0.6)) body["outlet"] = gen.Chance(0.5) && world.Outlets.Count > 0 ? gen.Pick(world.Outlets) : "Fuzz Wire";
        if (gen.Chance(0.5)) body["authors"] = new JsonArray([.. Enumerable.Range(0, gen.Int(0, 4)).Select(_ => (JsonNode)JsonValue.Create(gen.Text(1, 3))!)]);
        if (gen.Chance(0.5)) body["url"] = $"https://fuzz.example/{Uri.EscapeDataString(unique)}/{gen.Word()}?q={gen.Int(1000)}";
        if (gen.Chance(0.7)) body["published"] = gen.Date(1990, 2024, edges: false) is var p && gen.Chance(0.03) ? "0001" : p;
        if (gen.Chance(0.3)) body["retrievedOn"] = gen.Day(gen.Int(2000, 2025));
        if (gen.Chance(0.3)) body["provenance"] = new JsonObject { [gen.Pick("title", "outlet", "published", "body", "url")] = gen.Text() };
        d.Body = body;
        d.HasBody = true;
        return Done(d);
    }

    /// <summary>A span of the source that no passage anchors yet: by offsets, by a quote that occurs once, or both.</summary>
    private async Task<Draft?> CreatePassage(Draft d)
    {
        var source = PickSource();
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var span = await NewSpanAsync(source, byQuote: gen.Chance(0.5));
            if (span is not { } s) continue;
            d.PathValues["id"] = S(source.Id);
            d.Body = Selector(source, s.Start, s.End, s.ByQuote);
            d.HasBody = true;
            return d;
        }
        return null;
    }

    private JsonObject Selector(SourceText source, int start, int end, bool byQuote)
    {
        var selector = new JsonObject();
        if (!byQuote || gen.Chance(0.3))
        {
            selector["start"] = start;
            selector["end"] = end;
        }
        if (byQuote)
        {
            selector["exact"] = source.Slice(start, end);
            if (gen.Chance(0.3)) selector["prefix"] = source.Slice(Math.Max(0, start - gen.Int(1, 32)), start);
            if (gen.Chance(0.3)) selector["suffix"] = source.Slice(end, Math.Min(source.Length, end + gen.Int(1, 32)));
        }
        return selector;
    }

    private async Task<(int Start, int End, bool ByQuote)?> NewSpanAsync(SourceText source, bool byQuote, ISet<(long, int, int)>? avoid = null)
    {
        if (source.Length < 2) return null;
        var start = gen.Int(0, source.Length - 1);
        var end = Math.Min(source.Length, start + gen.Int(1, byQuote ? 60 : 200));
        if (byQuote)
        {
            end = Math.Max(end, Math.Min(source.Length, start + 6));
            var quote = source.Slice(start, end);
            // The quote must occur once, be its own normal form, and not be blank (blank quotes are refused).
            if (source.Body.IndexOf(quote, StringComparison.Ordinal) != source.Body.LastIndexOf(quote, StringComparison.Ordinal)
                || quote.Normalize(NormalizationForm.FormC) != quote || string.IsNullOrWhiteSpace(quote))
            {
                return null;
            }
        }
        if (avoid?.Contains((source.Id, start, end)) == true) return null;
        if (avoid is null && await world.PassageExistsAsync(source.Id, start, end)) return null;
        return (start, end, byQuote);
    }

    // ---- subjects and properties

    private Task<Draft?> CreateSubject(Draft d)
    {
        var name = world.Unique(gen.Pick("Fuzz subject", "Fuzz force", "قوة", "Fuzz 👍🏽 event"));
        var body = new JsonObject { ["name"] = gen.Chance(0.1) ? $"  {name}  " : name };
        if (gen.Chance(0.5)) body["kind"] = gen.Pick("force", "organization", "person", "place", "event", "topic");
        if (gen.Chance(0.3)) body["description"] = gen.Text(3, 20);
        if (gen.Chance(0.4)) body["aliases"] = new JsonArray([.. Enumerable.Range(0, gen.Int(0, 3)).Select(i => (JsonNode)JsonValue.Create($"{name} alias {i}")!)]);
        if (gen.Chance(0.3)) body["broader"] = gen.Chance(0.5) ? SubjectNameNotId() : S(gen.Pick(world.Subjects.Keys.ToList()));
        d.Body = body;
        d.HasBody = true;
        return Done(d);
    }

    private Task<Draft?> ListSubjects(Draft d)
    {
        if (gen.Chance(0.4)) d.SetQuery("q", gen.Chance(0.5) ? gen.Word() : SubjectName());
        if (gen.Chance(0.2)) d.SetQuery("name", SubjectName());
        return Paged(Done(d), "ListSubjects");
    }

    private Task<Draft?> AddAlias(Draft d)
    {
        var (id, name) = gen.Pick(world.Subjects.ToList());
        d.PathValues["id"] = S(id);
        // Its own name again is accepted as well (nothing to add).
        d.Body = new JsonObject { ["alias"] = gen.Chance(0.1) && name.Trim().Length > 0 ? name : world.Unique("fuzz alias") };
        d.HasBody = true;
        return Done(d);
    }

    private Task<Draft?> CreateProperty(Draft d)
    {
        var type = gen.Pick("quantity", "time", "text", "stance");
        var key = $"fz_{world.Unique("").Trim()}_{gen.Pick("count", "date", "said", "x")}";
        var body = new JsonObject { ["key"] = key, ["label"] = gen.Text(1, 3), ["valueType"] = type };
        if (type == "quantity" && gen.Chance(0.6)) body["unit"] = gen.Pick("troops", "people", "dollars", "km");
        if (gen.Chance(0.4)) body["nonNegative"] = gen.Chance(0.5);
        if (gen.Chance(0.3)) body["description"] = gen.Text(3, 12);
        d.Body = body;
        d.HasBody = true;
        return Done(d);
    }

    // ---- claims

    /// <summary>The largest figure a quantity may state.</summary>
    private const decimal Largest = 1_000_000_000_000_000m;

    /// <summary>A value of the property's type (or none/unknown), following the rules of ClaimValueInput.</summary>
    public JsonObject Value(PropertyInfo property)
    {
        var kind = gen.Chance(0.08) ? gen.Pick("none", "unknown") : property.ValueType;
        var value = new JsonObject { ["kind"] = kind };
        switch (kind)
        {
            case "quantity":
                var nonNegative = property.NonNegative;
                switch (gen.Int(6))
                {
                    case 0:
                        value["amount"] = gen.Amount(nonNegative);
                        break;
                    case 1:
                        value["amount"] = gen.Amount(nonNegative);
                        value["approximation"] = gen.Pick("exact", "approximate");
                        if (value["approximation"]!.GetValue<string>() == "approximate" && gen.Chance(0.5)) value["tolerance"] = gen.Pick(0m, 0.05m, 0.1m, 0.99m);
                        break;
                    case 2:
                        var low = Math.Min(gen.Amount(true), Largest - 1000);
                        var high = low + gen.Int(0, 1000);
                        value["approximation"] = "range";
                        if (gen.Chance(0.8)) value["lowerBound"] = low;
                        value["upperBound"] = high;
                        if (gen.Chance(0.3)) value["amount"] = high;
                        break;
                    case 3:
                        value["approximation"] = "at_least";
                        if (gen.Chance(0.5)) value["amount"] = gen.Amount(true); else value["lowerBound"] = gen.Amount(true);
                        break;
                    case 4:
                        value["approximation"] = "at_most";
                        if (gen.Chance(0.5)) value["amount"] = gen.Amount(true); else value["upperBound"] = gen.Amount(true);
                        break;
                    default:
                        var lower = Math.Min(gen.Amount(true), Largest - 1000);
                        value["lowerBound"] = lower;
                        value["upperBound"] = lower + gen.Int(1, 999);
                        break;
                }
                if (gen.Chance(0.3)) value["unit"] = gen.Pick("troops", "people", "soldiers");
                break;
            case "time":
                value["date"] = gen.Date(1990, 2030);
                if (gen.Chance(0.5)) value["modifier"] = gen.Pick("on", "by", "before", "after", "from", "until");
                break;
            case "text":
                value["text"] = gen.Text(1, 20);
                break;
            case "stance":
                value["stance"] = gen.Pick("affirms", "denies");
                value["proposition"] = gen.Text(3, 10);
                break;
        }
        if (gen.Chance(0.4)) value["statedAs"] = gen.Text(1, 4);
        return value;
    }

    /// <summary>Evidence by an existing passage, or by a span (found or anchored), avoiding the spans and passages given.</summary>
    private async Task<JsonObject?> EvidenceItem(bool byPassage, ISet<(long, int, int)> avoid, ISet<long> avoidPassages)
    {
        if (byPassage)
        {
            var passage = gen.Pick(world.PassageIds);
            return avoidPassages.Contains(passage) ? null : new JsonObject { ["passageId"] = passage };
        }
        var source = PickSource();
        var span = await NewSpanAsync(source, byQuote: gen.Chance(0.5), avoid);
        if (span is not { } s) return null;
        var item = Selector(source, s.Start, s.End, s.ByQuote);
        item["sourceId"] = source.Id;
        return item;
    }

    private void When(JsonObject body, bool clearable = false)
    {
        switch (gen.Int(clearable ? 5 : 4))
        {
            case 0:
                body["validAt"] = gen.Date();
                break;
            case 1:
                var (from, to) = gen.Period();
                body["validFrom"] = from;
                body["validTo"] = to;
                break;
            case 2:
                body["validFrom"] = gen.Date(edges: false);
                break;
            case 4:
                body["validAt"] = null;
                break;
        }
    }

    private async Task<Draft?> CreateClaim(Draft d)
    {
        var property = gen.Pick(world.Properties.Values.ToList());
        var body = new JsonObject { ["property"] = gen.Chance(0.05) ? $" {property.Key} " : property.Key, ["value"] = Value(property) };
        var evidence = new JsonArray();
        for (var i = gen.Int(1, 4); i > 0; i--)
        {
            if (await EvidenceItem(gen.Chance(0.3), new HashSet<(long, int, int)>(), new HashSet<long>()) is { } item)
            {
                if (evidence.Count > 0 && gen.Chance(0.3)) item["stance"] = "refutes";
                evidence.Add(item);
            }
        }
        if (evidence.Count == 0) return null;
        body["evidence"] = evidence;
        if (gen.Chance(0.7)) body["subject"] = SubjectName(); else body["subjectId"] = gen.Pick(world.Subjects.Keys.ToList());
        if (gen.Chance(0.3)) body["assertedBy"] = SubjectName();
        else if (gen.Chance(0.2)) body["assertedById"] = gen.Pick(world.Subjects.Keys.ToList());
        if (gen.Chance(0.6)) When(body);
        if (gen.Chance(0.3)) body["statedOn"] = gen.Date();
        if (gen.Chance(0.2)) body["location"] = gen.Text(1, 3);
        if (gen.Chance(0.3)) body["note"] = gen.Text(3, 20);
        if (gen.Chance(0.3)) body["status"] = gen.Pick("draft", "verified");
        if (gen.Chance(0.3)) body["rank"] = gen.Pick("preferred", "normal", "deprecated");
        d.Body = body;
        d.HasBody = true;
        return d;
    }

    private void Filters(Draft d)
    {
        if (gen.Chance(0.3)) d.SetQuery("subject", SubjectReference());
        if (gen.Chance(0.15)) d.SetQuery("include_narrower", gen.Pick("true", "false"));
        if (gen.Chance(0.3)) d.SetQuery("property", gen.Pick(world.Properties.Keys.ToList()));
        if (gen.Chance(0.15)) d.SetQuery("source", S(gen.Chance(0.8) ? PickSource().Id : gen.Int(1, 1_000_000)));
        if (gen.Chance(0.15)) d.SetQuery("asserted_by", gen.Chance(0.3) ? "source" : SubjectReference());
        if (gen.Chance(0.2)) d.SetQuery("status", gen.Pick("draft", "verified", "retracted"));
        if (gen.Chance(0.15)) d.SetQuery("rank", gen.Pick("preferred", "normal", "deprecated"));
        if (gen.Chance(0.1)) d.SetQuery("best", gen.Pick("true", "false"));
        if (gen.Chance(0.2)) d.SetQuery("value", gen.Pick("2500", "2,500", "2 500", "3000", "0", "-5", "2500.5", S(gen.Int(0, 100_000))));
        if (gen.Chance(0.15))
        {
            var low = gen.Int(0, 5000);
            if (gen.Chance(0.7)) d.SetQuery("value_min", S(low));
            if (gen.Chance(0.7)) d.SetQuery("value_max", S(low + gen.Int(0, 5000)));
        }
        if (gen.Chance(0.1)) d.SetQuery("unit", gen.Pick("troops", "PEOPLE", "attacks"));
        if (gen.Chance(0.2))
        {
            var (from, to) = gen.Period();
            if (gen.Chance(0.7)) d.SetQuery("from", from);
            if (gen.Chance(0.7)) d.SetQuery("to", to);
        }
        if (gen.Chance(0.25)) d.SetQuery("q", gen.Chance(0.8) ? gen.Text(1, 3) : gen.Pick(EdgeValues.SearchSyntax));
        if (gen.Chance(0.1) && world.Outlets.Count > 0) d.SetQuery("outlet", gen.Pick(world.Outlets));
        if (gen.Chance(0.1))
        {
            var (from, to) = gen.Period();
            if (gen.Chance(0.7)) d.SetQuery("published_from", from);
            if (gen.Chance(0.7)) d.SetQuery("published_to", to);
        }
        if (gen.Chance(0.1)) d.SetQuery("conflict_certainty", gen.Pick("certain", "possible", "none"));
    }

    private Task<Draft?> ListClaims(Draft d)
    {
        Filters(d);
        var hasText = d.Query.Any(q => q.Name == "q");
        var sort = gen.Chance(0.5) ? null : hasText ? gen.Pick("id", "recent", "relevance") : gen.Pick("id", "recent");
        if (sort is not null) d.SetQuery("sort", sort);
        foreach (var facet in gen.Some(["source", "property", "subject", "asserted_by", "status", "valid_year", "valid_month", "published_year", "published_month", "outlet", "conflict_certainty"], 3)) d.Query.Add(("facet", facet, false));
        return Paged(Done(d), $"ListClaims:{sort ?? (hasText ? "relevance" : "id")}");
    }

    private Task<Draft?> ExportClaims(Draft d)
    {
        Filters(d);
        d.SetQuery("format", gen.Pick("ndjson", "csv", "jsonld", "claimreview"));
        return Done(d);
    }

    /// <summary>A claim that is not retracted, read now for its version, property and evidence.</summary>
    private async Task<JsonElement?> LiveClaimAsync()
    {
        var live = world.ClaimIds.Where(id => !world.Retracted.Contains(id)).ToList();
        for (var attempt = 0; attempt < 3 && live.Count > 0; attempt++)
        {
            var claim = await read("GetClaim", $"/claims/{gen.Pick(live)}");
            if (claim is { } c && c.GetProperty("status").GetString() != "retracted") return c;
            if (claim is { } r) world.Retracted.Add(r.GetProperty("id").GetInt64());
        }
        return null;
    }

    private string IfMatch(int version) => gen.Int(10) switch
    {
        0 => "*",
        1 => $"W/\"v{version}\"",
        _ => $"\"v{version}\"",
    };

    private async Task<Draft?> UpdateClaim(Draft d)
    {
        if (await LiveClaimAsync() is not { } claim) return null;
        var version = claim.GetProperty("version").GetInt32();
        d.PathValues["id"] = S(claim.GetProperty("id").GetInt64());
        d.Headers["If-Match"] = IfMatch(version);
        d.NeedsIfMatch = true;
        d.Version = version;
        var property = world.Properties[claim.GetProperty("property").GetProperty("key").GetString()!];
        var body = new JsonObject { ["reason"] = gen.Text(2, 10) };
        for (var changes = gen.Int(1, 4); changes > 0; changes--)
        {
            switch (gen.Int(11))
            {
                case 0:
                    body["value"] = Value(property);
                    break;
                case 1:
                    property = gen.Pick(world.Properties.Values.ToList());
                    body["property"] = property.Key;
                    body["value"] = Value(property);
                    break;
                case 2:
                    body.Remove("subject"); body.Remove("subjectId");
                    if (gen.Chance(0.5)) body["subject"] = SubjectName(); else body["subjectId"] = gen.Pick(world.Subjects.Keys.ToList());
                    break;
                case 3:
                    body["assertedBy"] = gen.Chance(0.3) ? "" : SubjectName();
                    break;
                case 4:
                    body.Remove("validAt"); body.Remove("validFrom"); body.Remove("validTo");
                    var (from, to) = gen.Period();
                    if (gen.Chance(0.5)) body["validAt"] = gen.Chance(0.2) ? null : gen.Date();
                    else { body["validFrom"] = from; body["validTo"] = to; }
                    break;
                case 5:
                    body["statedOn"] = gen.Chance(0.2) ? null : gen.Date();
                    break;
                case 6:
                    body["location"] = gen.Chance(0.2) ? "" : gen.Text(1, 3);
                    break;
                case 7:
                    body["note"] = gen.Chance(0.2) ? "" : gen.Text(2, 12);
                    break;
                case 8:
                    body["status"] = gen.Pick("draft", "verified");
                    break;
                case 9:
                    body["rank"] = gen.Pick("preferred", "normal", "deprecated");
                    break;
                default:
                    body["assertedById"] = gen.Pick(world.Subjects.Keys.ToList());
                    body.Remove("assertedBy");
                    break;
            }
        }
        if (body.ContainsKey("assertedById")) body.Remove("assertedBy");
        d.Body = body;
        d.HasBody = true;
        return d;
    }

    private async Task<Draft?> RetractClaim(Draft d)
    {
        if (await LiveClaimAsync() is not { } claim) return null;
        var id = claim.GetProperty("id").GetInt64();
        var version = claim.GetProperty("version").GetInt32();
        d.PathValues["id"] = S(id);
        d.SetQuery("reason", gen.Text(2, 10));
        d.Headers["If-Match"] = IfMatch(version);
        d.NeedsIfMatch = true;
        d.Version = version;
        d.RetractedClaimId = id;
        return d;
    }

    private async Task<Draft?> AddEvidence(Draft d)
    {
        if (await LiveClaimAsync() is not { } claim) return null;
        var linked = claim.GetProperty("evidence").EnumerateArray().ToList();
        var spans = linked.Select(e => (e.GetProperty("source").GetProperty("id").GetInt64(), e.GetProperty("start").GetInt32(), e.GetProperty("end").GetInt32())).ToHashSet();
        var passages = linked.Select(e => e.GetProperty("passageId").GetInt64()).ToHashSet();
        JsonObject? item = null;
        for (var attempt = 0; attempt < 6 && item is null; attempt++)
        {
            item = await EvidenceItem(gen.Chance(0.3), spans, passages);
        }
        if (item is null) return null;
        if (gen.Chance(0.3)) item["stance"] = gen.Pick("supports", "refutes");
        var version = claim.GetProperty("version").GetInt32();
        d.PathValues["id"] = S(claim.GetProperty("id").GetInt64());
        if (gen.Chance(0.6)) d.Headers["If-Match"] = IfMatch(version);
        d.Version = version;
        d.Body = item;
        d.HasBody = true;
        return d;
    }

    // ---- conflicts

    private Task<Draft?> ListConflicts(Draft d)
    {
        if (gen.Chance(0.3)) d.SetQuery("subject", SubjectReference());
        if (gen.Chance(0.3)) d.SetQuery("property", gen.Pick(world.Properties.Keys.ToList()));
        if (gen.Chance(0.2)) d.SetQuery("source", S(PickSource().Id));
        if (gen.Chance(0.3)) d.SetQuery("status", gen.Pick("open", "acknowledged", "resolved", "closed"));
        if (gen.Chance(0.3)) d.SetQuery("scope", gen.Pick("between_reports", "internal"));
        return Paged(Done(d), "ListConflicts");
    }

    private async Task<Draft?> UpdateConflict(Draft d)
    {
        if (world.ConflictIds.Count == 0) return null;
        for (var attempt = 0; attempt < 4; attempt++)
        {
            if (await read("GetConflict", $"/conflicts/{gen.Pick(world.ConflictIds)}") is not { } conflict || conflict.GetProperty("status").GetString() == "closed") continue;
            var version = conflict.GetProperty("version").GetInt32();
            d.PathValues["id"] = S(conflict.GetProperty("id").GetInt64());
            d.Headers["If-Match"] = IfMatch(version);
            d.NeedsIfMatch = true;
            d.Version = version;
            var body = new JsonObject();
            if (gen.Chance(0.6)) body["status"] = gen.Pick("open", "acknowledged", "resolved");
            if (gen.Chance(0.5) || body["status"]?.GetValue<string>() == "resolved") body["note"] = gen.Text(2, 12);
            if (gen.Chance(0.4) || body.Count == 0)
            {
                var claims = conflict.GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()).ToList();
                body["preferredClaimId"] = gen.Pick(claims);
            }
            d.Body = body;
            d.HasBody = true;
            return d;
        }
        return null;
    }

    private async Task<Draft?> LinkContradiction(Draft d)
    {
        var live = world.ClaimIds.Where(id => !world.Retracted.Contains(id)).ToList();
        for (var attempt = 0; attempt < 5 && live.Count > 1; attempt++)
        {
            long a = gen.Pick(live), b = gen.Pick(live);
            if (a == b || await world.LinkedAsync(a, b)) continue;
            d.PathValues["id"] = S(a);
            d.Body = new JsonObject { ["claimId"] = b };
            if (gen.Chance(0.5)) d.Body["note"] = gen.Text(2, 10);
            d.HasBody = true;
            return d;
        }
        return null;
    }

    // ---- bulk import

    private Schema? ComponentOrNull(string name)
    {
        try
        {
            return model.ComponentSchema(name);
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// An NDJSON import that must commit: new subjects, a new source with passages by ref, and claims whose evidence
    /// points at those refs or at passages and sources that exist. Each line is the single-item endpoint's body plus
    /// "type" (and "ref"), so mutations use that endpoint's schema.
    /// </summary>
    private async Task<Draft?> Import(Draft d)
    {
        var lines = new List<(JsonObject, Schema?)>();
        for (var i = gen.Int(0, 3); i > 0; i--)
        {
            var subject = (JsonObject)(await CreateSubject(new Draft(d.Operation)))!.Body!;
            subject.Remove("broader");
            subject["type"] = "subject";
            lines.Add((subject, ComponentOrNull("CreateSubjectRequest")));
        }
        var passageRefs = new List<string>();
        string? sourceRef = null;
        if (gen.Chance(0.7))
        {
            var source = (JsonObject)(await CreateSource(new Draft(d.Operation)))!.Body!;
            sourceRef = $"s{gen.Int(1000)}";
            source["type"] = "source";
            source["ref"] = sourceRef;
            lines.Add((source, ComponentOrNull("CreateSourceRequest")));
            // The new source's text, as the server will keep it (the generator writes NFC text).
            var text = new SourceText(0, source["body"]!.GetValue<string>());
            for (var i = gen.Int(0, 3); i > 0; i--)
            {
                var start = gen.Int(0, text.Length - 1);
                var end = Math.Min(text.Length, start + gen.Int(1, 40));
                if (passageRefs.Count > 0 && gen.Chance(0.5)) continue;
                var passage = new JsonObject { ["type"] = "passage", ["ref"] = $"p{passageRefs.Count + 1}", ["source"] = sourceRef, ["start"] = start, ["end"] = end };
                passageRefs.Add($"p{passageRefs.Count + 1}");
                lines.Add((passage, ComponentOrNull("CreatePassageRequest")));
            }
        }
        for (var i = gen.Int(lines.Count == 0 ? 1 : 0, 3); i > 0; i--)
        {
            if (await CreateClaim(new Draft(d.Operation)) is not { Body: JsonObject claim }) continue;
            if (passageRefs.Count > 0 && gen.Chance(0.7))
            {
                var evidence = (JsonArray)claim["evidence"]!;
                evidence.Add(new JsonObject { ["passage"] = gen.Pick(passageRefs) });
            }
            claim["type"] = "claim";
            lines.Add((claim, ComponentOrNull("CreateClaimRequest")));
        }
        if (lines.Count == 0) return null;
        d.Lines = lines;
        d.MediaType = "application/x-ndjson";
        return d;
    }

    // ---- timeline, deadlines, figures, changes

    private Task<Draft?> Timeline(Draft d)
    {
        if (gen.Chance(0.6)) d.SetQuery("subject", SubjectReference());
        if (gen.Chance(0.2)) d.SetQuery("include_narrower", gen.Pick("true", "false"));
        if (gen.Chance(0.3))
        {
            var (from, to) = gen.Period();
            if (gen.Chance(0.7)) d.SetQuery("from", from);
            if (gen.Chance(0.7)) d.SetQuery("to", to);
        }
        return Paged(Done(d), "GetTimeline");
    }

    private Task<Draft?> Deadlines(Draft d)
    {
        if (gen.Chance(0.4)) d.SetQuery("status", gen.Pick("pending", "met", "missed", "past_due"));
        if (gen.Chance(0.4)) d.SetQuery("subject", SubjectReference());
        if (gen.Chance(0.4)) d.SetQuery("as_of", gen.Chance(0.05) ? gen.Pick("0001-01-01", "9999-12-31") : gen.Day(gen.Int(1990, 2040)));
        return Done(d);
    }

    private Task<Draft?> Figure(Draft d)
    {
        d.SetQuery("value", gen.Pick("2500", "2,500", "2 500", "3000", "100", "0", "-1", "2500.25", S(gen.Int(0, 100_000))));
        if (gen.Chance(0.3)) d.SetQuery("unit", gen.Pick("troops", "people", "TROOPS"));
        if (gen.Chance(0.3)) d.SetQuery("property", gen.Pick(world.Properties.Values.Where(p => p.ValueType == "quantity").Select(p => p.Key).ToList()));
        return Done(d);
    }

    private Task<Draft?> Reconciled(Draft d)
    {
        d.SetQuery("subject", SubjectReference());
        d.SetQuery("property", gen.Pick(world.Properties.Values.Where(p => p.ValueType == "quantity").Select(p => p.Key).ToList()));
        if (gen.Chance(0.5))
        {
            var (from, to) = gen.Period();
            if (gen.Chance(0.7)) d.SetQuery("from", from);
            if (gen.Chance(0.7)) d.SetQuery("to", to);
        }
        return Done(d);
    }

    private Task<Draft?> Changes(Draft d)
    {
        if (gen.Chance(0.6) && world.Cursors.TryGetValue("ListChanges", out var cursors) && cursors.Count > 0) d.SetQuery("since", gen.Pick(cursors));
        if (gen.Chance(0.5)) d.SetQuery("limit", S(gen.Int(1, 201)));
        d.CursorKey = "ListChanges";
        return Done(d);
    }
}
