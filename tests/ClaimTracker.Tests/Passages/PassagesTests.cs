using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Passages;

public sealed class PassagesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Body =
        "Officials said the US has about 2,500 troops in Iraq. Al-Sudani’s office disagreed. " +
        "The US has about 2,500 troops in Iraq, a spokesman repeated.";

    private async Task<(HttpClient Curator, long SourceId)> SourceAsync(string? body = null)
    {
        var curator = await api.CuratorClientAsync();
        var source = await curator.CreateSourceAsync(Samples.Source(body: (body ?? Body) + $" [{Samples.Unique()}]"));
        return (curator, source.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Offsets_give_the_quote_with_32_code_points_of_context()
    {
        var (curator, id) = await SourceAsync();
        var start = Body.IndexOf("Al-Sudani", StringComparison.Ordinal);

        var passage = await curator.CreatePassageAsync(id, new { start, end = start + "Al-Sudani’s office disagreed.".Length });

        Assert.Equal("Al-Sudani’s office disagreed.", passage.GetProperty("exact").GetString());
        Assert.Equal(Body[(start - 32)..start], passage.GetProperty("prefix").GetString());
        Assert.Equal(Body[(start + 29)..(start + 61)], passage.GetProperty("suffix").GetString());
        Assert.Equal(1, passage.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task A_quote_gives_offsets_counted_in_code_points()
    {
        // Two emoji outside the Basic Multilingual Plane: two code points, four UTF-16 units.
        var (curator, id) = await SourceAsync("🇮🇶 Baghdad: seven US troops were wounded.");

        var passage = await curator.CreatePassageAsync(id, new { exact = "seven US troops were wounded" });

        Assert.Equal(12, passage.GetProperty("start").GetInt32());
        Assert.Equal(40, passage.GetProperty("end").GetInt32());
        Assert.Equal("🇮🇶 Baghdad: ", passage.GetProperty("prefix").GetString());
    }

    [Fact]
    public async Task A_straight_apostrophe_does_not_match_a_typographic_one_and_the_closest_match_is_given()
    {
        var (curator, id) = await SourceAsync();
        var before = await api.CountRowsAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { exact = "Al-Sudani's office disagreed." });

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "exact");
        var closest = problem.GetProperty("closestMatch");
        Assert.Equal("Al-Sudani’s office disagreed.", closest.GetProperty("text").GetString());
        Assert.Equal(1, closest.GetProperty("distance").GetInt32());
        Assert.Equal(Body.IndexOf("Al-Sudani", StringComparison.Ordinal), closest.GetProperty("start").GetInt32());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_quote_found_twice_without_context_returns_422_listing_both_candidates()
    {
        var (curator, id) = await SourceAsync();
        var before = await api.CountRowsAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { exact = "about 2,500 troops in Iraq" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "exact");
        var starts = problem.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("start").GetInt32()).ToArray();
        Assert.Equal([Body.IndexOf("about 2,500", StringComparison.Ordinal), Body.LastIndexOf("about 2,500", StringComparison.Ordinal)], starts);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_suffix_chooses_between_repeats_of_a_quote()
    {
        var (curator, id) = await SourceAsync();

        var passage = await curator.CreatePassageAsync(id, new { exact = "about 2,500 troops in Iraq", suffix = ", a spokesman" });

        Assert.Equal(Body.LastIndexOf("about 2,500", StringComparison.Ordinal), passage.GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task A_prefix_that_fits_no_occurrence_returns_422_naming_prefix()
    {
        var (curator, id) = await SourceAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { exact = "about 2,500 troops in Iraq", prefix = "nobody said " });

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "prefix");
        Assert.Equal(2, problem.GetProperty("candidates").GetArrayLength());
    }

    [Theory]
    [InlineData(-1, 5, "start")]
    [InlineData(0, 100000, "end")]
    [InlineData(10, 10, "end")]
    [InlineData(10, 4, "end")]
    public async Task Offsets_outside_the_text_or_reversed_return_422(int start, int end, string field)
    {
        var (curator, id) = await SourceAsync();
        var before = await api.CountRowsAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { start, end });

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, field);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Offsets_and_a_quote_that_disagree_return_422_naming_exact()
    {
        var (curator, id) = await SourceAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { start = 0, end = 9, exact = "Nobody said" });

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "exact");
    }

    [Theory]
    [InlineData("""{}""", "exact")]
    [InlineData("""{"start":3}""", "end")]
    [InlineData("""{"exact":""}""", "exact")]
    [InlineData("""{"exact":"x","start":"3"}""", "start")]
    [InlineData("""{"exact":"x","selector":"TextQuoteSelector"}""", "selector")]
    public async Task Malformed_selectors_return_400_naming_the_field(string json, string field)
    {
        var (curator, id) = await SourceAsync();

        var response = await curator.PostAsync($"/sources/{id}/passages", Http.Json(json));

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_passage_in_a_missing_source_returns_404_problem()
    {
        var curator = await api.CuratorClientAsync();

        var response = await curator.PostJsonAsync("/sources/999999999/passages", new { exact = "troops" });

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_same_span_twice_returns_409_naming_the_existing_passage()
    {
        var (curator, id) = await SourceAsync();
        var first = await curator.CreatePassageAsync(id, new { exact = "Al-Sudani’s office disagreed." });
        var before = await api.CountRowsAsync();

        var response = await curator.PostJsonAsync($"/sources/{id}/passages", new { start = first.GetProperty("start").GetInt32(), end = first.GetProperty("end").GetInt32() });

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(first.GetProperty("id").GetInt64(), problem.GetProperty("existingPassageId").GetInt64());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Passages_are_listed_in_text_order_and_readable_one_by_one()
    {
        var (curator, id) = await SourceAsync();
        var late = await curator.CreatePassageAsync(id, new { exact = "a spokesman repeated" });
        var early = await curator.CreatePassageAsync(id, new { exact = "Officials said" });
        var middle = await curator.CreatePassageAsync(id, new { exact = "Al-Sudani’s office" });

        var first = await (await api.CreateClient().GetAsync($"/sources/{id}/passages?limit=2")).ReadJsonAsync(HttpStatusCode.OK);
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await (await api.CreateClient().GetAsync($"/sources/{id}/passages?limit=2&cursor={cursor}")).ReadJsonAsync(HttpStatusCode.OK);
        var one = await (await api.CreateClient().GetAsync($"/passages/{middle.GetProperty("id").GetInt64()}")).ReadJsonAsync(HttpStatusCode.OK);

        long[] Ids(JsonElement page) => [.. page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64())];
        Assert.Equal([early.GetProperty("id").GetInt64(), middle.GetProperty("id").GetInt64()], Ids(first));
        Assert.Equal([late.GetProperty("id").GetInt64()], Ids(second));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        Assert.Equal("Al-Sudani’s office", one.GetProperty("exact").GetString());
        Assert.Equal(id, one.GetProperty("source").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Reading_passages_of_a_missing_source_or_a_missing_passage_returns_404()
    {
        await (await api.CreateClient().GetAsync("/sources/999999999/passages")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().GetAsync("/passages/999999999")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().GetAsync("/passages/x")).ReadProblemAsync(HttpStatusCode.BadRequest, "id");
    }
}
