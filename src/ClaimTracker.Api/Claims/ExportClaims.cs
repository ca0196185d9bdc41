using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Claims;

public enum ExportFormat { Ndjson, Csv, Jsonld, Claimreview }

/// <summary>
/// Any claims query as a file: NDJSON (one claim per line, as GET /claims/{id} shows it), CSV (one row per claim),
/// JSON-LD (schema.org Claim for each claim, with a W3C Web Annotation per evidence passage, selectors included), or
/// schema.org ClaimReview (<see cref="ClaimReviews"/>). Streamed in id order, so a large export does not sit in memory.
/// </summary>
/// <param name="Format">ndjson (one claim per line), csv (one row per claim), jsonld (schema.org Claim and W3C Web Annotation) or
/// claimreview (a schema.org ClaimReview per claim, rated from its status, rank and conflicts); required, e.g. claimreview.</param>
public sealed record ExportQuery([property: FromQuery(Name = "format"), System.ComponentModel.DataAnnotations.Required] Param<ExportFormat>? Format)
{
    public sealed class Validator : AbstractValidator<ExportQuery>
    {
        public Validator() => RuleFor(q => q.Format).NotNull().OverridePropertyName("format").WithMessage("is required: ndjson, csv, jsonld or claimreview.");
    }
}

public static partial class ExportClaims
{
    private const int Batch = 500;

    public static async Task<Results<EmptyHttpResult, ValidationProblem>> Handle(
        [AsParameters] ClaimFilterQuery filterQuery, [AsParameters] ExportQuery query, HttpContext http, ReadDb db,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        var kind = query.Format!.Value.Value;

        await using var connection = await db.OpenConnectionAsync(ct);
        var (filter, problem) = await ClaimFilter.BuildAsync(connection, filterQuery, ct);
        if (problem is not null) return problem;

        filter!.Parameters.Add("limit", Batch);
        filter.Parameters.Add("afterId", 0L);
        filter.Conditions.Add("c.id > @afterId");
        // The first page is read before anything is sent, so that a failure (the database gone, the statement
        // timeout) is still answered with a problem rather than a cut-off 200.
        var page = await ClaimQuery.ManyAsync(connection, null, $"where {filter.Where} order by c.id limit @limit", filter.Parameters, ct);

        var response = http.Response;
        response.ContentType = kind switch
        {
            ExportFormat.Ndjson => "application/x-ndjson",
            ExportFormat.Csv => "text/csv; charset=utf-8",
            _ => "application/ld+json",
        };
        response.Headers.ContentDisposition = $"attachment; filename=\"claims.{(kind == ExportFormat.Claimreview ? "claimreview.jsonld" : kind.Db())}\"";
        var options = json.Value.SerializerOptions;
        var baseUrl = $"{http.Request.Scheme}://{http.Request.Host}";
        var reviews = kind == ExportFormat.Claimreview ? new ClaimReviews(connection, baseUrl) : null;
        // Read before anything is sent, as the first page is.
        if (reviews is not null) await reviews.LoadAsync(page, ct);
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), 64 * 1024);

        if (kind == ExportFormat.Csv) await writer.WriteLineAsync(string.Join(",", CsvHeader));
        if (kind == ExportFormat.Jsonld) await writer.WriteAsync($$"""{"@context":{{JsonLdContext}},"@graph":[""");
        if (reviews is not null) await writer.WriteAsync($$"""{"@context":"{{ClaimReviews.Context}}","@graph":[""");

        var first = true;
        while (true)
        {
            foreach (var claim in page)
            {
                switch (kind)
                {
                    case ExportFormat.Ndjson:
                        await writer.WriteLineAsync(JsonSerializer.Serialize(claim, options));
                        break;
                    case ExportFormat.Csv:
                        await writer.WriteLineAsync(string.Join(",", CsvRow(claim).Select(Csv)));
                        break;
                    case ExportFormat.Claimreview:
                        await writer.WriteAsync((first ? "" : ",") + (await reviews!.ReviewAsync(claim, page, ct)).ToJsonString());
                        first = false;
                        break;
                    default:
                        foreach (var node in JsonLd(claim, baseUrl))
                        {
                            await writer.WriteAsync((first ? "" : ",") + node.ToJsonString());
                            first = false;
                        }
                        break;
                }
            }
            if (page.Count < Batch) break;
            filter.Parameters.Add("afterId", page[^1].Id);
            page = await ClaimQuery.ManyAsync(connection, null, $"where {filter.Where} order by c.id limit @limit", filter.Parameters, ct);
        }
        if (kind is ExportFormat.Jsonld or ExportFormat.Claimreview) await writer.WriteAsync("]}");
        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    private static readonly string[] CsvHeader =
    [
        "id", "text", "subject", "property", "value_kind", "amount", "lower_bound", "upper_bound", "unit", "approximation",
        "date", "precision", "modifier", "text_value", "stance", "proposition", "stated_as", "valid_from", "valid_to",
        "stated_on", "asserted_by", "location", "note", "status", "rank", "source_ids", "passage_ids",
    ];

    private static IEnumerable<string?> CsvRow(ClaimDetail c)
    {
        var v = c.Value;
        string? N(decimal? d) => d?.ToString(CultureInfo.InvariantCulture);
        return
        [
            c.Id.ToString(CultureInfo.InvariantCulture), c.Text, c.Subject.Name, c.Property.Key, v.Kind.Db(), N(v.Amount), N(v.LowerBound), N(v.UpperBound),
            v.Unit, v.Approximation?.Db(), v.Date, v.Precision?.Db(), v.Modifier?.Db(), v.Text, v.Stance?.Db(), v.Proposition, v.StatedAs,
            c.ValidTime?.From?.Date, c.ValidTime?.To?.Date, c.StatedOn?.Date, c.AssertedBy?.Name, c.Location, c.Note, c.Status.Db(), c.Rank.Db(),
            string.Join(" ", c.Evidence.Select(e => e.Source.Id).Distinct()), string.Join(" ", c.Evidence.Select(e => e.PassageId)),
        ];
    }

    /// <summary>RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes; neutralised first (<see cref="Neutralise"/>).</summary>
    internal static string Csv(string? field)
    {
        if (field is null) return "";
        field = Neutralise(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
    }

    /// <summary>
    /// A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a formula (OWASP, CSV
    /// injection): such a cell gets a leading single quote, which spreadsheets show as text and which a reader sees
    /// at once. A plain number ("-3", "+2.5") cannot be a formula, so it is left as it is and stays a number.
    /// </summary>
    internal static string Neutralise(string field) =>
        field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !PlainNumber().IsMatch(field) ? "'" + field : field;

    [System.Text.RegularExpressions.GeneratedRegex(@"^[+-]?[0-9]+(\.[0-9]+)?$")]
    private static partial System.Text.RegularExpressions.Regex PlainNumber();

    private const string JsonLdContext = """
        ["https://schema.org/",{"oa":"http://www.w3.org/ns/oa#","Annotation":"oa:Annotation","motivation":{"@id":"oa:motivatedBy","@type":"@vocab"},"target":{"@id":"oa:hasTarget"},"body":{"@id":"oa:hasBody","@type":"@id"},"selector":{"@id":"oa:hasSelector"},"source":{"@id":"oa:hasSource","@type":"@id"},"TextPositionSelector":"oa:TextPositionSelector","TextQuoteSelector":"oa:TextQuoteSelector","start":"oa:start","end":"oa:end","exact":"oa:exact","prefix":"oa:prefix","suffix":"oa:suffix","assessing":"oa:assessing"}]
        """;

    private static IEnumerable<JsonObject> JsonLd(ClaimDetail c, string baseUrl)
    {
        var claimId = $"{baseUrl}/claims/{c.Id}";
        var appearances = new JsonArray();
        foreach (var source in c.Evidence.Select(e => e.Source).DistinctBy(s => s.Id))
        {
            var work = new JsonObject
            {
                ["@type"] = "NewsArticle",
                ["@id"] = $"{baseUrl}/sources/{source.Id}",
                ["headline"] = source.Title,
            };
            if (source.Outlet is not null) work["publisher"] = new JsonObject { ["@type"] = "Organization", ["name"] = source.Outlet };
            if (source.Published is not null) work["datePublished"] = source.Published.Date;
            appearances.Add(work);
        }
        var claim = new JsonObject
        {
            ["@type"] = "Claim",
            ["@id"] = claimId,
            ["text"] = c.Text,
            ["about"] = new JsonObject { ["@type"] = "Thing", ["@id"] = $"{baseUrl}/subjects/{c.Subject.Id}", ["name"] = c.Subject.Name },
            ["appearance"] = appearances,
            ["dateCreated"] = c.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (c.AssertedBy is not null)
        {
            claim["author"] = new JsonObject { ["@id"] = $"{baseUrl}/subjects/{c.AssertedBy.Id}", ["name"] = c.AssertedBy.Name };
        }
        if (c.StatedOn is not null) claim["datePublished"] = c.StatedOn.Date;
        yield return claim;

        foreach (var e in c.Evidence)
        {
            yield return new JsonObject
            {
                ["@type"] = "Annotation",
                ["@id"] = $"{claimId}#passage-{e.PassageId}",
                ["motivation"] = "assessing",
                ["body"] = claimId,
                ["description"] = e.Stance == EvidenceStance.Supports ? "supports the claim" : "refutes the claim",
                ["target"] = new JsonObject
                {
                    ["source"] = $"{baseUrl}/sources/{e.Source.Id}",
                    ["selector"] = new JsonArray(
                        new JsonObject { ["@type"] = "TextPositionSelector", ["start"] = e.Start, ["end"] = e.End },
                        new JsonObject { ["@type"] = "TextQuoteSelector", ["exact"] = e.Exact, ["prefix"] = e.Prefix, ["suffix"] = e.Suffix }),
                },
            };
        }
    }
}
