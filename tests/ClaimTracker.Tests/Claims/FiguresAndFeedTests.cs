using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

public sealed class FiguresAndFeedTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_figure_is_found_as_written_with_or_without_separators_and_grouped_by_source()
    {
        var world = await World.CreateAsync(api);
        var second = await World.CreateAsync(api);
        var unit = $"u{Samples.Unique()}";
        var about = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit }));
        var exact = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit }), ("evidence", world.Evidence("2,500 exactly")));
        var elsewhere = await second.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit }));
        var hundreds = await world.CreateClaimAsync(("property", "attack_count"),
            ("value", new { kind = "quantity", approximation = "range", lowerBound = 200, upperBound = 999, unit }),
            ("evidence", world.Evidence("Hundreds of attacks targeted US bases")));

        foreach (var written in new[] { "2500", "2,500", "2%20500" })
        {
            var result = await api.CreateClient().GetJsonAsync($"/figures?value={written}&unit={unit}");
            var sources = result.GetProperty("sources").EnumerateArray().ToList();
            Assert.Equal([world.SourceId, second.SourceId], sources.Select(s => s.GetProperty("source").GetProperty("id").GetInt64()));
            Assert.Equal([about.GetProperty("id").GetInt64(), exact.GetProperty("id").GetInt64()],
                sources[0].GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("claimId").GetInt64()));
            Assert.Equal("the US has about 2,500 troops in Iraq", sources[0].GetProperty("claims")[0].GetProperty("passages")[0].GetProperty("exact").GetString());
            Assert.Equal(elsewhere.GetProperty("id").GetInt64(), sources[1].GetProperty("claims")[0].GetProperty("claimId").GetInt64());
        }
        var byHundreds = await api.CreateClient().GetJsonAsync($"/figures?value=300&unit={unit}");
        Assert.Equal(hundreds.GetProperty("id").GetInt64(), byHundreds.GetProperty("sources")[0].GetProperty("claims")[0].GetProperty("claimId").GetInt64());
        var none = await api.CreateClient().GetJsonAsync($"/figures?value=5000&unit={unit}");
        Assert.Equal(0, none.GetProperty("sources").GetArrayLength());
        Assert.Equal(0, none.GetProperty("sourceCount").GetInt64());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task Figure_look_ups_come_in_pages_of_sources_with_totals_over_every_page()
    {
        var unit = $"u{Samples.Unique()}";
        var worlds = new List<World>();
        var claims = new List<long>();
        foreach (var published in new[] { "2024-09", "2023", null })
        {
            var world = await World.CreateAsync(api, published);
            worlds.Add(world);
            claims.Add((await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit }))).GetProperty("id").GetInt64());
        }
        claims.Add((await worlds[1].CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit }))).GetProperty("id").GetInt64());

        var seen = new List<long>();
        var claimsSeen = 0;
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await api.CreateClient().GetJsonAsync($"/figures?value=2500&unit={unit}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(3, page.GetProperty("sourceCount").GetInt64());
            Assert.Equal(4, page.GetProperty("claimCount").GetInt64());
            var sources = page.GetProperty("sources").EnumerateArray().ToList();
            Assert.InRange(sources.Count, 1, 2);
            seen.AddRange(sources.Select(s => s.GetProperty("source").GetProperty("id").GetInt64()));
            claimsSeen += sources.Sum(s => s.GetProperty("claims").GetArrayLength());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(2, pages);
        // Oldest published first, the undated source last.
        Assert.Equal([worlds[1].SourceId, worlds[0].SourceId, worlds[2].SourceId], seen);
        Assert.Equal(4, claimsSeen);
        await (await api.CreateClient().GetAsync($"/figures?value=2500&cursor=not-a-cursor")).ReadProblemAsync(HttpStatusCode.BadRequest, "cursor");
        await (await api.CreateClient().GetAsync($"/figures?value=2500&limit=0")).ReadProblemAsync(HttpStatusCode.BadRequest, "limit");
    }

    [Theory]
    [InlineData("/figures", "value")]
    [InlineData("/figures?value=many", "value")]
    [InlineData("/figures?value=2500&property=troop_colour", "property")]
    public async Task A_figure_look_up_without_a_number_returns_400(string url, string field)
    {
        await (await api.CreateClient().GetAsync(url)).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_change_feed_lists_creations_revisions_and_retractions_in_order_and_resumes_from_its_cursor()
    {
        var start = (await api.CreateClient().GetJsonAsync("/changes?limit=200")).GetProperty("nextCursor").GetString();
        string cursor = start!;
        while (true)
        {
            var page = await api.CreateClient().GetJsonAsync($"/changes?limit=200&since={cursor}");
            if (page.GetProperty("items").GetArrayLength() == 0) break;
            cursor = page.GetProperty("nextCursor").GetString()!;
        }
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = Http.Json("""{"reason":"checked","status":"verified"}""") };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        await (await world.Curator.SendAsync(patch)).ReadJsonAsync(HttpStatusCode.OK);
        var retract = new HttpRequestMessage(HttpMethod.Delete, $"/claims/{id}?reason=wrong");
        retract.Headers.TryAddWithoutValidation("If-Match", "\"v2\"");
        await (await world.Curator.SendAsync(retract)).ReadJsonAsync(HttpStatusCode.OK);

        // A change shows once every transaction that began before it has ended (in any database of the server, such as
        // another test class's long import, a minute or more on a busy machine), so a client polls, for up to two
        // minutes; pages of two exercise the cursor.
        var changes = new List<(string?, int)>();
        var polls = 0;
        while (changes.Count < 3 && polls++ < 1_200)
        {
            var page = await api.CreateClient().GetJsonAsync($"/changes?since={cursor}&limit=2");
            changes.AddRange(page.GetProperty("items").EnumerateArray()
                .Where(c => c.GetProperty("claimId").GetInt64() == id).Select(c => (c.GetProperty("action").GetString(), c.GetProperty("revision").GetInt32())));
            if (page.GetProperty("items").GetArrayLength() == 0) await Task.Delay(100);
            cursor = page.GetProperty("nextCursor").GetString()!;
        }
        var after = await api.CreateClient().GetJsonAsync($"/changes?since={cursor}");
        var rest = new { Cursor = cursor };

        Assert.Equal([("created", 1), ("revised", 2), ("retracted", 3)], changes);
        Assert.Equal(0, after.GetProperty("items").GetArrayLength());
        Assert.Equal(rest.Cursor, after.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task A_malformed_feed_cursor_returns_400()
    {
        await (await api.CreateClient().GetAsync("/changes?since=nonsense")).ReadProblemAsync(HttpStatusCode.BadRequest, "since");
    }

    [Fact]
    public async Task Exports_carry_the_same_claims_as_NDJSON_CSV_and_JSON_LD_with_selectors()
    {
        var world = await World.CreateAsync(api);
        var claim = await world.CreateClaimAsync(("note", "said, \"roughly\""));
        var id = claim.GetProperty("id").GetInt64();
        var client = api.CreateClient();

        var ndjson = await client.GetAsync($"/exports/claims?format=ndjson&subject={world.SubjectId}");
        var csv = await client.GetStringAsync($"/exports/claims?format=csv&subject={world.SubjectId}");
        var jsonld = JsonDocument.Parse(await client.GetStringAsync($"/exports/claims?format=jsonld&subject={world.SubjectId}")).RootElement;

        Assert.Equal("application/x-ndjson", ndjson.Content.Headers.ContentType?.MediaType);
        var lines = (await ndjson.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(id, JsonDocument.Parse(Assert.Single(lines)).RootElement.GetProperty("id").GetInt64());
        var rows = csv.Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,text,subject,property", rows[0]);
        Assert.StartsWith($"{id},", rows[1]);
        Assert.Contains("\"said, \"\"roughly\"\"\"", rows[1]);
        var graph = jsonld.GetProperty("@graph").EnumerateArray().ToList();
        Assert.Contains(graph, n => n.GetProperty("@type").GetString() == "Claim" && n.GetProperty("@id").GetString()!.EndsWith($"/claims/{id}"));
        var annotation = Assert.Single(graph, n => n.GetProperty("@type").GetString() == "Annotation");
        var selectors = annotation.GetProperty("target").GetProperty("selector").EnumerateArray().ToList();
        Assert.Equal("TextPositionSelector", selectors[0].GetProperty("@type").GetString());
        Assert.Equal("the US has about 2,500 troops in Iraq", selectors[1].GetProperty("exact").GetString());
    }

    [Fact]
    public async Task Export_needs_a_known_format()
    {
        await (await api.CreateClient().GetAsync("/exports/claims")).ReadProblemAsync(HttpStatusCode.BadRequest, "format");
        await (await api.CreateClient().GetAsync("/exports/claims?format=xml")).ReadProblemAsync(HttpStatusCode.BadRequest, "format");
    }
}
