using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Reconciled;

/// <summary>
/// What the reports say a figure is, over reports written for these tests. Every report here is INVENTED (outlets,
/// officials and figures alike), shaped like real kinds of report: independent newspapers, a wire story and a copy of it.
/// </summary>
public sealed class ReconciledTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private sealed record Report(long Id, string Body);

    private static async Task<Report> ReportAsync(HttpClient curator, string body, string published, string outlet, long? republishesSourceId = null)
    {
        var source = Samples.Source(body: body + $" [{Samples.Unique()}]", outlet: $"{outlet} {Samples.Unique()}", published: published);
        if (republishesSourceId is not null) source["republishesSourceId"] = republishesSourceId;
        var created = await curator.CreateSourceAsync(source);
        return new Report(created.GetProperty("id").GetInt64(), body);
    }

    private static (string, object?)[] Troops(Report report, string exact, decimal amount, string validAt = "2024-09", bool about = false) =>
    [
        ("validAt", validAt),
        ("value", about
            ? new { kind = "quantity", amount, unit = "troops", approximation = "approximate", statedAs = exact }
            : (object)new { kind = "quantity", amount, unit = "troops", statedAs = exact }),
        ("evidence", new[] { new { sourceId = report.Id, exact } }),
    ];

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    private Task<JsonElement> ReconciledAsync(World world, string query = "") =>
        api.CreateClient().GetJsonAsync($"/reconciled?subject={Uri.EscapeDataString(world.Subject)}&property=troop_count{query}");

    private static decimal Amount(JsonElement figure) => figure.GetProperty("amount").GetDecimal();

    private static int Voices(JsonElement figure) => figure.GetProperty("voiceCount").GetInt32();

    private static long[] ClaimsOf(JsonElement figure) =>
        [.. figure.GetProperty("passages").EnumerateArray().Select(p => p.GetProperty("claimId").GetInt64()).Distinct().Order()];

    [Fact]
    public async Task Independent_reports_give_the_lowest_the_highest_and_the_consensus_and_a_wire_copy_adds_no_voice()
    {
        var world = await World.CreateAsync(api);
        var herald = await ReportAsync(world.Curator, "(Invented) The US has 2,500 troops in Iraq, officials told the Herald.", "2024-09-10", "Invented Herald");
        var courier = await ReportAsync(world.Curator, "(Invented) Some 2,500 US troops are stationed in Iraq.", "2024-09-11", "Invented Courier");
        var tribune = await ReportAsync(world.Curator, "(Invented) Washington keeps 2,500 troops in the country.", "2024-09-12", "Invented Tribune");
        var ledger = await ReportAsync(world.Curator, "(Invented) About 2,500 American soldiers remain, the Ledger learned.", "2024-09-13", "Invented Ledger");
        var wire = await ReportAsync(world.Curator, "(Invented) BAGHDAD - 3,000 US troops remain in Iraq, the wire reported.", "2024-09-14", "Invented Wire");
        var copy = await ReportAsync(world.Curator, "(Invented) BAGHDAD - 3,000 US troops remain in Iraq, the wire reported.", "2024-09-15", "Invented Daily",
            republishesSourceId: wire.Id);

        var exact = new List<long>
        {
            Id(await world.CreateClaimAsync(Troops(herald, "2,500 troops", 2500))),
            Id(await world.CreateClaimAsync(Troops(courier, "2,500 US troops", 2500))),
            Id(await world.CreateClaimAsync(Troops(tribune, "2,500 troops", 2500))),
        };
        var about = Id(await world.CreateClaimAsync(Troops(ledger, "About 2,500 American soldiers", 2500, about: true)));
        var wireClaim = Id(await world.CreateClaimAsync(Troops(wire, "3,000 US troops remain", 3000)));
        var copyClaim = Id(await world.CreateClaimAsync(Troops(copy, "3,000 US troops remain", 3000)));

        var answer = await ReconciledAsync(world);

        Assert.Equal(world.SubjectId, answer.GetProperty("subject").GetProperty("id").GetInt64());
        Assert.Equal("troop_count", answer.GetProperty("property").GetProperty("key").GetString());
        Assert.Equal("troops", answer.GetProperty("unit").GetString());
        Assert.Equal(6, answer.GetProperty("claimCount").GetInt32());
        // Four newspapers and the wire: the copy speaks in the wire's voice.
        Assert.Equal(5, answer.GetProperty("voiceCount").GetInt32());
        Assert.Equal(2, answer.GetProperty("candidateCount").GetInt32());

        var lowest = answer.GetProperty("lowest");
        Assert.Equal(2500m, Amount(lowest));
        // "About 2,500" states 2,500 as a hedge's amount: four voices state the lowest figure.
        Assert.Equal(4, Voices(lowest));
        Assert.Equal([.. exact, about], ClaimsOf(lowest));
        var hedged = lowest.GetProperty("passages").EnumerateArray().Single(p => p.GetProperty("claimId").GetInt64() == about);
        Assert.Equal("approximate", hedged.GetProperty("value").GetProperty("approximation").GetString());
        Assert.Equal("About 2,500 American soldiers", hedged.GetProperty("exact").GetString());
        Assert.Equal(ledger.Id, hedged.GetProperty("source").GetProperty("id").GetInt64());
        Assert.StartsWith("Invented Ledger", hedged.GetProperty("source").GetProperty("outlet").GetString());
        Assert.Equal("states", hedged.GetProperty("how").GetString());

        var highest = answer.GetProperty("highest");
        Assert.Equal(3000m, Amount(highest));
        Assert.Equal(1, Voices(highest));
        Assert.Equal(2, highest.GetProperty("passageCount").GetInt32());
        Assert.Equal([wireClaim, copyClaim], ClaimsOf(highest));
        Assert.Single(highest.GetProperty("voices").EnumerateArray());
        var sources = highest.GetProperty("passages").EnumerateArray().Select(p => p.GetProperty("source").GetProperty("id").GetInt64()).Order();
        Assert.Equal([wire.Id, copy.Id], sources);

        var consensus = answer.GetProperty("consensus");
        Assert.Equal(2500m, Amount(consensus));
        Assert.Equal(4, Voices(consensus));
        Assert.Equal(4, consensus.GetProperty("voices").GetArrayLength());
        Assert.False(consensus.GetProperty("tied").GetBoolean());
        Assert.Equal(0, consensus.GetProperty("tieCount").GetInt32());
        Assert.Empty(consensus.GetProperty("ties").EnumerateArray());
    }

    [Fact]
    public async Task A_range_that_admits_a_figure_backs_it_for_the_consensus_but_does_not_state_it_as_the_lowest()
    {
        var world = await World.CreateAsync(api);
        var one = await ReportAsync(world.Curator, "(Invented) There are 2,500 US troops in Iraq.", "2024-09-02", "Invented Observer");
        var two = await ReportAsync(world.Curator, "(Invented) Officials put the force at 2,500 troops.", "2024-09-03", "Invented Chronicle");
        var three = await ReportAsync(world.Curator, "(Invented) About 2,600 US troops are deployed.", "2024-09-04", "Invented Sentinel");
        var four = await ReportAsync(world.Curator, "(Invented) The Pentagon said 2,600 troops.", "2024-09-05", "Invented Gazette");

        await world.CreateClaimAsync(Troops(one, "2,500 US troops", 2500));
        await world.CreateClaimAsync(Troops(two, "2,500 troops", 2500));
        var around = Id(await world.CreateClaimAsync(Troops(three, "About 2,600 US troops", 2600, about: true)));
        await world.CreateClaimAsync(Troops(four, "2,600 troops", 2600));

        var answer = await ReconciledAsync(world);

        // About 2,600 allows 2,340 to 2,860: it backs 2,500 (admits) and 2,600 (states); 2,500 has three voices, 2,600 two.
        Assert.Equal(2, Voices(answer.GetProperty("lowest")));
        var consensus = answer.GetProperty("consensus");
        Assert.Equal(2500m, Amount(consensus));
        Assert.Equal(3, Voices(consensus));
        Assert.False(consensus.GetProperty("tied").GetBoolean());
        var admits = consensus.GetProperty("passages").EnumerateArray().Last();
        Assert.Equal(around, admits.GetProperty("claimId").GetInt64());
        Assert.Equal("admits", admits.GetProperty("how").GetString());
    }

    [Fact]
    public async Task Figures_with_as_many_voices_are_reported_as_a_tie()
    {
        var world = await World.CreateAsync(api);
        var reports = new[] { "Invented Mercury", "Invented Record", "Invented Globe", "Invented Star" };
        var made = new List<Report>();
        foreach (var outlet in reports) made.Add(await ReportAsync(world.Curator, "(Invented) Officials cited 2,500 troops; others 3,000 troops.", "2024-09-20", outlet));

        await world.CreateClaimAsync(Troops(made[0], "2,500 troops", 2500));
        await world.CreateClaimAsync(Troops(made[1], "2,500 troops", 2500));
        await world.CreateClaimAsync(Troops(made[2], "3,000 troops", 3000));
        await world.CreateClaimAsync(Troops(made[3], "3,000 troops", 3000));

        var consensus = (await ReconciledAsync(world)).GetProperty("consensus");

        Assert.True(consensus.GetProperty("tied").GetBoolean());
        Assert.Equal(1, consensus.GetProperty("tieCount").GetInt32());
        Assert.Equal(2500m, Amount(consensus));
        Assert.Equal(2, Voices(consensus));
        var tie = Assert.Single(consensus.GetProperty("ties").EnumerateArray());
        Assert.Equal(3000m, Amount(tie));
        Assert.Equal(2, Voices(tie));
        Assert.Equal(2, tie.GetProperty("passages").GetArrayLength());
    }

    [Fact]
    public async Task The_period_leaves_out_a_figure_of_another_year_and_an_empty_period_has_no_figures()
    {
        var world = await World.CreateAsync(api);
        var recent = await ReportAsync(world.Curator, "(Invented) The US has 2,500 troops in Iraq.", "2024-09-20", "Invented Times");
        var old = await ReportAsync(world.Curator, "(Invented) In 2019 the US had 5,200 troops in Iraq.", "2019-12-30", "Invented Post");
        await world.CreateClaimAsync(Troops(recent, "2,500 troops", 2500, validAt: "2024-09"));
        var then = Id(await world.CreateClaimAsync(Troops(old, "5,200 troops", 5200, validAt: "2019")));

        var all = await ReconciledAsync(world);
        Assert.Equal(5200m, Amount(all.GetProperty("highest")));
        Assert.Equal([then], ClaimsOf(all.GetProperty("highest")));

        var in2024 = await ReconciledAsync(world, "&from=2024&to=2024");
        Assert.Equal(1, in2024.GetProperty("claimCount").GetInt32());
        Assert.Equal(2500m, Amount(in2024.GetProperty("highest")));
        Assert.Equal(2500m, Amount(in2024.GetProperty("lowest")));
        Assert.Equal("2024", in2024.GetProperty("period").GetProperty("from").GetString());

        var since2020 = await ReconciledAsync(world, "&from=2020-01");
        Assert.Equal(2500m, Amount(since2020.GetProperty("highest")));

        var none = await ReconciledAsync(world, "&from=2021&to=2022-06");
        Assert.Equal(0, none.GetProperty("claimCount").GetInt32());
        Assert.Equal(0, none.GetProperty("voiceCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, none.GetProperty("lowest").ValueKind);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("highest").ValueKind);
        Assert.Equal(JsonValueKind.Null, none.GetProperty("consensus").ValueKind);
    }

    [Fact]
    public async Task A_part_of_a_breakdown_a_retracted_claim_and_a_deprecated_one_are_not_counted()
    {
        var world = await World.CreateAsync(api);
        var report = await ReportAsync(world.Curator,
            "(Invented) The US has 2,500 troops in Iraq: 900 of them in Erbil. An earlier count of 4,000 troops was withdrawn. A 7,000 troops estimate is outdated.",
            "2024-09-20", "Invented Bulletin");
        var whole = Id(await world.CreateClaimAsync(Troops(report, "2,500 troops", 2500)));
        await world.CreateClaimAsync([.. Troops(report, "900 of them in Erbil", 900), ("partOf", whole)]);
        var retracted = Id(await world.CreateClaimAsync(Troops(report, "4,000 troops", 4000)));
        await world.CreateClaimAsync([.. Troops(report, "7,000 troops estimate", 7000), ("rank", "deprecated")]);
        var read = await world.Curator.GetAsync($"/claims/{retracted}");
        var retract = new HttpRequestMessage(HttpMethod.Delete, $"/claims/{retracted}?reason=withdrawn%20by%20the%20paper");
        retract.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.Tag);
        (await world.Curator.SendAsync(retract)).EnsureSuccessStatusCode();

        var answer = await ReconciledAsync(world);

        Assert.Equal(1, answer.GetProperty("claimCount").GetInt32());
        Assert.Equal(2500m, Amount(answer.GetProperty("lowest")));
        Assert.Equal(2500m, Amount(answer.GetProperty("highest")));
        Assert.Equal([whole], ClaimsOf(answer.GetProperty("consensus")));
    }

    [Fact]
    public async Task A_quantity_claim_links_to_its_reconciled_figure_and_other_claims_do_not()
    {
        var world = await World.CreateAsync(api);
        var report = await ReportAsync(world.Curator, "(Invented) The US has 2,500 troops in Iraq and will leave by September 2026.", "2024-09-20", "Invented Review");
        var count = Id(await world.CreateClaimAsync(Troops(report, "2,500 troops", 2500)));
        var deadline = Id(await world.CreateClaimAsync(("property", "deadline"), ("validAt", null),
            ("value", new { kind = "time", expression = "by September 2026" }), ("evidence", new[] { new { sourceId = report.Id, exact = "by September 2026" } })));

        var claim = await api.CreateClient().GetJsonAsync($"/claims/{count}");
        var href = claim.GetProperty("reconciledHref").GetString();
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&from=2024-09&to=2024-09", href);
        var answer = await api.CreateClient().GetJsonAsync(href!);
        Assert.Equal([count], ClaimsOf(answer.GetProperty("consensus")));

        // A count with no valid time holds as of its report's day, and is weighed with that month's counts.
        var undated = await world.CreateClaimAsync(("validAt", null), ("value", new { kind = "quantity", amount = 2500, unit = "troops" }),
            ("evidence", new[] { new { sourceId = report.Id, exact = "2,500 troops" } }));
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&from=2024-09&to=2024-09", undated.GetProperty("reconciledHref").GetString());

        var other = await api.CreateClient().GetJsonAsync($"/claims/{deadline}");
        Assert.Equal(JsonValueKind.Null, other.GetProperty("reconciledHref").ValueKind);
    }

    [Fact]
    public async Task The_answer_is_not_modified_until_a_claim_changes_it()
    {
        var world = await World.CreateAsync(api);
        var first = await ReportAsync(world.Curator, "(Invented) The US has 2,500 troops in Iraq.", "2024-09-20", "Invented Clarion");
        var second = await ReportAsync(world.Curator, "(Invented) Officials said 3,000 troops.", "2024-09-21", "Invented Monitor");
        await world.CreateClaimAsync(Troops(first, "2,500 troops", 2500));
        var url = $"/reconciled?subject={world.SubjectId}&property=troop_count&from=2024-09&to=2024-09";
        var read = await api.CreateClient().GetAsync(url);
        var tag = read.Headers.ETag!.Tag;

        var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.TryAddWithoutValidation("If-None-Match", tag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.CreateClient().SendAsync(again)).StatusCode);

        await world.CreateClaimAsync(Troops(second, "3,000 troops", 3000));
        var after = new HttpRequestMessage(HttpMethod.Get, url);
        after.Headers.TryAddWithoutValidation("If-None-Match", tag);
        var changed = await (await api.CreateClient().SendAsync(after)).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(3000m, Amount(changed.GetProperty("highest")));
    }

    [Theory]
    [InlineData("subject=No%20such%20subject%20{unique}&property=troop_count", HttpStatusCode.BadRequest, "subject")]
    [InlineData("property=troop_count", HttpStatusCode.BadRequest, "subject")]
    [InlineData("subject={subject}", HttpStatusCode.BadRequest, "property")]
    [InlineData("subject={subject}&property=no_such_property_{unique}", HttpStatusCode.BadRequest, "property")]
    [InlineData("subject={subject}&property=deadline", HttpStatusCode.UnprocessableEntity, "property")]
    [InlineData("subject={subject}&property=troop_count&from=2024-13", HttpStatusCode.BadRequest, "from")]
    [InlineData("subject={subject}&property=troop_count&to=soon", HttpStatusCode.BadRequest, "to")]
    [InlineData("subject={subject}&property=troop_count&from=2025&to=2024", HttpStatusCode.BadRequest, "from")]
    public async Task Bad_input_answers_a_problem_naming_the_field(string query, HttpStatusCode status, string field)
    {
        var world = await World.CreateAsync(api);
        var url = "/reconciled?" + query.Replace("{subject}", Uri.EscapeDataString(world.Subject)).Replace("{unique}", Samples.Unique());

        await (await api.CreateClient().GetAsync(url)).ReadProblemAsync(status, field);
    }
}
