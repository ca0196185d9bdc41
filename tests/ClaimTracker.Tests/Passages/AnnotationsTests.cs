using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Passages;

/// <summary>W3C Web Annotations in and out of a source, in the shapes Hypothesis and other annotation tools write.</summary>
public sealed class AnnotationsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Text =
        "An invented report. The minister said 2,500 troops would stay. Critics said 2,500 troops were too few. " +
        "The minister said nothing more.";

    private static StringContent Json(object body, string type = "application/json")
    {
        var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
        return content;
    }

    private async Task<(HttpClient Curator, long SourceId)> SourceAsync()
    {
        var curator = await api.CuratorClientAsync();
        var source = await curator.CreateSourceAsync(Samples.Source(body: Text + $" [{Samples.Unique()}]"));
        return (curator, source.GetProperty("id").GetInt64());
    }

    /// <summary>An annotation as Hypothesis's API and its exports give it (a list of targets, a RangeSelector beside the others).</summary>
    private static object Hypothesis(string id, string exact, string? prefix = null, int? start = null) => new
    {
        id,
        created = "2024-09-20T10:00:00.000000+00:00",
        user = "acct:reader@hypothes.is",
        uri = "https://news.example/invented-report",
        text = "Worth checking against the ministry's figures.",
        tags = new[] { "troops" },
        target = new[]
        {
            new
            {
                source = "https://news.example/invented-report",
                selector = new object?[]
                {
                    new { type = "RangeSelector", startContainer = "/div[1]/p[1]", startOffset = 0, endContainer = "/div[1]/p[1]", endOffset = 10 },
                    start is null ? null : new { type = "TextPositionSelector", start = start.Value, end = start.Value + exact.Length },
                    new { type = "TextQuoteSelector", exact, prefix = prefix ?? "", suffix = "" },
                }.Where(s => s is not null),
            },
        },
        document = new { title = new[] { "Invented report" } },
        links = new { html = $"https://hypothes.is/a/{id}" },
    };

    [Fact]
    public async Task A_Hypothesis_export_becomes_passages_each_annotation_refused_alone_with_its_reason()
    {
        var (curator, sourceId) = await SourceAsync();
        var export = new
        {
            total = 4,
            rows = new[]
            {
                Hypothesis("h1", "The minister said 2,500 troops would stay."),
                // The quote occurs twice; its prefix (as the web page had it, with other spacing) matches neither, and the
                // offsets of the page's text, a few characters off, pick the nearer one.
                Hypothesis("h2", "2,500 troops", prefix: "Critics  said ", start: 82),
                Hypothesis("h3", "4,000 troops"),
                Hypothesis("h4", "2,500 troops"),
            },
        };

        var response = await curator.PostAsync($"/sources/{sourceId}/annotations", Json(export));
        var report = await response.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(4, report.GetProperty("received").GetInt32());
        Assert.Equal(2, report.GetProperty("created").GetInt32());
        Assert.Equal(2, report.GetProperty("refused").GetInt32());
        var items = report.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["created", "created", "refused", "refused"], items.Select(i => i.GetProperty("status").GetString()));
        Assert.Equal(["h1", "h2", "h3", "h4"], items.Select(i => i.GetProperty("annotationId").GetString()));
        Assert.Equal("target.selector.exact", items[2].GetProperty("field").GetString());
        Assert.Contains("is not in the source's text", items[2].GetProperty("reason").GetString());
        Assert.Contains("occurs 2 times", items[3].GetProperty("reason").GetString());

        var first = await api.CreateClient().GetJsonAsync($"/passages/{items[0].GetProperty("passageId").GetInt64()}");
        Assert.Equal("The minister said 2,500 troops would stay.", first.GetProperty("exact").GetString());
        var second = await api.CreateClient().GetJsonAsync($"/passages/{items[1].GetProperty("passageId").GetInt64()}");
        Assert.Equal(Text.IndexOf("Critics said 2,500", StringComparison.Ordinal) + "Critics said ".Length, second.GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task One_W3C_annotation_an_AnnotationPage_and_a_collection_are_read_alike()
    {
        var (curator, sourceId) = await SourceAsync();
        var one = new
        {
            @context = "http://www.w3.org/ns/anno.jsonld",
            id = "http://example.org/anno1",
            type = "Annotation",
            body = new { type = "TextualBody", value = "a comment" },
            target = new { source = "http://example.org/page1", selector = new { type = "TextQuoteSelector", exact = "Critics said 2,500 troops were too few.", prefix = "stay. " } },
        };
        var byPosition = new { type = "Annotation", target = new { source = "x", selector = new { type = "TextPositionSelector", start = 0, end = 19 } } };

        var single = await (await curator.PostAsync($"/sources/{sourceId}/annotations", Json(one, "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"")))
            .ReadJsonAsync(HttpStatusCode.OK);
        var page = await (await curator.PostAsync($"/sources/{sourceId}/annotations", Json(new { type = "AnnotationPage", items = new object[] { byPosition, one } })))
            .ReadJsonAsync(HttpStatusCode.OK);
        var collection = await (await curator.PostAsync($"/sources/{sourceId}/annotations",
            Json(new { type = "AnnotationCollection", first = new { type = "AnnotationPage", items = new object[] { byPosition } } }))).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal("created", single.GetProperty("items")[0].GetProperty("status").GetString());
        Assert.Equal(["created", "existing"], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("status").GetString()));
        Assert.Equal(single.GetProperty("items")[0].GetProperty("passageId").GetInt64(), page.GetProperty("items")[1].GetProperty("passageId").GetInt64());
        Assert.Equal("existing", collection.GetProperty("items")[0].GetProperty("status").GetString());
        var passage = await api.CreateClient().GetJsonAsync($"/passages/{page.GetProperty("items")[0].GetProperty("passageId").GetInt64()}");
        Assert.Equal("An invented report.", passage.GetProperty("exact").GetString());
    }

    [Fact]
    public async Task When_no_annotation_anchors_the_answer_is_422_and_nothing_is_written()
    {
        var (curator, sourceId) = await SourceAsync();
        var before = await api.CountRowsAsync();
        var response = await curator.PostAsync($"/sources/{sourceId}/annotations", Json(new object[]
        {
            new { type = "Annotation", target = "https://news.example/invented-report" },
            new { type = "Annotation", target = new { source = "x", selector = new { type = "FragmentSelector", value = "para-2" } } },
            new { type = "Annotation", target = new { source = "x", selector = new { type = "TextPositionSelector", start = 5, end = 100_000 } } },
        }));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity);
        var items = problem.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["target", "target.selector", "target.selector.end"], items.Select(i => i.GetProperty("field").GetString()));
        Assert.True(problem.GetProperty("errors").TryGetProperty("[2].target.selector.end", out _));
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("{\"type\": \"Annotation\"}", "$")]
    [InlineData("{\"rows\": 5}", "$")]
    [InlineData("not json", "$")]
    public async Task A_body_that_holds_no_annotation_is_a_400(string body, string field)
    {
        var (curator, sourceId) = await SourceAsync();
        var response = await curator.PostAsync($"/sources/{sourceId}/annotations", new StringContent(body, Encoding.UTF8, "application/json"));
        await response.ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Annotations_of_an_unknown_source_are_a_404_and_need_a_key()
    {
        var (curator, _) = await SourceAsync();
        var annotation = new { type = "Annotation", target = new { source = "x", selector = new { type = "TextQuoteSelector", exact = "troops" } } };
        await (await curator.PostAsync("/sources/999999999/annotations", Json(annotation))).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().PostAsync("/sources/1/annotations", Json(annotation))).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await api.CreateClient().GetAsync("/sources/999999999/annotations")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_sources_passages_export_as_an_AnnotationPage_that_imports_back_as_the_same_passages()
    {
        var (curator, sourceId) = await SourceAsync();
        var ids = new List<long>();
        foreach (var exact in new[] { "The minister said nothing more.", "An invented report." , "Critics said" })
        {
            ids.Add((await curator.CreatePassageAsync(sourceId, new { exact })).GetProperty("id").GetInt64());
        }

        var first = await api.CreateClient().GetAsync($"/sources/{sourceId}/annotations?limit=2");
        Assert.Equal("application/ld+json", first.Content.Headers.ContentType?.MediaType);
        Assert.Contains("profile=\"http://www.w3.org/ns/anno.jsonld\"", first.Content.Headers.ContentType?.ToString());
        var page = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("http://www.w3.org/ns/anno.jsonld", page.GetProperty("@context").GetString());
        Assert.Equal("AnnotationPage", page.GetProperty("type").GetString());
        Assert.Equal(3, page.GetProperty("partOf").GetProperty("total").GetInt64());
        var annotations = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, annotations.Count);
        // In text order.
        Assert.EndsWith($"/passages/{ids[1]}", annotations[0].GetProperty("id").GetString());
        Assert.Equal("highlighting", annotations[0].GetProperty("motivation").GetString());
        var selectors = annotations[0].GetProperty("target").GetProperty("selector").EnumerateArray().ToList();
        Assert.Equal("TextQuoteSelector", selectors[0].GetProperty("type").GetString());
        Assert.Equal("An invented report.", selectors[0].GetProperty("exact").GetString());
        Assert.False(selectors[0].TryGetProperty("start", out _));
        Assert.Equal("TextPositionSelector", selectors[1].GetProperty("type").GetString());
        Assert.Equal(0, selectors[1].GetProperty("start").GetInt32());

        var next = new Uri(page.GetProperty("next").GetString()!).PathAndQuery;
        var rest = JsonDocument.Parse(await api.CreateClient().GetStringAsync(next)).RootElement;
        Assert.Single(rest.GetProperty("items").EnumerateArray());
        Assert.False(rest.TryGetProperty("next", out _));

        // What the export gives, the import takes back: every annotation is a passage the source already has.
        var all = await api.CreateClient().GetStringAsync($"/sources/{sourceId}/annotations");
        var back = await (await curator.PostAsync($"/sources/{sourceId}/annotations", new StringContent(all, Encoding.UTF8, "application/ld+json")))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3, back.GetProperty("existing").GetInt32());
        Assert.Equal(ids.Order(), back.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("passageId").GetInt64()).Order());
    }
}
