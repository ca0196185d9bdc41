using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Sources;

public sealed class ReadSourcesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_seed_articles_are_listed_with_month_precision_dates()
    {
        var page = await (await api.CreateClient().GetAsync("/sources?outlet=antiwar.com")).ReadJsonAsync(HttpStatusCode.OK);

        var seeds = page.GetProperty("items").EnumerateArray()
            .Where(s => s.GetProperty("createdBy").GetString() == "seed")
            .ToDictionary(s => s.GetProperty("title").GetString()!, s => s.GetProperty("published").GetProperty("date").GetString());
        Assert.Equal("2024-04", seeds["No Sign of US Withdrawal from Iraq After PM Visits Washington"]);
        Assert.Equal("2024-09", seeds["Iraqi PM Says End Date for US-Led Anti-ISIS Coalition Will Be Announced Soon"]);
    }

    [Fact]
    public async Task Keyset_pagination_returns_every_source_once_in_order()
    {
        var curator = await api.CuratorClientAsync();
        var outlet = $"Pager {Samples.Unique()}";
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add((await curator.CreateSourceAsync(Samples.Source(outlet: outlet))).GetProperty("id").GetInt64());

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = $"/sources?outlet={Uri.EscapeDataString(outlet)}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await api.CreateClient().GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK);
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        } while (cursor is not null);

        Assert.Equal(ids, seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Outlet_filter_ignores_case()
    {
        var curator = await api.CuratorClientAsync();
        var outlet = $"Case Wire {Samples.Unique()}";
        var created = await curator.CreateSourceAsync(Samples.Source(outlet: outlet));

        var page = await (await api.CreateClient().GetAsync($"/sources?outlet={Uri.EscapeDataString(outlet.ToUpperInvariant())}")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal([created.GetProperty("id").GetInt64()], page.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Published_range_matches_sources_whose_period_overlaps_it()
    {
        var curator = await api.CuratorClientAsync();
        var outlet = $"Range Wire {Samples.Unique()}";
        var september = (await curator.CreateSourceAsync(Samples.Source(outlet: outlet, published: "2024-09"))).GetProperty("id").GetInt64();
        var day = (await curator.CreateSourceAsync(Samples.Source(outlet: outlet, published: "2024-09-18"))).GetProperty("id").GetInt64();
        var year = (await curator.CreateSourceAsync(Samples.Source(outlet: outlet, published: "2023"))).GetProperty("id").GetInt64();

        async Task<long[]> Ids(string query) =>
            [.. (await (await api.CreateClient().GetAsync($"/sources?outlet={Uri.EscapeDataString(outlet)}&{query}")).ReadJsonAsync(HttpStatusCode.OK))
                .GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetInt64())];

        Assert.Equal([september, day], await Ids("published_from=2024-09-18&published_to=2024-09-18"));
        Assert.Equal([september], await Ids("published_from=2024-09-20"));
        Assert.Equal([year], await Ids("published_to=2024-08"));
        Assert.Equal([september, day, year], await Ids("published_from=2023-12-31"));
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("cursor=eyJ4IjoxfQ", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("published_from=2024-13", "published_from")]
    [InlineData("published_to=yesterday", "published_to")]
    [InlineData("published_from=2024-09&published_to=2024-08", "published_from")]
    public async Task Malformed_list_parameters_return_400_naming_the_parameter(string query, string field)
    {
        var response = await api.CreateClient().GetAsync($"/sources?{query}");

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Get_source_returns_metadata_text_and_counts()
    {
        var curator = await api.CuratorClientAsync();
        var source = await curator.CreateSourceAsync();
        var id = source.GetProperty("id").GetInt64();
        await curator.CreatePassageAsync(id, new { exact = "about 2,500 troops" });

        var read = await (await api.CreateClient().GetAsync($"/sources/{id}")).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(source.GetProperty("body").GetString(), read.GetProperty("body").GetString());
        Assert.Equal(1, read.GetProperty("passageCount").GetInt64());
        Assert.Equal(0, read.GetProperty("claimCount").GetInt64());
        Assert.Equal(1, read.GetProperty("revision").GetProperty("number").GetInt32());
        Assert.Equal(JsonValueKind.Array, read.GetProperty("authors").ValueKind);
    }

    [Fact]
    public async Task Get_source_that_does_not_exist_returns_404_problem()
    {
        var problem = await (await api.CreateClient().GetAsync("/sources/999999999")).ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.Contains("999999999", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/sources/abc")]
    [InlineData("/sources/1.5")]
    [InlineData("/sources/99999999999999999999")]
    public async Task Get_source_with_an_id_that_is_not_an_id_returns_400_naming_it(string url)
    {
        await (await api.CreateClient().GetAsync(url)).ReadProblemAsync(HttpStatusCode.BadRequest, "id");
    }
}
