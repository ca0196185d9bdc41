using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Conflicts;

/// <summary>
/// The judgments a careful editor would sign, one class of mistake at a time, on reports written for these tests. Every
/// report here is INVENTED (outlets, officials, figures and dates alike); each is shaped like a real kind of report: a
/// wire story, a newspaper's copy of it, a government statement, an undated web page.
/// </summary>
public sealed class JudgmentTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private sealed record Report(long Id, string Body);

    private static async Task<Report> ReportAsync(HttpClient curator, string body, string? published, string outlet = "Invented Wire",
        long? republishesSourceId = null, string? republishesAgency = null)
    {
        var source = Samples.Source(body: body + $" [{Samples.Unique()}]", outlet: outlet, published: published);
        if (published is null) source["published"] = null;
        if (republishesSourceId is not null) source["republishesSourceId"] = republishesSourceId;
        if (republishesAgency is not null) source["republishesAgency"] = republishesAgency;
        var created = await curator.CreateSourceAsync(source);
        return new Report(created.GetProperty("id").GetInt64(), body);
    }

    private static object Evidence(Report report, string exact) => new[] { new { sourceId = report.Id, exact } };

    private static object Count(decimal amount, string statedAs) => new { kind = "quantity", amount, unit = "troops", statedAs };

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    private static List<JsonElement> Conflicts(JsonElement claim) => [.. claim.GetProperty("conflicts").EnumerateArray()];

    [Fact]
    public async Task A_count_with_no_valid_time_holds_as_of_its_report_so_reports_years_apart_do_not_conflict()
    {
        var world = await World.CreateAsync(api);
        var old = await ReportAsync(world.Curator, "(Invented) January 2020: the United States has 5,200 troops in Iraq, officials said.", "2020-01-08");
        var recent = await ReportAsync(world.Curator, "(Invented) The US keeps about 2,500 troops in Iraq, a defence official said.", "2024-09-20");
        var weekLater = await ReportAsync(world.Curator, "(Invented) Some 4,000 US troops are in Iraq, a lawmaker said.", "2024-09-27");

        var in2020 = await world.CreateClaimAsync(("validAt", null), ("value", Count(5200, "5,200 troops")), ("evidence", Evidence(old, "5,200 troops")));
        var in2024 = await world.CreateClaimAsync(("validAt", null), ("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = "troops" }),
            ("evidence", Evidence(recent, "about 2,500 troops")));
        var nextWeek = await world.CreateClaimAsync(("validAt", null), ("value", Count(4000, "some 4,000")), ("evidence", Evidence(weekLater, "Some 4,000 US troops")));

        Assert.Equal("published", in2020.GetProperty("asOf").GetProperty("basis").GetString());
        Assert.Equal("2020-01-08", in2020.GetProperty("asOf").GetProperty("start").GetString());
        Assert.DoesNotContain(Conflicts(in2024), c => c.GetProperty("otherClaimId").GetInt64() == Id(in2020));
        var conflict = Assert.Single(Conflicts(nextWeek));
        Assert.Equal(Id(in2024), conflict.GetProperty("otherClaimId").GetInt64());
        Assert.Equal("certain", conflict.GetProperty("certainty").GetString());
    }

    [Fact]
    public async Task An_open_ended_valid_time_is_an_open_ended_as_of_time()
    {
        var world = await World.CreateAsync(api);

        var since = await world.CreateClaimAsync(("validAt", null), ("validFrom", "2013"));
        var until = await world.CreateClaimAsync(("validAt", null), ("validTo", "2019-06"));

        Assert.Equal("2013-01-01", since.GetProperty("asOf").GetProperty("start").GetString());
        Assert.Equal(JsonValueKind.Null, since.GetProperty("asOf").GetProperty("end").ValueKind);
        Assert.Equal(JsonValueKind.Null, until.GetProperty("asOf").GetProperty("start").ValueKind);
        Assert.Equal("2019-06-30", until.GetProperty("asOf").GetProperty("end").GetString());
        Assert.Equal("valid", (await api.CreateClient().GetJsonAsync($"/claims/{Id(until)}")).GetProperty("asOf").GetProperty("basis").GetString());
    }

    [Fact]
    public async Task An_undated_figure_on_an_undated_page_is_only_a_possible_conflict_and_says_why()
    {
        var world = await World.CreateAsync(api);
        var page = await ReportAsync(world.Curator, "(Invented) About us: the mission has 9,000 troops in Iraq.", published: null, outlet: "Invented Mission Page");
        var dated = await ReportAsync(world.Curator, "(Invented) There are 2,500 US troops in Iraq, the Pentagon said.", "2024-09-02");

        await world.CreateClaimAsync(("validAt", null), ("value", Count(2500, "2,500")), ("evidence", Evidence(dated, "2,500 US troops")));
        var undated = await world.CreateClaimAsync(("validAt", null), ("value", Count(9000, "9,000")), ("evidence", Evidence(page, "9,000 troops")));

        Assert.Equal(JsonValueKind.Null, undated.GetProperty("asOf").ValueKind);
        var conflict = Assert.Single(Conflicts(undated));
        Assert.Equal("possible", conflict.GetProperty("certainty").GetString());
        Assert.False(string.IsNullOrWhiteSpace(conflict.GetProperty("certaintyReason").GetString()));
        var certain = await api.CreateClient().GetJsonAsync($"/conflicts?subject={Uri.EscapeDataString(world.Subject)}&certainty=certain");
        Assert.Empty(certain.GetProperty("items").EnumerateArray());
        var possible = await api.CreateClient().GetJsonAsync($"/conflicts?subject={Uri.EscapeDataString(world.Subject)}&certainty=possible");
        Assert.Single(possible.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Deadlines_are_compared_by_the_day_they_fall_due_not_at_the_coarser_precision()
    {
        var world = await World.CreateAsync(api);
        var wire = await ReportAsync(world.Curator,
            "(Invented) The coalition mission will end by September 2026, the ministry said. A spokesman later said it would end by the end of 2026. " +
            "Advisers leave in September 2025; the first phase ends by September 2025.", "2025-03-10");
        (string, object?)[] Deadline(string expression, string exact) =>
            [("property", "deadline"), ("validAt", null), ("value", new { kind = "time", expression }), ("evidence", Evidence(wire, exact))];

        var september = await world.CreateClaimAsync(Deadline("by September 2026", "will end by September 2026"));
        var endOfYear = await world.CreateClaimAsync(Deadline("by the end of 2026", "would end by the end of 2026"));

        var conflict = Assert.Single(Conflicts(endOfYear));
        Assert.Equal(Id(september), conflict.GetProperty("otherClaimId").GetInt64());
        Assert.Equal("time", conflict.GetProperty("rule").GetString());
        var detail = await api.CreateClient().GetJsonAsync($"/conflicts/{conflict.GetProperty("id").GetInt64()}");
        Assert.Contains("fall due on different days", detail.GetProperty("explanation").GetString());

        // "In September 2025" and "by September 2025" fall due at the same end of month: compared, and in agreement.
        var subject2 = $"Invented phase {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(subject2);
        var during = await world.CreateClaimAsync([.. Deadline("in September 2025", "leave in September 2025"), ("subject", subject2)]);
        var by = await world.CreateClaimAsync([.. Deadline("by September 2025", "ends by September 2025"), ("subject", subject2)]);
        Assert.Empty(Conflicts(by));
        var read = await api.CreateClient().GetJsonAsync($"/claims/{Id(by)}");
        Assert.Contains(read.GetProperty("corroboration").GetProperty("agreeing").EnumerateArray(), a => a.GetProperty("claimId").GetInt64() == Id(during));
    }

    [Theory]
    [InlineData("more than 40", 41, null)]
    [InlineData("at least 14", 14, null)]
    [InlineData("dozens", 24, 99)]
    [InlineData("up to 300", null, 300)]
    public async Task Vague_figures_read_by_their_documented_meaning(string expression, int? low, int? high)
    {
        var world = await World.CreateAsync(api);
        var report = await ReportAsync(world.Curator, $"(Invented) Officials said {expression} fighters were detained.", "2024-08-30");
        var subject = $"Invented raid {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(subject);

        var claim = await world.CreateClaimAsync(("subject", subject), ("property", "killed"), ("validAt", null),
            ("value", new { kind = "quantity", expression, unit = "fighters" }), ("evidence", Evidence(report, expression)));

        var value = claim.GetProperty("value");
        Assert.Equal(expression, value.GetProperty("expression").GetString());
        if (low is null) Assert.Equal(JsonValueKind.Null, value.GetProperty("low").ValueKind);
        else Assert.Equal(low.Value, value.GetProperty("low").GetDecimal());
        if (high is null) Assert.Equal(JsonValueKind.Null, value.GetProperty("high").ValueKind);
        else Assert.Equal(high.Value, value.GetProperty("high").GetDecimal());
    }

    [Fact]
    public async Task A_figure_expression_that_cannot_be_read_is_a_422_naming_value_expression()
    {
        var world = await World.CreateAsync(api);
        var response = await world.Curator.PostJsonAsync("/claims", world.Claim(("value", new { kind = "quantity", expression = "a great many, perhaps" })));
        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "value.expression");
    }

    [Fact]
    public async Task A_breakdown_records_its_parts_and_conflicts_only_when_they_add_up_to_more_than_the_whole()
    {
        var world = await World.CreateAsync(api);
        var report = await ReportAsync(world.Curator,
            "(Invented) Seven US personnel were wounded: five in the raid and two injured in falls during the operation. " +
            "A later briefing said four were wounded in the raid.", "2024-08-31");
        var subject = $"Invented raid {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(subject);
        (string, object?)[] Wounded(int amount, string exact, long? partOf = null) =>
            [("subject", subject), ("property", "wounded"), ("validAt", null), ("value", new { kind = "quantity", amount, unit = "people" }),
             ("evidence", Evidence(report, exact)), ("partOf", partOf)];

        var seven = await world.CreateClaimAsync(Wounded(7, "Seven US personnel were wounded"));
        var five = await world.CreateClaimAsync(Wounded(5, "five in the raid", Id(seven)));
        var two = await world.CreateClaimAsync(Wounded(2, "two injured in falls", Id(seven)));

        Assert.Empty(Conflicts(five));
        Assert.Empty(Conflicts(two));
        Assert.Equal(Id(seven), five.GetProperty("partOf").GetInt64());

        // A part over what is left of the whole: 5 + 2 + 4 > 7.
        var four = await world.CreateClaimAsync(Wounded(4, "four were wounded in the raid", Id(seven)));
        var breakdown = Conflicts(four).Where(c => c.GetProperty("rule").GetString() == "breakdown").ToList();
        Assert.Single(breakdown);
        Assert.Equal(Id(seven), breakdown[0].GetProperty("otherClaimId").GetInt64());
    }

    [Fact]
    public async Task An_attribution_chain_counts_its_original_speaker_once_and_anonymous_speakers_stay_apart_until_a_curator_links_them()
    {
        var world = await World.CreateAsync(api);
        var agency = $"Invented Press {Samples.Unique()}";
        var military = $"Invented Command {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(agency);
        await world.Curator.CreateSubjectAsync(military);
        var paper = await ReportAsync(world.Curator, "(Invented) Invented Press, citing the command, said 2,500 troops remain.", "2024-09-19", outlet: "Invented Post");
        var statement = await ReportAsync(world.Curator, "(Invented) Statement: 2,500 troops remain in Iraq.", "2024-09-18", outlet: "Invented Command site");
        var briefing = await ReportAsync(world.Curator, "(Invented) A senior US official said 2,500 troops remain. Another senior US official said 2,500 troops remain.", "2024-09-20");

        var chained = await world.CreateClaimAsync(("value", Count(2500, "2,500 troops")), ("evidence", Evidence(paper, "2,500 troops remain")),
            ("attribution", new object[] { new { subject = agency }, new { subject = military } }));
        await world.CreateClaimAsync(("value", Count(2500, "2,500 troops")), ("evidence", Evidence(statement, "2,500 troops remain")), ("assertedBy", military));

        Assert.Equal(military, chained.GetProperty("assertedBy").GetProperty("name").GetString());
        Assert.Equal([agency, military], chained.GetProperty("attribution").EnumerateArray().Select(v => v.GetProperty("name").GetString()));
        var read = await api.CreateClient().GetJsonAsync($"/claims/{Id(chained)}");
        Assert.Equal(1, read.GetProperty("corroboration").GetProperty("independentSupports").GetInt32());

        var first = await world.CreateClaimAsync(("value", Count(2500, "2,500 troops")), ("evidence", Evidence(briefing, "A senior US official said 2,500 troops remain")),
            ("attribution", new object[] { new { anonymous = "a senior US official" } }));
        var second = await world.CreateClaimAsync(("value", Count(2500, "2,500 troops")), ("evidence", Evidence(briefing, "Another senior US official said 2,500 troops remain")),
            ("attribution", new object[] { new { anonymous = "another senior US official" } }));
        var firstSpeaker = first.GetProperty("assertedBy").GetProperty("id").GetInt64();
        var secondSpeaker = second.GetProperty("assertedBy").GetProperty("id").GetInt64();
        Assert.NotEqual(firstSpeaker, secondSpeaker);
        var before = (await api.CreateClient().GetJsonAsync($"/claims/{Id(first)}")).GetProperty("corroboration").GetProperty("independentSupports").GetInt32();

        var link = new HttpRequestMessage(HttpMethod.Patch, $"/subjects/{secondSpeaker}") { Content = Http.Json($$"""{"sameAs":"{{firstSpeaker}}"}""") };
        var linked = await (await world.Curator.SendAsync(link)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(linked.GetProperty("anonymous").GetBoolean());
        Assert.Equal(firstSpeaker, linked.GetProperty("sameAs").GetProperty("id").GetInt64());
        var after = (await api.CreateClient().GetJsonAsync($"/claims/{Id(first)}")).GetProperty("corroboration").GetProperty("independentSupports").GetInt32();
        Assert.Equal(before - 1, after);
    }

    [Fact]
    public async Task A_wire_copy_speaks_in_the_wire_voice_and_an_outlet_is_the_subject_of_its_name()
    {
        var world = await World.CreateAsync(api);
        var wire = $"Invented Wire Service {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(wire);
        var original = await ReportAsync(world.Curator, "(Invented) BAGHDAD - About 2,500 US troops remain in Iraq, officials said.", "2024-09-18", outlet: wire);
        var copy = await ReportAsync(world.Curator, "(Invented) BAGHDAD (Wire) - About 2,500 US troops remain in Iraq, officials said.", "2024-09-18",
            outlet: "Invented Daily", republishesSourceId: original.Id);
        var credited = await ReportAsync(world.Curator, "(Invented) About 2,500 US troops remain in Iraq, the wire reported.", "2024-09-19",
            outlet: "Invented Gazette", republishesAgency: wire);

        Assert.Equal(original.Id, (await api.CreateClient().GetJsonAsync($"/sources/{copy.Id}")).GetProperty("republishes").GetProperty("sourceId").GetInt64());
        var own = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = "troops" }),
            ("evidence", Evidence(original, "About 2,500 US troops remain")));
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = "troops" }),
            ("evidence", Evidence(copy, "About 2,500 US troops remain")));
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = "troops" }),
            ("evidence", Evidence(credited, "About 2,500 US troops remain")));
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, approximation = "approximate", unit = "troops" }),
            ("evidence", Evidence(credited, "About 2,500 US troops remain")), ("assertedBy", wire));

        var read = await api.CreateClient().GetJsonAsync($"/claims/{Id(own)}");
        var corroboration = read.GetProperty("corroboration");
        Assert.Equal(3, corroboration.GetProperty("sources").GetArrayLength());
        Assert.Equal(1, corroboration.GetProperty("independentSupports").GetInt32());
        Assert.Equal([wire], corroboration.GetProperty("supporters").EnumerateArray().Select(s => s.GetString()));

        var unknown = Samples.Source(body: "(Invented) A copy. " + Samples.Unique());
        unknown["republishesAgency"] = $"No such agency {Samples.Unique()}";
        await (await world.Curator.PostJsonAsync("/sources", unknown)).ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "republishesAgency");
    }

    [Fact]
    public async Task A_figure_look_up_labels_the_claims_that_state_it_and_those_whose_range_only_admits_it()
    {
        var world = await World.CreateAsync(api);
        var unit = $"soldiers-{Samples.Unique()}";
        var report = await ReportAsync(world.Curator, "(Invented) Officials put the force at 2,500 soldiers; a think tank said about 2,400.", "2024-09-21");

        var states = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit }), ("evidence", Evidence(report, "2,500 soldiers")));
        var admits = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2400, approximation = "approximate", unit }),
            ("evidence", Evidence(report, "about 2,400")));

        var figures = await api.CreateClient().GetJsonAsync($"/figures?value=2,500&unit={Uri.EscapeDataString(unit)}");
        var claims = Assert.Single(figures.GetProperty("sources").EnumerateArray()).GetProperty("claims").EnumerateArray().ToList();
        Assert.Equal([Id(states), Id(admits)], claims.Select(c => c.GetProperty("claimId").GetInt64()));
        Assert.Equal(["states", "admits"], claims.Select(c => c.GetProperty("how").GetString()));
    }
}
