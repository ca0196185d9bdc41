using System.Net;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Seeds;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaimTracker.Tests.Seeds;

/// <summary>What the seed corpus must show: its claims, the figure look-up, the conflict and the corroborations.</summary>
public sealed class SeedCorpusTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string April = "No Sign of US Withdrawal from Iraq After PM Visits Washington";
    private const string September = "Iraqi PM Says End Date for US-Led Anti-ISIS Coalition Will Be Announced Soon";

    private Task<JsonElement> Get(string url) => api.CreateClient().GetJsonAsync(url);

    private async Task<JsonElement> SeedClaimAsync(string subject, string property, string? assertedBy = null)
    {
        var query = $"/claims?subject={Uri.EscapeDataString(subject)}&property={property}" + (assertedBy is null ? "&asserted_by=source" : $"&asserted_by={Uri.EscapeDataString(assertedBy)}");
        return Assert.Single((await Get(query)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Both_articles_are_curated_with_thirty_or_more_claims_each_with_its_passage()
    {
        var page = await Get("/claims?limit=200&facet=source");

        var claims = page.GetProperty("items").EnumerateArray().ToList();
        Assert.True(claims.Count >= 30, $"{claims.Count} seed claims");
        Assert.All(claims, c => Assert.NotEmpty(c.GetProperty("evidence").EnumerateArray()));
        var perSource = page.GetProperty("facets").GetProperty("source").EnumerateArray().ToDictionary(f => f.GetProperty("label").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.True(perSource[April] >= 15 && perSource[September] >= 15, string.Join(", ", perSource));
    }

    [Fact]
    public async Task The_figure_2500_is_supported_by_both_seed_articles_with_their_passages()
    {
        var figure = await Get("/figures?value=2500");

        var sources = figure.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal([April, September], sources.Select(s => s.GetProperty("source").GetProperty("title").GetString()));
        Assert.Equal("The US has about 2,500 troops in Iraq", sources[0].GetProperty("claims")[0].GetProperty("passages")[0].GetProperty("exact").GetString());
        Assert.Equal("the 2,500 troops it has in Iraq", sources[1].GetProperty("claims")[0].GetProperty("passages")[0].GetProperty("exact").GetString());
        var hundreds = await Get("/figures?value=300");
        Assert.Contains(hundreds.GetProperty("sources").EnumerateArray().SelectMany(s => s.GetProperty("claims").EnumerateArray()),
            c => c.GetProperty("value").GetProperty("statedAs").GetString() == "Hundreds of attacks");
    }

    [Fact]
    public async Task The_State_Department_denial_conflicts_with_the_Reuters_withdrawal_plan()
    {
        var denial = await SeedClaimAsync("US withdrawal from Iraq", "position", "US State Department");
        var plan = await SeedClaimAsync("US withdrawal from Iraq", "position", "Reuters");

        var conflict = Assert.Single(denial.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(plan.GetProperty("id").GetInt64(), conflict.GetProperty("otherClaimId").GetInt64());
        var detail = await Get(conflict.GetProperty("href").GetString()!);
        Assert.Equal("stance", detail.GetProperty("rule").GetString());
        Assert.Equal("between_reports", detail.GetProperty("scope").GetString());
        Assert.Contains(detail.GetProperty("claims").EnumerateArray(), c => c.GetProperty("evidence")[0].GetProperty("exact").GetString()!.Contains("“at no point”"));
        Assert.Contains(detail.GetProperty("id").GetInt64(), (await Get("/conflicts?status=open")).Ids());
    }

    [Fact]
    public async Task About_2500_troops_in_April_and_2500_in_September_are_counts_as_of_their_reports_not_one_fact()
    {
        var april = await SeedClaimAsync("US forces in Iraq", "troop_count");

        var read = await Get($"/claims/{april.GetProperty("id").GetInt64()}");

        // A troop count changes over time: the April report's count holds as of April 2024 (its publication), the
        // September report's as of September, further apart than the property's window, so the two neither agree
        // nor conflict; the figure look-up still lists both reports for 2,500.
        Assert.Equal("published", read.GetProperty("asOf").GetProperty("basis").GetString());
        Assert.Equal("2024-04-01", read.GetProperty("asOf").GetProperty("start").GetString());
        Assert.Empty(read.GetProperty("corroboration").GetProperty("agreeing").EnumerateArray());
        Assert.Equal(1, read.GetProperty("corroboration").GetProperty("independentSupports").GetInt32());
        Assert.Empty(read.GetProperty("conflicts").EnumerateArray());
    }

    [Fact]
    public async Task Three_soldiers_killed_at_Tower_22_is_one_claim_reported_by_both_articles()
    {
        var killed = await SeedClaimAsync("Tower 22 drone attack", "killed");

        Assert.Equal(3m, killed.GetProperty("value").GetProperty("amount").GetDecimal());
        Assert.Equal([April, September], killed.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("source").GetProperty("title").GetString()));
        var read = await Get($"/claims/{killed.GetProperty("id").GetInt64()}");
        Assert.Equal(2, read.GetProperty("corroboration").GetProperty("sources").GetArrayLength());
    }

    [Fact]
    public async Task The_timeline_of_the_US_presence_in_Iraq_lists_the_seed_events_in_order_at_their_precision()
    {
        var timeline = await Get("/timeline?subject=US%20military%20presence%20in%20Iraq&limit=200");

        var items = timeline.GetProperty("items").EnumerateArray()
            .Select(i => (Date: i.GetProperty("when").GetProperty("date").GetString()!, Precision: i.GetProperty("when").GetProperty("precision").GetString()!))
            .ToList();
        Assert.Equal(items.OrderBy(i => i.Date, StringComparer.Ordinal).ToList(), items);
        Assert.Contains(("2014", "year"), items);
        Assert.Contains(("2020", "year"), items);
        Assert.Contains(("2024-01", "month"), items);
        Assert.Contains(("2024-08-29", "day"), items);
        Assert.Contains(("2026-09", "month"), items);
        var deadlines = await api.CreateClient().GetJsonAsync("/deadlines?as_of=2026-11-24&subject=US%20withdrawal%20from%20Iraq");
        Assert.All(deadlines.EnumerateArray(), d => Assert.Equal("past_due", d.GetProperty("status").GetString()));
        Assert.Equal(2, deadlines.GetArrayLength());
    }

    [Fact]
    public async Task Loading_the_seeds_again_changes_nothing()
    {
        var before = await api.CountRowsAsync();

        await SeedLoader.LoadAsync(api.Db, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_quote_not_in_its_article_stops_loading_with_the_file_and_line()
    {
        const string yaml = """
            subjects: []
            claims:
              - subject: US forces in Iraq
                property: troop_count
                value: {kind: quantity, amount: 2500}
                evidence:
                  - exact: "The US has about 2,500 troops in Iraq"
              - subject: US forces in Iraq
                property: troop_count
                value: {kind: quantity, amount: 2000}
                evidence:
                  - exact: "The US has about 2,000 troops in Iraq"
            """;
        var source = await (await api.CuratorClientAsync()).CreateSourceAsync(Samples.Source(body: $"The US has about 2,500 troops in Iraq. {Samples.Unique()}"));
        await using var connection = await api.Db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var curator = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "select id from curators limit 1");

        var error = await Assert.ThrowsAsync<SeedException>(() => SeedClaims.LoadAsync(
            new WriteContext(connection, tx, curator, CancellationToken.None), "seeds/claims/test.yaml", yaml, source.GetProperty("id").GetInt64(), []));

        Assert.StartsWith("seeds/claims/test.yaml, line 8:", error.Message);
        Assert.Contains("evidence[0].exact", error.Message);
    }
}
