using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Faults;

/// <summary>A valid request for one write operation, against targets of its own, and the status it succeeds with.</summary>
/// <param name="Make">A new copy of the same request (a request message can be sent once).</param>
public sealed record WriteRequest(string OperationId, HttpStatusCode Success, Func<HttpRequestMessage> Make);

/// <summary>
/// A valid request for every write operation the API serves. Each builds what it needs first (a source, a claim, a
/// conflict) with the given curator, so that the request itself succeeds when it is sent with a valid key.
/// </summary>
public static class WriteRequests
{
    public static readonly string[] Operations =
    [
        "CreateSource", "AddSourceRevision", "CreatePassage", "CreateSubject", "AddSubjectAlias", "RemoveSubjectAlias", "UpdateSubject",
        "CreateProperty", "UpdateProperty", "CreateClaim", "UpdateClaim",
        "RetractClaim", "AddClaimEvidence", "UpdateConflict", "LinkContradiction", "Import",
        "AcceptSuggestions", "DismissSuggestions", "ImportAnnotations", "ConfirmSourceCopy", "DismissSourceCopy",
    ];

    public static async Task<WriteRequest> BuildAsync(string operationId, ApiFactory api)
    {
        var u = Samples.Unique();
        switch (operationId)
        {
            case "CreateSource":
                return Post(operationId, HttpStatusCode.Created, "/sources", Samples.Source());
            case "AddSourceRevision":
            {
                var world = await World.CreateAsync(api);
                return Post(operationId, HttpStatusCode.Created, $"/sources/{world.SourceId}/revisions",
                    new { body = World.Body.Replace("Seven US troops", "Eight US troops") + $" [{u}]", note = "matrix correction" });
            }
            case "CreatePassage":
            {
                var world = await World.CreateAsync(api);
                return Post(operationId, HttpStatusCode.Created, $"/sources/{world.SourceId}/passages", new { exact = "Seven US troops were wounded" });
            }
            case "CreateSubject":
                return Post(operationId, HttpStatusCode.Created, "/subjects", new { name = $"Matrix subject {u}", aliases = new[] { $"Matrix alias {u}" } });
            case "AddSubjectAlias":
            {
                var world = await World.CreateAsync(api);
                return Post(operationId, HttpStatusCode.OK, $"/subjects/{world.SubjectId}/aliases", new { alias = $"Matrix alias {u}" });
            }
            case "RemoveSubjectAlias":
            {
                var world = await World.CreateAsync(api);
                return new(operationId, HttpStatusCode.OK, () => new HttpRequestMessage(HttpMethod.Delete,
                    $"/subjects/{world.SubjectId}/aliases/{Uri.EscapeDataString(world.Subject + " alias")}"));
            }
            case "UpdateSubject":
            {
                var world = await World.CreateAsync(api);
                return new(operationId, HttpStatusCode.OK, () => new HttpRequestMessage(HttpMethod.Patch, $"/subjects/{world.SubjectId}")
                {
                    Content = Json(new { description = $"matrix {u}" }),
                });
            }
            case "UpdateProperty":
            {
                var curator = await api.CuratorClientAsync();
                var key = $"matrix_{u}";
                await (await curator.PostJsonAsync("/properties", new { key, label = $"Matrix {u}", valueType = "quantity" })).ReadJsonAsync(HttpStatusCode.Created);
                return new(operationId, HttpStatusCode.OK, () => new HttpRequestMessage(HttpMethod.Patch, $"/properties/{key}")
                {
                    Content = Json(new { label = $"Matrix label {u}" }),
                });
            }
            case "CreateProperty":
                return Post(operationId, HttpStatusCode.Created, "/properties", new { key = $"matrix_{u}", label = $"Matrix {u}", valueType = "quantity", unit = "troops" });
            case "CreateClaim":
            {
                var world = await World.CreateAsync(api);
                return Post(operationId, HttpStatusCode.Created, "/claims", world.Claim(("note", $"matrix {u}")));
            }
            case "UpdateClaim":
            {
                var (id, etag) = await NewClaimAsync(api);
                return new(operationId, HttpStatusCode.OK, () => WithIfMatch(
                    new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = Json(new { reason = "matrix revision", note = $"revised {u}" }) }, etag));
            }
            case "RetractClaim":
            {
                var (id, etag) = await NewClaimAsync(api);
                return new(operationId, HttpStatusCode.OK, () => WithIfMatch(new HttpRequestMessage(HttpMethod.Delete, $"/claims/{id}?reason=matrix"), etag));
            }
            case "AddClaimEvidence":
            {
                var world = await World.CreateAsync(api);
                var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
                return Post(operationId, HttpStatusCode.OK, $"/claims/{id}/evidence", new { sourceId = world.SourceId, exact = "Another official put the number at 2,500 exactly" });
            }
            case "UpdateConflict":
            {
                var world = await World.CreateAsync(api);
                await world.CreateClaimAsync();
                await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 9000 }), ("evidence", world.Evidence("Hundreds of attacks targeted US bases")));
                var conflicts = await world.Curator.GetJsonAsync($"/conflicts?subject={world.SubjectId}");
                var conflictId = conflicts.Ids().Single();
                var current = await world.Curator.GetAsync($"/conflicts/{conflictId}");
                var etag = current.Headers.ETag!.ToString();
                return new(operationId, HttpStatusCode.OK, () => WithIfMatch(
                    new HttpRequestMessage(HttpMethod.Patch, $"/conflicts/{conflictId}") { Content = Json(new { status = "acknowledged", note = "matrix" }) }, etag));
            }
            case "LinkContradiction":
            {
                var world = await World.CreateAsync(api);
                var a = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
                var b = (await world.CreateClaimAsync(("assertedBy", world.Asserter))).GetProperty("id").GetInt64();
                return Post(operationId, HttpStatusCode.Created, $"/claims/{a}/contradicts", new { claimId = b, note = "matrix" });
            }
            case "Import":
            {
                var line = JsonSerializer.Serialize(new { type = "source", @ref = "s1", title = $"Matrix import {u}", body = $"Imported text {u}.", language = "en" });
                return new(operationId, HttpStatusCode.OK, () => WithKey(new HttpRequestMessage(HttpMethod.Post, "/import")
                {
                    Content = new StringContent(line + "\n", Encoding.UTF8, "application/x-ndjson"),
                }, $"import-{u}"));
            }
            case "AcceptSuggestions":
            case "DismissSuggestions":
            {
                // An invented report naming subjects of its own, so that its figure is proposed complete.
                var curator = await api.CuratorClientAsync();
                var force = $"Matrix Brigade {u}";
                var agency = $"Matrix Agency {u}";
                await curator.CreateSubjectAsync(force);
                await curator.CreateSubjectAsync(agency);
                var text = $"[Invented report for tests.] The {force} has about 2,500 troops in the valley, the {agency} reported.";
                var sourceId = (await curator.CreateSourceAsync(Samples.Source(body: text, published: "2024-09-18"))).GetProperty("id").GetInt64();
                var list = await curator.GetJsonAsync($"/sources/{sourceId}/suggestions");
                var id = list.GetProperty("items").EnumerateArray()
                    .First(s => s.GetProperty("kind").GetString() == "quantity" && s.GetProperty("match").GetProperty("text").GetString() == "about 2,500")
                    .GetProperty("id").GetString()!;
                return operationId == "AcceptSuggestions"
                    ? Post(operationId, HttpStatusCode.Created, $"/sources/{sourceId}/suggestions/accept", new { suggestions = new[] { new { id } } })
                    : Post(operationId, HttpStatusCode.OK, $"/sources/{sourceId}/suggestions/dismiss", new { suggestions = new[] { id }, reason = "matrix" });
            }
            case "ImportAnnotations":
            {
                var world = await World.CreateAsync(api);
                return Post(operationId, HttpStatusCode.OK, $"/sources/{world.SourceId}/annotations", new
                {
                    type = "Annotation",
                    target = new { source = "https://news.example/invented", selector = new { type = "TextQuoteSelector", exact = "Seven US troops were wounded" } },
                });
            }
            case "ConfirmSourceCopy":
            case "DismissSourceCopy":
            {
                // The invented agency story and its newspaper copy of the copy-detection tests.
                var curator = await api.CuratorClientAsync();
                var original = (await curator.CreateSourceAsync(Samples.Source(body: Sources.SourceCopiesTests.Agency + $" [{u}]", published: "2025-03-10")))
                    .GetProperty("id").GetInt64();
                var copy = (await curator.CreateSourceAsync(Samples.Source(body: Sources.SourceCopiesTests.Copy + $" [{u}]", published: "2025-03-11")))
                    .GetProperty("id").GetInt64();
                return operationId == "ConfirmSourceCopy"
                    ? Post(operationId, HttpStatusCode.OK, $"/sources/{copy}/copies/{original}/confirm", new { })
                    : Post(operationId, HttpStatusCode.OK, $"/sources/{copy}/copies/{original}/dismiss", new { reason = "matrix" });
            }
            default:
                throw new InvalidOperationException(
                    $"The API serves a write operation {operationId} that the fault tests cannot build a valid request for: add it to {nameof(WriteRequests)}.");
        }

        WriteRequest Post(string id, HttpStatusCode success, string path, object body) =>
            new(id, success, () => WithKey(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) }, $"{id}-{u}"));
    }

    private static async Task<(long Id, string ETag)> NewClaimAsync(ApiFactory api)
    {
        var world = await World.CreateAsync(api);
        var response = await world.Curator.PostJsonAsync("/claims", world.Claim());
        var id = (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        return (id, response.Headers.ETag!.ToString());
    }

    public static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add(IdempotencyMiddleware.Header, key);
        return request;
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string etag)
    {
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }
}
