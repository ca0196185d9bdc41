using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Passages;

/// <summary>A W3C Web Annotation selector: a TextQuoteSelector (exact, prefix, suffix) or a TextPositionSelector (start, end).</summary>
/// <param name="Type">TextQuoteSelector or TextPositionSelector.</param>
/// <param name="Start">TextPositionSelector: code-point offset of the first character in the source's latest revision.</param>
/// <param name="End">TextPositionSelector: code-point offset just past the last character.</param>
public sealed record AnnotationSelector(
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Exact = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prefix = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Suffix = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Start = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? End = null);

/// <param name="Source">The source's IRI: this API's /sources/{id}.</param>
public sealed record AnnotationTarget(string Source, AnnotationSelector[] Selector);

/// <param name="Type">Person: the curator.</param>
public sealed record AnnotationCreator(string Type, string Name);

/// <summary>A passage as a W3C Web Annotation: a highlighting of its source, with both selectors.</summary>
/// <param name="Id">The passage's IRI: this API's /passages/{id}.</param>
/// <param name="Motivation">Always highlighting: a passage marks words of its source.</param>
public sealed record WebAnnotation(string Id, string Type, string Motivation, DateTime Created, AnnotationCreator Creator, AnnotationTarget Target);

/// <param name="Total">How many passages the source has.</param>
public sealed record AnnotationCollectionRef(string Id, string Type, long Total);

/// <summary>A page of a source's passages as a W3C Web Annotation Protocol AnnotationPage.</summary>
/// <param name="Context">http://www.w3.org/ns/anno.jsonld.</param>
/// <param name="Id">This page's address.</param>
/// <param name="Next">The next page's address (with its cursor); absent on the last page.</param>
/// <param name="Items">The passages in text order.</param>
public sealed record AnnotationPage(
    [property: JsonPropertyName("@context")] string Context,
    string Id,
    string Type,
    AnnotationCollectionRef PartOf,
    WebAnnotation[] Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Next = null);

/// <summary>What became of one annotation of an import.</summary>
/// <param name="Index">Its place in the request, from 0.</param>
/// <param name="AnnotationId">Its own id, when it had one.</param>
/// <param name="Status">created (a new passage), existing (a passage already anchored the span) or refused.</param>
/// <param name="PassageId">The passage it anchors as (created or existing).</param>
/// <param name="Field">Refused: the field at fault, in the annotation (target.selector, exact, prefix, start...).</param>
/// <param name="Reason">Refused: why it did not anchor.</param>
public sealed record AnnotationOutcome(
    int Index,
    string? AnnotationId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PassageId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);

/// <param name="Received">How many annotations the request held.</param>
/// <param name="Items">Each annotation's outcome, in the request's order.</param>
public sealed record AnnotationImport(int Received, int Created, int Existing, int Refused, AnnotationOutcome[] Items);

/// <summary>
/// W3C Web Annotations in and out. In: annotations on a source (one, a list, an AnnotationPage or AnnotationCollection,
/// or a Hypothesis export or search answer, whose rows have this shape) become passages: each is anchored by its
/// TextQuoteSelector first, its TextPositionSelector (offsets of another text, such as a web page's) only choosing
/// between repeats of the quote or standing alone when there is no quote. An annotation that does not anchor is refused
/// with its reason and the others are kept, in one transaction; when none anchors, nothing is written (422).
/// Out: the source's passages as an AnnotationPage, both selectors given.
/// </summary>
public static class Annotations
{
    public const string MediaType = "application/ld+json";
    public const string Profile = "http://www.w3.org/ns/anno.jsonld";
    public const int MaxItems = 1_000;

    public const string BodyDescription =
        "W3C Web Annotations (https://www.w3.org/TR/annotation-model/): one annotation {\"type\": \"Annotation\", \"target\": {\"source\": ..., " +
        "\"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": ..., \"prefix\": ..., \"suffix\": ...}, {\"type\": \"TextPositionSelector\", " +
        "\"start\": ..., \"end\": ...}]}}, a list of them, {\"items\": [...]} (AnnotationPage), {\"first\": {\"items\": [...]}} (AnnotationCollection), " +
        "or {\"rows\": [...]} (a Hypothesis export, whose target is a list). Other members (body, creator, tags...) are ignored.";

    public static async Task<Results<Ok<AnnotationImport>, ProblemHttpResult, ValidationProblem>> ImportAsync(
        [FromRoute(Name = "id")] Param<long> idParam, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var id = idParam.Value;
        var type = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (type is not ("application/json" or MediaType))
        {
            return TypedResults.Problem(statusCode: 415, title: "Unsupported Media Type",
                detail: $"Send the annotations as JSON: Content-Type: application/json or {MediaType}.");
        }
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }, cancellationToken: ct);
        }
        catch (JsonException e)
        {
            return Problems.Invalid("$", $"is not JSON: {Problems.JsonReason(e)}");
        }
        if (Items(body) is not { } items) return Problems.Invalid("$", "must be an annotation, a list of them, an AnnotationPage or AnnotationCollection (items), or a Hypothesis export (rows).");
        if (items.Count == 0) return Problems.Invalid("$", "holds no annotation.");
        if (items.Count > MaxItems) return Problems.Invalid("$", $"holds {items.Count} annotations; send at most {MaxItems} a request.");

        await using var write = await Write.BeginAsync(http, db, ct);
        var exists = await write.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from sources where id = @id)", new { id }, write.Transaction, cancellationToken: ct));
        if (!exists) return Problems.NotFound("Source", id);

        var outcomes = new List<AnnotationOutcome>();
        for (var i = 0; i < items.Count; i++) outcomes.Add(await AnchorOneAsync(write, id, i, items[i], ct));

        var report = new AnnotationImport(items.Count, outcomes.Count(o => o.Status == "created"), outcomes.Count(o => o.Status == "existing"),
            outcomes.Count(o => o.Status == "refused"), [.. outcomes]);
        if (report.Refused == report.Received)
        {
            var first = outcomes[0];
            return TypedResults.Problem(statusCode: 422, title: "No annotation anchors in the source; nothing was written.",
                detail: $"{report.Refused} of {report.Received} refused. The first, annotation {first.Index}: {first.Field}: {first.Reason}",
                extensions: new Dictionary<string, object?>
                {
                    ["items"] = report.Items,
                    ["errors"] = outcomes.ToDictionary(o => $"[{o.Index}].{o.Field}", o => new[] { o.Reason! }),
                });
        }
        return await write.CommitAsync(TypedResults.Ok(report), ct);
    }

    /// <summary>The annotations of a body in any of its accepted forms, or null when it is none of them.</summary>
    private static List<JsonNode?>? Items(JsonNode? body) => body switch
    {
        JsonArray list => [.. list],
        JsonObject o when o["rows"] is JsonArray rows => [.. rows],
        JsonObject o when o["items"] is JsonArray page => [.. page],
        JsonObject o when o["first"] is JsonObject { } first && first["items"] is JsonArray items => [.. items],
        JsonObject o when o["target"] is not null => [o],
        _ => null,
    };

    private static async Task<AnnotationOutcome> AnchorOneAsync(Write write, long sourceId, int index, JsonNode? item, CancellationToken ct)
    {
        var annotationId = (item as JsonObject)?["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        AnnotationOutcome Refuse(string field, string reason) => new(index, annotationId, "refused", Field: field, Reason: reason);
        if (item is not JsonObject annotation) return Refuse("$", "is not an annotation (a JSON object).");
        // A target is an object, a list of them (Hypothesis gives one), or a bare IRI, which selects nothing.
        var target = annotation["target"] switch
        {
            JsonObject one => one,
            JsonArray { Count: > 0 } many => many.OfType<JsonObject>().FirstOrDefault(t => t["selector"] is not null),
            _ => null,
        };
        if (target is null) return Refuse("target", "has no selector: send a target with a TextQuoteSelector or a TextPositionSelector.");
        var selectors = target["selector"] switch
        {
            JsonObject one => [one],
            JsonArray many => many.OfType<JsonObject>().ToList(),
            _ => [],
        };
        var quote = selectors.FirstOrDefault(x => Text(x, "type") == "TextQuoteSelector");
        var position = selectors.FirstOrDefault(x => Text(x, "type") == "TextPositionSelector");
        if (quote is null && position is null) return Refuse("target.selector", "has no TextQuoteSelector or TextPositionSelector.");

        var exact = quote is null ? null : Text(quote, "exact");
        if (quote is not null && string.IsNullOrEmpty(exact)) return Refuse("target.selector.exact", "must be the quoted text.");
        int? start = position is null ? null : Number(position, "start");
        int? end = position is null ? null : Number(position, "end");
        if (position is not null && (start is null || end is null)) return Refuse("target.selector.start", "and end must be whole numbers.");
        var (prefix, suffix) = (quote is null ? null : Text(quote, "prefix"), quote is null ? null : Text(quote, "suffix"));
        if (exact?.Length > 20_000 || prefix?.Length > 1_000 || suffix?.Length > 1_000 || exact?.Contains('\0') == true)
        {
            return Refuse("target.selector.exact", "is longer than a passage may be (20,000 characters, its context 1,000) or holds U+0000.");
        }

        var context = write.Context(ct);
        async Task<CreatePassage.Outcome> Anchor(CreatePassageRequest request) =>
            await CreatePassage.AnchorAsync(context.Connection, context.Transaction, sourceId, request, write.CuratorId, ct);

        CreatePassage.Outcome outcome;
        if (exact is null)
        {
            outcome = await Anchor(new CreatePassageRequest(start, end));
        }
        else
        {
            outcome = await Anchor(new CreatePassageRequest(Exact: exact, Prefix: prefix, Suffix: suffix));
            // The context or the count of repeats failed: the words themselves decide when they occur once, and the
            // offsets (of the text the annotation was made on) pick the nearest repeat.
            if (outcome.Failure?.Extensions?.GetValueOrDefault("candidates") is List<Candidate> { Count: > 0 } candidates)
            {
                var pick = start is { } hint
                    ? candidates.OrderBy(c => Math.Abs(c.Start - hint)).ToList() is var near && (near.Count == 1 || Math.Abs(near[0].Start - hint) < Math.Abs(near[1].Start - hint)) ? near[0] : null
                    : candidates.Count == 1 ? candidates[0] : null;
                if (pick is not null) outcome = await Anchor(new CreatePassageRequest(pick.Start, pick.End, exact));
            }
        }
        if (outcome.Failure is { } failure)
        {
            return Refuse($"target.selector.{failure.Field}", failure.Reason);
        }
        return new AnnotationOutcome(index, annotationId, outcome.Created ? "created" : "existing", outcome.PassageId);
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static int? Number(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<int>(out var n) ? n : null;

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ExportAsync(
        [FromRoute(Name = "id")] Param<long> idParam, [AsParameters] PageQuery<ListPassages.Position> page, HttpContext http,
        NpgsqlDataSource db, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var id = idParam.Value;
        var (after, take) = (page.After, page.Take);
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "select (select count(*) from passages p where p.source_id = s.id) from sources s where s.id = @id", new { id }, cancellationToken: ct));
        if (total is null) return Problems.NotFound("Source", id);

        var rows = await PassageRow.QueryAsync(connection, null,
            "p.source_id = @id and (@afterStart::int is null or (p.start_offset, p.id) > (@afterStart, @afterId))",
            new { id, afterStart = after?.Start, afterId = after?.Id, limit = take + 1 }, ct,
            "order by p.start_offset, p.id limit @limit");
        var next = page.Next(rows, r => new ListPassages.Position(r.StartOffset, r.Id));
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        var collection = $"{baseUrl}/sources/{id}/annotations";
        var items = rows.Take(take).Select(r => r.ToDetail()).Select(p =>
        {
            // The passage where it stands in the text as it reads now, when a revision moved it.
            var (start, end, exact, prefix, suffix) = p.Current is { } now
                ? (now.Start, now.End, now.Exact, now.Prefix, now.Suffix)
                : (p.Start, p.End, p.Exact, p.Prefix, p.Suffix);
            return new WebAnnotation($"{baseUrl}/passages/{p.Id}", "Annotation", "highlighting", p.CreatedAt,
                new AnnotationCreator("Person", p.CreatedBy),
                new AnnotationTarget($"{baseUrl}/sources/{id}",
                [
                    new AnnotationSelector("TextQuoteSelector", Exact: exact, Prefix: prefix, Suffix: suffix),
                    new AnnotationSelector("TextPositionSelector", Start: start, End: end),
                ]));
        }).ToArray();
        var self = after is null && page.Limit is null ? collection : $"{collection}{http.Request.QueryString}";
        var answer = new AnnotationPage(Profile, self, "AnnotationPage", new AnnotationCollectionRef(collection, "AnnotationCollection", total.Value),
            items, next is null ? null : $"{collection}?cursor={next}&limit={take}");
        return TypedResults.Content(JsonSerializer.Serialize(answer, json.Value.SerializerOptions), $"{MediaType}; profile=\"{Profile}\"");
    }
}
