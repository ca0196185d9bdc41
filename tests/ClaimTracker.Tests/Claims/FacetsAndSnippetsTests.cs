using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

/// <summary>What users of fact databases expect of a query: counts by date and outlet, and search hits shown in their words.</summary>
public sealed class FacetsAndSnippetsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static Dictionary<string, long> Facet(JsonElement page, string name) =>
        page.GetProperty("facets").GetProperty(name).EnumerateArray().ToDictionary(f => f.GetProperty("value").GetString()!, f => f.GetProperty("count").GetInt64());

    private static Dictionary<string, string> Labels(JsonElement page, string name) =>
        page.GetProperty("facets").GetProperty(name).EnumerateArray().ToDictionary(f => f.GetProperty("value").GetString()!, f => f.GetProperty("label").GetString()!);

    [Fact]
    public async Task Facets_count_the_whole_filtered_set_by_valid_time_publication_and_outlet()
    {
        var world = await World.CreateAsync(api, published: "2024-09-18");
        var outlet = $"Other Wire {Samples.Unique()}";
        var other = (await world.Curator.CreateSourceAsync(Samples.Source(outlet: outlet, published: "2023"))).GetProperty("id").GetInt64();
        object Elsewhere(string exact) => new[] { new { sourceId = other, exact } };

        await world.CreateClaimAsync(("validAt", "2024-09"));
        await world.CreateClaimAsync(("validAt", "2024-09-02"), ("evidence", world.Evidence("2,500 exactly")), ("value", new { kind = "quantity", amount = 2500 }));
        await world.CreateClaimAsync(("validAt", null), ("validFrom", "2023-05"), ("validTo", "2024"),
            ("evidence", Elsewhere("The US has about 2,500 troops in Iraq")));
        await world.CreateClaimAsync(("validAt", "2025"), ("property", "event_date"), ("value", new { kind = "time", date = "2025" }),
            ("evidence", new object[] { new { sourceId = world.SourceId, exact = "Seven US troops were wounded" }, new { sourceId = other, exact = "at no point" } }));
        await world.CreateClaimAsync(("validAt", null), ("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }),
            ("evidence", world.Evidence("Seven US troops were wounded")));

        // One claim a page: the counts are the whole set's.
        var page = await api.CreateClient().GetJsonAsync(
            $"/claims?subject={world.SubjectId}&limit=1&facet=valid_year&facet=valid_month&facet=published_year&facet=published_month&facet=outlet");

        Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(new Dictionary<string, long> { ["2024"] = 2, ["2023"] = 1, ["2025"] = 1 }, Facet(page, "valid_year"));
        // A valid time known to the year has no month; the undated claim is in no date facet.
        Assert.Equal(new Dictionary<string, long> { ["2024-09"] = 2, ["2023-05"] = 1 }, Facet(page, "valid_month"));
        Assert.Equal("September 2024", Labels(page, "valid_month")["2024-09"]);
        // Publication: each claim once per period of its sources; the claim in both sources counts in both years.
        Assert.Equal(new Dictionary<string, long> { ["2024"] = 4, ["2023"] = 2 }, Facet(page, "published_year"));
        Assert.Equal(new Dictionary<string, long> { ["2024-09"] = 4 }, Facet(page, "published_month"));
        Assert.Equal(new Dictionary<string, long> { ["Test Wire"] = 4, [outlet] = 2 }, Facet(page, "outlet"));

        // The filters a facet value stands for find the claims it counts.
        var byOutlet = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&outlet={Uri.EscapeDataString(outlet.ToUpperInvariant())}&facet=status");
        Assert.Equal(2, byOutlet.GetProperty("items").GetArrayLength());
        var published = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&published_from=2023&published_to=2023");
        Assert.Equal(2, published.GetProperty("items").GetArrayLength());
        var september = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&published_from=2024-09&published_to=2024-09&facet=outlet");
        Assert.Equal(4, september.GetProperty("items").GetArrayLength());
        Assert.Equal(new Dictionary<string, long> { ["Test Wire"] = 4, [outlet] = 1 }, Facet(september, "outlet"));
    }

    [Fact]
    public async Task The_conflict_certainty_facet_counts_each_claim_by_its_surest_unsettled_conflict_and_filters_the_same()
    {
        var world = await World.CreateAsync(api, published: "2024-09-18");
        // INVENTED: an undated "about us" page, so its figure's as-of time is unknown and its conflicts only possible.
        var undated = Samples.Source(outlet: "Invented Mission Page", body: $"(Invented) About the mission: 9,000 troops serve in Iraq. [{Samples.Unique()}]");
        undated["published"] = null;
        var page = (await world.Curator.CreateSourceAsync(undated)).GetProperty("id").GetInt64();

        var about = await world.CreateClaimAsync();
        var other = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 4000, statedAs = "4,000 troops" }), ("evidence", world.Evidence("2,500 exactly")));
        await world.CreateClaimAsync(("validAt", null), ("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }),
            ("evidence", world.Evidence("Seven US troops were wounded")));
        var before = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&facet=conflict_certainty");
        Assert.Equal(new Dictionary<string, long> { ["certain"] = 2, ["none"] = 1 }, Facet(before, "conflict_certainty"));
        Assert.Equal("in a certain conflict", Labels(before, "conflict_certainty")["certain"]);

        await world.CreateClaimAsync(("validAt", null), ("value", new { kind = "quantity", amount = 9000, statedAs = "9,000 troops" }),
            ("evidence", new[] { new { sourceId = page, exact = "9,000 troops" } }));
        var after = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&facet=conflict_certainty&limit=1");
        Assert.Equal(new Dictionary<string, long> { ["certain"] = 2, ["possible"] = 1, ["none"] = 1 }, Facet(after, "conflict_certainty"));

        // The filter a facet value stands for finds the claims it counts.
        async Task<long[]> Ids(string certainty) => [.. (await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&conflict_certainty={certainty}"))
            .GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64())];
        Assert.Equal([about.GetProperty("id").GetInt64(), other.GetProperty("id").GetInt64()], await Ids("certain"));
        Assert.Single(await Ids("possible"));
        Assert.Single(await Ids("none"));

        // A conflict settled by a curator no longer counts: resolving the certain one leaves both claims with possible ones.
        var certain = (await api.CreateClient().GetJsonAsync($"/conflicts?subject={world.SubjectId}&certainty=certain")).GetProperty("items").EnumerateArray().Single();
        var resolve = new HttpRequestMessage(HttpMethod.Patch, $"/conflicts/{certain.GetProperty("id").GetInt64()}")
        { Content = Http.Json("""{"status":"resolved","note":"the 4,000 figure counts contractors"}""") };
        resolve.Headers.TryAddWithoutValidation("If-Match", $"\"v{certain.GetProperty("version").GetInt32()}\"");
        await (await world.Curator.SendAsync(resolve)).ReadJsonAsync(HttpStatusCode.OK);
        var settled = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&facet=conflict_certainty");
        Assert.Equal(new Dictionary<string, long> { ["possible"] = 3, ["none"] = 1 }, Facet(settled, "conflict_certainty"));
    }

    [Theory]
    [InlineData("published_from=2024-13", "published_from")]
    [InlineData("published_from=2025&published_to=2024", "published_from")]
    [InlineData("facet=valid_week", "facet")]
    [InlineData("conflict_certainty=likely", "conflict_certainty")]
    public async Task A_bad_publication_filter_or_facet_is_a_400_naming_it(string query, string field)
    {
        await (await api.CreateClient().GetAsync($"/claims?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_search_marks_the_matching_words_of_the_matching_passage_on_each_item_only_with_q()
    {
        var word = $"zq{Samples.Unique()}";
        var world = await World.CreateAsync(api);
        var source = await world.Curator.CreateSourceAsync(Samples.Source(
            body: $"An invented report. Officials said the {word} convoy of 2,500 troops crossed the river at dawn, the second {word} crossing this month. " +
                  string.Join(" ", Enumerable.Repeat("Unrelated words follow here for a long while.", 60)) + $" [{Samples.Unique()}]"));
        var sourceId = source.GetProperty("id").GetInt64();
        var passage = $"Officials said the {word} convoy of 2,500 troops crossed the river at dawn, the second {word} crossing this month. " +
                      string.Join(" ", Enumerable.Repeat("Unrelated words follow here for a long while.", 60));
        var claim = await world.CreateClaimAsync(("evidence", new object[]
        {
            new { sourceId = world.SourceId, exact = "the US has about 2,500 troops in Iraq" },
            new { sourceId, exact = passage },
        }));

        var found = await api.CreateClient().GetJsonAsync($"/claims?q={word}");
        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        var snippet = item.GetProperty("snippet");
        Assert.Equal(sourceId, snippet.GetProperty("sourceId").GetInt64());
        var fragments = snippet.GetProperty("fragments").EnumerateArray().Select(f => (Text: f.GetProperty("text").GetString()!, Match: f.GetProperty("match").GetBoolean())).ToList();
        Assert.Equal([word, word], fragments.Where(f => f.Match).Select(f => f.Text));
        var text = string.Concat(fragments.Select(f => f.Text));
        Assert.Contains($"the {word} convoy", text);
        Assert.True(text.Length <= 400, $"{text.Length} characters");
        Assert.True(text.Length < passage.Length / 2, "the snippet is an excerpt, not the passage");

        // Without q there is no snippet, in the list or anywhere else.
        var listed = await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}");
        Assert.False(Assert.Single(listed.GetProperty("items").EnumerateArray()).TryGetProperty("snippet", out _));
        var one = await api.CreateClient().GetJsonAsync($"/claims/{claim.GetProperty("id").GetInt64()}");
        Assert.False(one.TryGetProperty("snippet", out _));
    }

    [Fact]
    public async Task A_claim_found_by_its_subject_name_alone_has_no_snippet()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var word = world.Subject.Split(' ')[^1];
        var found = await api.CreateClient().GetJsonAsync($"/claims?q={word}");
        var item = Assert.Single(found.GetProperty("items").EnumerateArray());
        Assert.False(item.TryGetProperty("snippet", out _));
    }
}
