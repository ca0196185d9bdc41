using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

public sealed class CreateClaimTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Create_claim_returns_201_with_its_ETag_and_evidence_inline()
    {
        var world = await World.CreateAsync(api);

        var response = await world.Curator.PostJsonAsync("/claims", world.Claim(("status", "verified")));

        var claim = await response.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal($"/claims/{claim.GetProperty("id").GetInt64()}", response.Headers.Location?.OriginalString);
        Assert.Equal("\"v1\"", response.Headers.ETag?.ToString());
        Assert.Equal(world.SubjectId, claim.GetProperty("subject").GetProperty("id").GetInt64());
        Assert.Equal("troops", claim.GetProperty("value").GetProperty("unit").GetString());
        Assert.Equal(2250m, claim.GetProperty("value").GetProperty("low").GetDecimal());
        Assert.Equal(2750m, claim.GetProperty("value").GetProperty("high").GetDecimal());
        Assert.Equal("verified", claim.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, claim.GetProperty("assertedBy").ValueKind);
        var evidence = claim.GetProperty("evidence")[0];
        Assert.Equal("the US has about 2,500 troops in Iraq", evidence.GetProperty("exact").GetString());
        Assert.Equal(world.SourceId, evidence.GetProperty("source").GetProperty("id").GetInt64());
        Assert.Equal("2024-09", evidence.GetProperty("source").GetProperty("published").GetProperty("date").GetString());
    }

    [Fact]
    public async Task Subject_and_asserter_resolve_by_alias_in_any_case()
    {
        var world = await World.CreateAsync(api);

        var claim = await world.CreateClaimAsync(("subject", (world.Subject + " ALIAS").ToLowerInvariant()), ("assertedBy", world.Asserter.ToUpperInvariant()));

        Assert.Equal(world.SubjectId, claim.GetProperty("subject").GetProperty("id").GetInt64());
        Assert.Equal(world.Asserter, claim.GetProperty("assertedBy").GetProperty("name").GetString());
        Assert.Contains($"according to {world.Asserter}", claim.GetProperty("text").GetString());
    }

    [Fact]
    public async Task A_deadline_keeps_its_month_precision_and_modifier()
    {
        var world = await World.CreateAsync(api);

        var claim = await world.CreateClaimAsync(
            ("property", "deadline"),
            ("value", new { kind = "time", date = "2026-09", modifier = "by", statedAs = "complete by September 2026" }),
            ("validAt", null),
            ("evidence", world.Evidence("The withdrawal will be complete by September 2026")));

        var value = claim.GetProperty("value");
        Assert.Equal("2026-09", value.GetProperty("date").GetString());
        Assert.Equal("month", value.GetProperty("precision").GetString());
        Assert.Equal("by", value.GetProperty("modifier").GetString());
        Assert.Contains("by September 2026", claim.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Stance_none_and_unknown_values_are_claims_in_their_own_right()
    {
        var world = await World.CreateAsync(api);

        var denial = await world.CreateClaimAsync(
            ("property", "position"),
            ("value", new { kind = "stance", stance = "denies", proposition = "a withdrawal was discussed" }),
            ("evidence", world.Evidence("“At no point” was a withdrawal discussed")));
        var none = await world.CreateClaimAsync(("value", new { kind = "none", statedAs = "no US troops remain" }));
        var unknown = await world.CreateClaimAsync(("value", new { kind = "unknown" }));

        Assert.Equal("denies", denial.GetProperty("value").GetProperty("stance").GetString());
        Assert.Equal("none", none.GetProperty("value").GetProperty("kind").GetString());
        Assert.Equal(0m, none.GetProperty("value").GetProperty("low").GetDecimal());
        Assert.Equal("unknown", unknown.GetProperty("value").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task The_same_claim_reported_by_a_second_source_gets_a_second_evidence_link()
    {
        var world = await World.CreateAsync(api);
        var claim = await world.CreateClaimAsync();
        var other = await world.Curator.CreateSourceAsync(Samples.Source(published: "2024-10"));
        var id = claim.GetProperty("id").GetInt64();

        var response = await world.Curator.PostJsonAsync($"/claims/{id}/evidence",
            new { sourceId = other.GetProperty("id").GetInt64(), exact = "about 2,500 troops in Iraq" });

        var updated = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, updated.GetProperty("evidence").GetArrayLength());
        Assert.Equal(2, updated.GetProperty("version").GetInt32());
        Assert.Equal("\"v2\"", response.Headers.ETag?.ToString());
        var again = await world.Curator.PostJsonAsync($"/claims/{id}/evidence",
            new { sourceId = other.GetProperty("id").GetInt64(), exact = "about 2,500 troops in Iraq" });
        await again.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task A_claim_can_cite_an_existing_passage_by_id()
    {
        var world = await World.CreateAsync(api);
        var passage = await world.Curator.CreatePassageAsync(world.SourceId, new { exact = "3,000 US troops remained" });

        var claim = await world.CreateClaimAsync(
            ("value", new { kind = "quantity", amount = 3000 }),
            ("evidence", new[] { new { passageId = passage.GetProperty("id").GetInt64() } }));

        Assert.Equal(passage.GetProperty("id").GetInt64(), claim.GetProperty("evidence")[0].GetProperty("passageId").GetInt64());
        Assert.Equal("exact", claim.GetProperty("value").GetProperty("approximation").GetString());
    }

    public static TheoryData<string, string, object?, HttpStatusCode, string> BadClaims => new()
    {
        { "unknown subject", "subject", "Nobody at all", HttpStatusCode.UnprocessableEntity, "subject" },
        { "unknown property", "property", "troop_colour", HttpStatusCode.UnprocessableEntity, "property" },
        { "a date for a troop count", "value", new { kind = "time", date = "2024-09" }, HttpStatusCode.UnprocessableEntity, "value.kind" },
        { "lower bound above upper bound", "value", new { kind = "quantity", lowerBound = 900, upperBound = 200 }, HttpStatusCode.BadRequest, "value.lowerBound" },
        { "negative count", "value", new { kind = "quantity", amount = -3 }, HttpStatusCode.UnprocessableEntity, "value.amount" },
        { "impossible date", "value", new { kind = "time", date = "2024-02-30" }, HttpStatusCode.BadRequest, "value.date" },
        { "unknown value kind", "value", new { kind = "colour" }, HttpStatusCode.BadRequest, "value.kind" },
        { "amount on a text value", "value", new { kind = "text", text = "x", amount = 3 }, HttpStatusCode.BadRequest, "value.amount" },
        { "impossible valid date", "validAt", "2024-13", HttpStatusCode.BadRequest, "validAt" },
        { "no evidence", "evidence", Array.Empty<object>(), HttpStatusCode.BadRequest, "evidence" },
        { "only refuting evidence", "evidence", new[] { new { passageId = 1, stance = "refutes" } }, HttpStatusCode.BadRequest, "evidence" },
        { "evidence from a missing source", "evidence", new[] { new { sourceId = 999999999, exact = "troops" } }, HttpStatusCode.UnprocessableEntity, "evidence[0].sourceId" },
        { "a missing passage", "evidence", new[] { new { passageId = 999999999 } }, HttpStatusCode.UnprocessableEntity, "evidence[0].passageId" },
        { "retracted at birth", "status", "retracted", HttpStatusCode.BadRequest, "status" },
        { "unknown asserter", "assertedBy", "Nobody at all", HttpStatusCode.UnprocessableEntity, "assertedBy" },
    };

    [Theory]
    [MemberData(nameof(BadClaims))]
    public async Task Bad_claims_are_refused_naming_the_field_and_write_nothing(string because, string field, object? value, HttpStatusCode status, string named)
    {
        var world = await World.CreateAsync(api);
        var before = await api.CountRowsAsync();

        var response = await world.Curator.PostJsonAsync("/claims", world.Claim((field, value)));

        var problem = await response.ReadProblemAsync(status, named);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), because);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_quote_not_in_the_source_is_refused_naming_the_evidence_and_writes_nothing()
    {
        var world = await World.CreateAsync(api);
        var before = await api.CountRowsAsync();

        var response = await world.Curator.PostJsonAsync("/claims", world.Claim(("evidence", world.Evidence("the US has about 2,000 troops in Iraq"))));

        var problem = await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "evidence[0].exact");
        Assert.Equal("the US has about 2,500 troops in Iraq", problem.GetProperty("closestMatch").GetProperty("text").GetString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_figure_past_the_largest_is_refused_saying_the_largest_not_the_bounds_it_was_not_sent()
    {
        var world = await World.CreateAsync(api);

        var response = await world.Curator.PostAsync("/claims", Raw(world, "1e16"));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, "value.amount");
        var reasons = string.Join(" ", problem.GetProperty("errors").GetProperty("value.amount").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("must be between -1,000,000,000,000,000 and 1,000,000,000,000,000.", reasons);
    }

    [Theory]
    [InlineData("5e-324")]
    [InlineData("1e-29")]
    [InlineData("1.0000000000000000000000000000001")]
    [InlineData("123456789012345678901234567890")]
    public async Task A_figure_that_cannot_be_stored_exactly_is_refused_naming_it_and_writes_nothing(string figure)
    {
        var world = await World.CreateAsync(api);
        var before = await api.CountRowsAsync();

        var response = await world.Curator.PostAsync("/claims", Raw(world, figure));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, "value.amount");
        Assert.Contains("cannot be stored exactly", problem.GetProperty("errors").GetProperty("value.amount")[0].GetString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Minus_zero_is_read_as_zero_and_small_exact_figures_keep_every_digit()
    {
        var world = await World.CreateAsync(api);

        var zero = await (await world.Curator.PostAsync("/claims", Raw(world, "-0.0"))).ReadJsonAsync(HttpStatusCode.Created);
        var small = await (await world.Curator.PostAsync("/claims", Raw(world, "0.0000000000000000000000000001"))).ReadJsonAsync(HttpStatusCode.Created);

        Assert.Equal("0", zero.GetProperty("value").GetProperty("amount").GetRawText());
        Assert.Equal(0.0000000000000000000000000001m, small.GetProperty("value").GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task A_field_sent_twice_is_refused_naming_it_at_the_top_and_inside_the_value()
    {
        var world = await World.CreateAsync(api);
        var body = JsonSerializer.Serialize(world.Claim(("value", new { kind = "quantity", amount = 7777777 })));

        var top = await world.Curator.PostAsync("/claims", Http.Json(body.Replace("{\"subject\"", "{\"property\":\"killed\",\"subject\"")));
        var inner = await world.Curator.PostAsync("/claims", Http.Json(body.Replace("\"amount\":7777777", "\"amount\":1,\"amount\":2")));

        var problem = await top.ReadProblemAsync(HttpStatusCode.BadRequest, "property");
        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("property")[0].GetString());
        await inner.ReadProblemAsync(HttpStatusCode.BadRequest, "value.amount");
    }

    /// <summary>A claim whose amount is the JSON number literal given, as a client would write it.</summary>
    private static StringContent Raw(World world, string amount) =>
        Http.Json(JsonSerializer.Serialize(world.Claim(("value", new { kind = "quantity", amount = 7777777, statedAs = $"a figure of {amount}" })))
            .Replace("7777777", amount));

    [Fact]
    public async Task Get_claim_that_does_not_exist_returns_404()
    {
        await (await api.CreateClient().GetAsync("/claims/999999999")).ReadProblemAsync(HttpStatusCode.NotFound);
    }
}
