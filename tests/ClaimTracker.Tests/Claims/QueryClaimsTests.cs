using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

public sealed class QueryClaimsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private Task<JsonElement> Get(string url) => api.CreateClient().GetJsonAsync(url);

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    [Fact]
    public async Task Subject_filter_takes_an_id_a_name_or_an_alias()
    {
        var world = await World.CreateAsync(api);
        var claim = Id(await world.CreateClaimAsync());

        Assert.Equal([claim], (await Get($"/claims?subject={world.SubjectId}")).Ids());
        Assert.Equal([claim], (await Get($"/claims?subject={Uri.EscapeDataString(world.Subject.ToUpperInvariant())}")).Ids());
        Assert.Equal([claim], (await Get($"/claims?subject={Uri.EscapeDataString(world.Subject + " alias")}")).Ids());
    }

    [Fact]
    public async Task Include_narrower_adds_the_claims_of_subjects_below()
    {
        var world = await World.CreateAsync(api);
        var child = $"Part of {world.Subject}";
        await world.Curator.CreateSubjectAsync(child, broader: world.Subject);
        var top = Id(await world.CreateClaimAsync());
        var below = Id(await world.CreateClaimAsync(("subject", child)));

        Assert.Equal([top], (await Get($"/claims?subject={world.SubjectId}")).Ids());
        Assert.Equal([top, below], (await Get($"/claims?subject={world.SubjectId}&include_narrower=true")).Ids());
    }

    [Fact]
    public async Task Property_source_and_asserter_filters_combine()
    {
        var world = await World.CreateAsync(api);
        var other = await World.CreateAsync(api);
        var ownVoice = Id(await world.CreateClaimAsync());
        var asserted = Id(await world.CreateClaimAsync(("assertedBy", world.Asserter)));
        var wounded = Id(await world.CreateClaimAsync(("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }),
            ("evidence", world.Evidence("Seven US troops were wounded"))));
        var elsewhere = Id(await world.CreateClaimAsync(("evidence", other.Evidence("the US has about 2,500 troops in Iraq"))));

        var s = world.SubjectId;
        Assert.Equal([ownVoice, asserted, elsewhere], (await Get($"/claims?subject={s}&property=troop_count")).Ids());
        Assert.Equal([ownVoice, asserted, wounded], (await Get($"/claims?subject={s}&source={world.SourceId}")).Ids());
        Assert.Equal([asserted], (await Get($"/claims?subject={s}&asserted_by={Uri.EscapeDataString(world.Asserter)}")).Ids());
        Assert.Equal([ownVoice, wounded, elsewhere], (await Get($"/claims?subject={s}&asserted_by=source")).Ids());
        Assert.Equal([ownVoice], (await Get($"/claims?subject={s}&asserted_by=source&property=troop_count&source={world.SourceId}")).Ids());
    }

    /// <summary>
    /// Invented reports: a wire says "2,500 US soldiers", a ministry "2,500 service members", a newspaper "2,500 troops",
    /// and a monitor "2,500 civilians". A reader asking for troops means the first three, as the conflict rules do.
    /// </summary>
    [Fact]
    public async Task Unit_filters_match_a_unit_by_its_key_singular_plural_and_synonyms_but_not_other_units()
    {
        var world = await World.CreateAsync(api);
        long Claim(JsonElement c) => Id(c);
        var soldiers = Claim(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit = "soldiers" })));
        var members = Claim(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit = "Service Members" })));
        var troops = Claim(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit = "troops" })));
        var civilians = Claim(await world.CreateClaimAsync(("property", "killed"), ("value", new { kind = "quantity", amount = 2500, unit = "civilians" })));

        foreach (var asked in new[] { "troops", "troop", "Soldier", "personnel" })
        {
            Assert.Equal([soldiers, members, troops], (await Get($"/claims?subject={world.SubjectId}&unit={asked}")).Ids());
            var figure = await Get($"/figures?value=2500&unit={asked}");
            var found = figure.GetProperty("sources").EnumerateArray()
                .SelectMany(s => s.GetProperty("claims").EnumerateArray().Select(c => c.GetProperty("claimId").GetInt64())).ToHashSet();
            Assert.Superset(new HashSet<long> { soldiers, members, troops }, found);
            Assert.DoesNotContain(civilians, found);
        }
        Assert.Equal([civilians], (await Get($"/claims?subject={world.SubjectId}&unit=civilian")).Ids());
    }

    [Fact]
    public async Task Status_rank_and_best_filters()
    {
        var world = await World.CreateAsync(api);
        var draft = Id(await world.CreateClaimAsync());
        var preferred = Id(await world.CreateClaimAsync(("status", "verified"), ("rank", "preferred"), ("value", new { kind = "quantity", amount = 2500 }),
            ("evidence", world.Evidence("2,500 exactly"))));
        var deprecated = Id(await world.CreateClaimAsync(("rank", "deprecated"), ("value", new { kind = "quantity", amount = 3000 }),
            ("evidence", world.Evidence("3,000 US troops remained"))));

        var s = world.SubjectId;
        Assert.Equal([preferred], (await Get($"/claims?subject={s}&status=verified")).Ids());
        Assert.Equal([draft, deprecated], (await Get($"/claims?subject={s}&status=draft")).Ids());
        Assert.Equal([deprecated], (await Get($"/claims?subject={s}&rank=deprecated")).Ids());
        Assert.Equal([preferred], (await Get($"/claims?subject={s}&best=true")).Ids());
    }

    [Fact]
    public async Task Value_filters_count_bounds_and_approximation()
    {
        var world = await World.CreateAsync(api);
        var about = Id(await world.CreateClaimAsync());
        var exact = Id(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained"))));
        var hundreds = Id(await world.CreateClaimAsync(("property", "attack_count"),
            ("value", new { kind = "quantity", approximation = "range", lowerBound = 200, upperBound = 999, statedAs = "Hundreds of attacks" }),
            ("evidence", world.Evidence("Hundreds of attacks targeted US bases"))));

        var atLeast = Id(await world.CreateClaimAsync(("property", "attack_count"),
            ("value", new { kind = "quantity", approximation = "at_least", amount = 200, statedAs = "Hundreds of attacks" }),
            ("evidence", world.Evidence("Hundreds of attacks"))));

        var s = world.SubjectId;
        Assert.Equal([about], (await Get($"/claims?subject={s}&value=2,700")).Ids());
        Assert.Equal([hundreds], (await Get($"/claims?subject={s}&value=300")).Ids());
        // "At least 200" states 200, not every larger figure it allows.
        Assert.Equal([hundreds, atLeast], (await Get($"/claims?subject={s}&value=200")).Ids());
        Assert.Empty((await Get($"/claims?subject={s}&value=5000")).Ids());
        Assert.Equal([about, exact], (await Get($"/claims?subject={s}&value_min=2700&unit=TROOPS")).Ids());
        Assert.Equal([exact], (await Get($"/claims?subject={s}&value_min=2800&unit=troops")).Ids());
        Assert.Equal([about, hundreds, atLeast], (await Get($"/claims?subject={s}&value_max=2300")).Ids());
    }

    [Fact]
    public async Task Time_range_matches_valid_time_and_time_values_at_their_precision()
    {
        var world = await World.CreateAsync(api);
        var september = Id(await world.CreateClaimAsync(("validAt", "2024-09")));
        var raid = Id(await world.CreateClaimAsync(("property", "event_date"), ("value", new { kind = "time", date = "2024-08-29" }), ("validAt", null),
            ("evidence", world.Evidence("a raid on August 29"))));
        var undated = Id(await world.CreateClaimAsync(("validAt", null)));

        var s = world.SubjectId;
        Assert.Equal([september], (await Get($"/claims?subject={s}&from=2024-09-15&to=2024-09-15")).Ids());
        Assert.Equal([raid], (await Get($"/claims?subject={s}&from=2024-08&to=2024-08")).Ids());
        Assert.Equal([september, raid], (await Get($"/claims?subject={s}&from=2024")).Ids());
        Assert.DoesNotContain(undated, (await Get($"/claims?subject={s}&to=2030")).Ids());
    }

    [Fact]
    public async Task Full_text_search_covers_passages_and_ranks_the_best_first()
    {
        var world = await World.CreateAsync(api);
        var word = $"zq{Samples.Unique()}";
        var inNote = Id(await world.CreateClaimAsync(("note", word)));
        var inPassage = Id(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("evidence", world.Evidence("3,000 US troops remained")),
            ("location", word)));
        var elsewhere = Id(await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500 }), ("evidence", world.Evidence("2,500 exactly"))));

        var found = await Get($"/claims?subject={world.SubjectId}&q={word}");
        var byPassage = await Get($"/claims?subject={world.SubjectId}&q=remained");

        Assert.Equal([inPassage, inNote], found.Ids());
        Assert.Equal([inPassage], byPassage.Ids());
        Assert.DoesNotContain(elsewhere, found.Ids());
    }

    [Fact]
    public async Task Keyset_pages_cover_every_claim_once_in_each_sort()
    {
        var world = await World.CreateAsync(api);
        var ids = new List<long>();
        for (var i = 0; i < 5; i++) ids.Add(Id(await world.CreateClaimAsync(("note", $"troops page {i}"))));

        async Task<List<long>> Walk(string query)
        {
            var seen = new List<long>();
            string? cursor = null;
            do
            {
                var page = await Get($"/claims?subject={world.SubjectId}&limit=2&{query}" + (cursor is null ? "" : $"&cursor={cursor}"));
                seen.AddRange(page.Ids());
                cursor = page.GetProperty("nextCursor").GetString();
            } while (cursor is not null);
            return seen;
        }

        Assert.Equal(ids, await Walk("sort=id"));
        Assert.Equal(Enumerable.Reverse(ids), await Walk("sort=recent"));
        Assert.Equal(ids.Order(), (await Walk("q=troops")).Order());
    }

    [Fact]
    public async Task Facets_count_the_whole_filtered_set_per_value()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        await world.CreateClaimAsync(("assertedBy", world.Asserter));
        await world.CreateClaimAsync(("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }), ("evidence", world.Evidence("Seven US troops were wounded")));

        var page = await Get($"/claims?subject={world.SubjectId}&limit=1&facet=property&facet=asserted_by&facet=source");

        var facets = page.GetProperty("facets");
        var properties = facets.GetProperty("property").EnumerateArray().ToDictionary(f => f.GetProperty("value").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(2, properties["troop_count"]);
        Assert.Equal(1, properties["wounded"]);
        var asserters = facets.GetProperty("asserted_by").EnumerateArray().ToDictionary(f => f.GetProperty("label").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(2, asserters["the source's own voice"]);
        Assert.Equal(1, asserters[world.Asserter]);
        Assert.Equal(3, facets.GetProperty("source")[0].GetProperty("count").GetInt64());
        Assert.Single(page.Ids());
    }

    [Theory]
    [InlineData("value=lots", "value")]
    [InlineData("value_min=5&value_max=1", "value_min")]
    [InlineData("value_max=1e9999", "value_max")]
    [InlineData("from=2024-02-30", "from")]
    [InlineData("from=2025&to=2024", "from")]
    [InlineData("to=soon", "to")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("cursor=eyJJZCI6Ind1dCJ9", "cursor")]
    [InlineData("limit=500", "limit")]
    [InlineData("status=gone", "status")]
    [InlineData("rank=best", "rank")]
    [InlineData("sort=colour", "sort")]
    [InlineData("sort=relevance", "sort")]
    [InlineData("facet=colour", "facet")]
    [InlineData("subject=Nobody%20at%20all", "subject")]
    [InlineData("property=troop_colour", "property")]
    [InlineData("asserted_by=Nobody%20at%20all", "asserted_by")]
    [InlineData("source=abc", "source")]
    [InlineData("best=perhaps", "best")]
    public async Task Malformed_filters_return_400_naming_the_parameter(string query, string field)
    {
        await (await api.CreateClient().GetAsync($"/claims?{query}")).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Subjects_and_properties_are_listed_with_their_claim_counts()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        await world.CreateClaimAsync();

        var subjects = await Get($"/subjects?name={Uri.EscapeDataString(world.Subject + " alias")}");
        var properties = await api.CreateClient().GetJsonAsync("/properties");

        Assert.Equal(2, subjects.GetProperty("items")[0].GetProperty("claimCount").GetInt64());
        Assert.Contains(properties.EnumerateArray(), p => p.GetProperty("key").GetString() == "troop_count" && p.GetProperty("claimCount").GetInt64() >= 2);
    }
}

/// <summary>Relevance ranks the newest matches only, a number low enough here to pass.</summary>
public sealed class RelevanceCapTests(RelevanceCapTests.Factory api) : IClassFixture<RelevanceCapTests.Factory>
{
    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings => [("ClaimTracker:RelevanceCandidates", "3")];
    }

    private Task<JsonElement> Get(string url) => api.CreateClient().GetJsonAsync(url);

    [Fact]
    public async Task An_unselective_term_ranks_the_newest_matches_says_so_and_still_counts_and_lists_them_all()
    {
        var world = await World.CreateAsync(api);
        var word = $"zq{Samples.Unique()}";
        var rare = $"zr{Samples.Unique()}";
        // The oldest two claims are the most relevant (the word three times); the newest three mention it once.
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var note = i < 2 ? $"{word} {word} {word} {rare}" : word;
            ids.Add((await world.CreateClaimAsync(("note", note))).GetProperty("id").GetInt64());
        }

        var ranked = await Get($"/claims?subject={world.SubjectId}&q={word}&facet=subject");
        Assert.Equal(3, ranked.GetProperty("relevance").GetProperty("ranked").GetInt32());
        Assert.False(ranked.GetProperty("relevance").GetProperty("allMatches").GetBoolean());
        Assert.Equal(ids[2..].Order(), ranked.Ids().Order());
        Assert.Equal(5, ranked.GetProperty("facets").GetProperty("subject")[0].GetProperty("count").GetInt64());

        // Paging by relevance stays within the ranked claims; the id sort lists every match.
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await Get($"/claims?subject={world.SubjectId}&q={word}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.Ids());
            cursor = page.GetProperty("nextCursor").GetString();
        } while (cursor is not null);
        Assert.Equal(ids[2..].Order(), seen.Order());
        var byId = await Get($"/claims?subject={world.SubjectId}&q={word}&sort=id");
        Assert.Equal(ids, byId.Ids());
        Assert.Equal(JsonValueKind.Null, byId.GetProperty("relevance").ValueKind);

        // A term that matches no more claims than are ranked ranks them all.
        var selective = await Get($"/claims?subject={world.SubjectId}&q={rare}");
        Assert.Equal(2, selective.GetProperty("relevance").GetProperty("ranked").GetInt32());
        Assert.True(selective.GetProperty("relevance").GetProperty("allMatches").GetBoolean());
        Assert.Equal(ids[..2].Order(), selective.Ids().Order());
    }
}
