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
        Counted(report, exact, amount, "troops", validAt, about);

    private static (string, object?)[] Counted(Report report, string exact, decimal amount, string? unit, string validAt = "2024-09", bool about = false) =>
    [
        ("validAt", validAt),
        ("value", about
            ? new { kind = "quantity", amount, unit, approximation = "approximate", statedAs = exact }
            : (object)new { kind = "quantity", amount, unit, statedAs = exact }),
        ("evidence", new[] { new { sourceId = report.Id, exact } }),
    ];

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    private Task<JsonElement> ReconciledAsync(World world, string query = "") =>
        api.CreateClient().GetJsonAsync($"/reconciled?subject={Uri.EscapeDataString(world.Subject)}&property=troop_count{query}");

    private static decimal Amount(JsonElement figure) => figure.GetProperty("amount").GetDecimal();

    private static (string? Unit, string? Key, int Claims, bool Weighed)[] Units(JsonElement answer) =>
        [.. answer.GetProperty("units").EnumerateArray().Select(u => (u.GetProperty("unit").GetString(), u.GetProperty("key").GetString(),
            u.GetProperty("claimCount").GetInt32(), u.GetProperty("weighed").GetBoolean()))];

    private static long[] ClaimsIn(JsonElement answer) =>
        [.. new[] { "lowest", "highest", "consensus" }.Select(role => answer.GetProperty(role)).Where(f => f.ValueKind != JsonValueKind.Null)
            .SelectMany(ClaimsOf).Distinct().Order()];

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
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&from=2024-09&to=2024-09&unit=troops", href);
        var answer = await api.CreateClient().GetJsonAsync(href!);
        Assert.Equal([count], ClaimsOf(answer.GetProperty("consensus")));

        // A count with no valid time holds as of its report's day, and is weighed with that month's counts.
        var undated = await world.CreateClaimAsync(("validAt", null), ("value", new { kind = "quantity", amount = 2500, unit = "troops" }),
            ("evidence", new[] { new { sourceId = report.Id, exact = "2,500 troops" } }));
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&from=2024-09&to=2024-09&unit=troops", undated.GetProperty("reconciledHref").GetString());

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

    /// <summary>
    /// Three INVENTED reports of one week: a wire brief in the style of an agency's, a defence ministry's statement that counts
    /// "service members", and a newspaper that counts "soldiers"; two of them also count the contractors beside the troops.
    /// </summary>
    private async Task<(World World, long[] Troops, long[] Contractors)> TroopsAndContractorsAsync()
    {
        var world = await World.CreateAsync(api);
        var brief = await ReportAsync(world.Curator,
            "(Invented) BAGHDAD, Sept 12 (Invented Wire) - About 2,500 US troops and some 900 contractors remain in Iraq, two US officials said on Thursday.",
            "2024-09-12", "Invented Wire");
        var statement = await ReportAsync(world.Curator,
            "(Invented) The Department has 2,500 service members deployed to Iraq in support of the coalition's advise-and-assist mission.",
            "2024-09-13", "Invented Defense Department");
        var paper = await ReportAsync(world.Curator,
            "(Invented) There are 3,000 American soldiers in Iraq, along with 1,400 contractors who feed and guard them, a congressional aide said.",
            "2024-09-14", "Invented Evening Standard");

        long[] troops =
        [
            Id(await world.CreateClaimAsync(Troops(brief, "About 2,500 US troops", 2500, about: true))),
            Id(await world.CreateClaimAsync(Counted(statement, "2,500 service members", 2500, "service members"))),
            Id(await world.CreateClaimAsync(Counted(paper, "3,000 American soldiers", 3000, "soldiers"))),
        ];
        long[] contractors =
        [
            Id(await world.CreateClaimAsync(Counted(brief, "some 900 contractors", 900, "contractors", about: true))),
            Id(await world.CreateClaimAsync(Counted(paper, "1,400 contractors", 1400, "contractors"))),
        ];
        return (world, [.. troops.Order()], [.. contractors.Order()]);
    }

    [Fact]
    public async Task Troops_and_contractors_are_never_weighed_together_and_soldiers_and_service_members_count_as_troops()
    {
        var (world, troops, contractors) = await TroopsAndContractorsAsync();

        var answer = await ReconciledAsync(world);

        // The property's own unit (troops) is weighed; "900 contractors" is no lower troop count.
        Assert.Equal("troops", answer.GetProperty("unit").GetString());
        Assert.Equal("troop", answer.GetProperty("unitKey").GetString());
        Assert.Equal(3, answer.GetProperty("claimCount").GetInt32());
        Assert.Equal(3, answer.GetProperty("voiceCount").GetInt32());
        Assert.Equal(2, answer.GetProperty("candidateCount").GetInt32());
        Assert.Equal(2500m, Amount(answer.GetProperty("lowest")));
        Assert.Equal(3000m, Amount(answer.GetProperty("highest")));
        var consensus = answer.GetProperty("consensus");
        Assert.Equal(2500m, Amount(consensus));
        // The wire's "about 2,500 troops" and the ministry's "2,500 service members" are one figure in one unit.
        Assert.Equal(2, Voices(consensus));
        Assert.False(consensus.GetProperty("tied").GetBoolean());
        Assert.Equal(troops, ClaimsIn(answer));
        Assert.Empty(ClaimsIn(answer).Intersect(contractors));

        // Every unit the week's claims count in, with its count, most claims first; the spellings folded into troops.
        Assert.Equal([("troops", "troop", 3, true), ("contractors", "contractor", 2, false)], Units(answer));
        var listed = answer.GetProperty("units").EnumerateArray().ToArray();
        Assert.Equal(["service members", "soldiers", "troops"], listed[0].GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&unit=contractors", listed[1].GetProperty("href").GetString());
        Assert.Equal($"/reconciled?subject={world.SubjectId}&property=troop_count&unit=troops", listed[0].GetProperty("href").GetString());

        // Asked in a synonym's words, the same troops are weighed, and named as the property names them.
        foreach (var synonym in new[] { "soldiers", "Service%20Members", "soldier", "personnel" })
        {
            var asked = await ReconciledAsync(world, $"&unit={synonym}");
            Assert.Equal("troops", asked.GetProperty("unit").GetString());
            Assert.Equal(troops, ClaimsIn(asked));
            Assert.Equal(3, asked.GetProperty("claimCount").GetInt32());
            Assert.Equal(2500m, Amount(asked.GetProperty("lowest")));
            Assert.Equal(3000m, Amount(asked.GetProperty("highest")));
        }
    }

    [Fact]
    public async Task Unit_contractors_reconciles_the_contractors_alone()
    {
        var (world, troops, contractors) = await TroopsAndContractorsAsync();

        var answer = await ReconciledAsync(world, "&unit=contractors");

        Assert.Equal("contractors", answer.GetProperty("unit").GetString());
        Assert.Equal("contractor", answer.GetProperty("unitKey").GetString());
        Assert.Equal(2, answer.GetProperty("claimCount").GetInt32());
        Assert.Equal(2, answer.GetProperty("voiceCount").GetInt32());
        Assert.Equal(900m, Amount(answer.GetProperty("lowest")));
        Assert.Equal(1400m, Amount(answer.GetProperty("highest")));
        // "Some 900" (810 to 990) does not admit 1,400: one voice each, a tie, not a troop figure slipped in.
        var consensus = answer.GetProperty("consensus");
        Assert.True(consensus.GetProperty("tied").GetBoolean());
        Assert.Equal(900m, Amount(consensus));
        Assert.Equal(1400m, Amount(consensus.GetProperty("ties")[0]));
        Assert.Equal(contractors, ClaimsIn(answer));
        Assert.Empty(ClaimsIn(answer).Intersect(troops));
        Assert.Equal([("troops", "troop", 3, false), ("contractors", "contractor", 2, true)], Units(answer));

        // The link the troops' answer gives to the contractors reaches the same answer, and a contractor claim links to it.
        var viaLink = await api.CreateClient().GetJsonAsync((await ReconciledAsync(world)).GetProperty("units")[1].GetProperty("href").GetString()!);
        Assert.Equal(contractors, ClaimsIn(viaLink));
        var claim = await api.CreateClient().GetJsonAsync($"/claims/{contractors[0]}");
        var fromClaim = await api.CreateClient().GetJsonAsync(claim.GetProperty("reconciledHref").GetString()!);
        Assert.Equal("contractors", fromClaim.GetProperty("unit").GetString());
        Assert.Equal(contractors, ClaimsIn(fromClaim));
    }

    [Fact]
    public async Task A_unit_no_claim_counts_in_answers_no_figures_and_lists_the_units_there_are()
    {
        var (world, _, _) = await TroopsAndContractorsAsync();

        var answer = await ReconciledAsync(world, "&unit=bases");

        Assert.Equal("bases", answer.GetProperty("unit").GetString());
        Assert.Equal("base", answer.GetProperty("unitKey").GetString());
        Assert.Equal(0, answer.GetProperty("claimCount").GetInt32());
        Assert.Equal(0, answer.GetProperty("voiceCount").GetInt32());
        Assert.Equal(0, answer.GetProperty("candidateCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("lowest").ValueKind);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("highest").ValueKind);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("consensus").ValueKind);
        Assert.Equal([("troops", "troop", 3, false), ("contractors", "contractor", 2, false)], Units(answer));

        // A period without claims still says which unit it would weigh: the property's.
        var empty = await ReconciledAsync(world, "&from=2019&to=2019");
        Assert.Equal("troops", empty.GetProperty("unit").GetString());
        Assert.Equal("troop", empty.GetProperty("unitKey").GetString());
        Assert.Empty(empty.GetProperty("units").EnumerateArray());
    }

    [Fact]
    public async Task Without_a_unit_the_propertys_own_is_weighed_when_any_claim_counts_in_it_else_the_one_most_claims_count_in()
    {
        // INVENTED reports, one a line of a briefing each.
        var world = await World.CreateAsync(api);
        var one = await ReportAsync(world.Curator, "(Invented) Some 1,200 contractors support the mission, a spokesman said.", "2024-09-02", "Invented Globe");
        var two = await ReportAsync(world.Curator, "(Invented) An audit counted 1,500 contractors at the bases.", "2024-09-03", "Invented Mail");
        var three = await ReportAsync(world.Curator, "(Invented) About 300 advisers train the Iraqi army.", "2024-09-04", "Invented Sun");
        await world.CreateClaimAsync(Counted(one, "Some 1,200 contractors", 1200, "contractors", about: true));
        await world.CreateClaimAsync(Counted(two, "1,500 contractors", 1500, "contractors"));
        await world.CreateClaimAsync(Counted(three, "About 300 advisers", 300, "advisers", about: true));

        // No troop count this month: the contractors, two claims to the advisers' one.
        var most = await ReconciledAsync(world);
        Assert.Equal("contractors", most.GetProperty("unit").GetString());
        Assert.Equal(1200m, Amount(most.GetProperty("lowest")));
        Assert.Equal([("contractors", "contractor", 2, true), ("advisers", "adviser", 1, false)], Units(most));

        // One troop count is enough for the property's own unit to be weighed, though fewer claims count in it.
        var four = await ReportAsync(world.Curator, "(Invented) The US keeps 2,500 troops in Iraq.", "2024-09-05", "Invented Post");
        var troop = Id(await world.CreateClaimAsync(Troops(four, "2,500 troops", 2500)));
        var own = await ReconciledAsync(world);
        Assert.Equal("troops", own.GetProperty("unit").GetString());
        Assert.Equal([troop], ClaimsIn(own));
        Assert.Equal([("contractors", "contractor", 2, false), ("advisers", "adviser", 1, false), ("troops", "troop", 1, true)], Units(own));

        // As many claims in two units, neither the property's: the first by name.
        var tie = await World.CreateAsync(api);
        var five = await ReportAsync(tie.Curator, "(Invented) About 300 advisers train the Iraqi army.", "2024-09-04", "Invented Sun");
        var six = await ReportAsync(tie.Curator, "(Invented) An audit counted 1,500 contractors at the bases.", "2024-09-03", "Invented Mail");
        await tie.CreateClaimAsync(Counted(six, "1,500 contractors", 1500, "contractors"));
        var first = Id(await tie.CreateClaimAsync(Counted(five, "About 300 advisers", 300, "advisers", about: true)));
        var tied = await ReconciledAsync(tie);
        Assert.Equal("advisers", tied.GetProperty("unit").GetString());
        Assert.Equal([first], ClaimsIn(tied));
        Assert.Equal([("advisers", "adviser", 1, true), ("contractors", "contractor", 1, false)], Units(tied));
    }

    [Fact]
    public async Task Claims_of_a_property_without_a_unit_that_name_none_are_its_default_and_a_named_unit_is_apart()
    {
        var world = await World.CreateAsync(api);
        var key = $"convoys_{Samples.Unique()}";
        await (await world.Curator.PostJsonAsync("/properties", new { key, label = "convoys", valueType = "quantity" })).ReadJsonAsync(HttpStatusCode.Created);
        // INVENTED: two logistics briefs that give a bare number, and one that counts trucks.
        var one = await ReportAsync(world.Curator, "(Invented) Supply convoys this month: 12, the logistics command said.", "2024-09-02", "Invented Gazette");
        var two = await ReportAsync(world.Curator, "(Invented) The command ran 15 this month, a later brief said.", "2024-09-09", "Invented Ledger");
        var three = await ReportAsync(world.Curator, "(Invented) Some 400 trucks moved in convoys this month.", "2024-09-10", "Invented Record");
        var bare = new[]
        {
            Id(await world.CreateClaimAsync([.. Counted(one, "convoys this month: 12", 12, null), ("property", key)])),
            Id(await world.CreateClaimAsync([.. Counted(two, "ran 15 this month", 15, null), ("property", key)])),
        };
        var trucks = Id(await world.CreateClaimAsync([.. Counted(three, "Some 400 trucks", 400, "trucks", about: true), ("property", key)]));
        var url = $"/reconciled?subject={world.SubjectId}&property={key}";

        var answer = await api.CreateClient().GetJsonAsync(url);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("unit").ValueKind);
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("unitKey").ValueKind);
        Assert.Equal(bare.Order(), ClaimsIn(answer));
        Assert.Equal(15m, Amount(answer.GetProperty("highest")));
        Assert.Equal([(null, null, 2, true), ("trucks", "truck", 1, false)], Units(answer));
        Assert.Equal(url, answer.GetProperty("units")[0].GetProperty("href").GetString());

        var inTrucks = await api.CreateClient().GetJsonAsync(answer.GetProperty("units")[1].GetProperty("href").GetString()!);
        Assert.Equal("trucks", inTrucks.GetProperty("unit").GetString());
        Assert.Equal([trucks], ClaimsIn(inTrucks));
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
    [InlineData("subject={subject}&property=troop_count&unit=%20%20", HttpStatusCode.BadRequest, "unit")]
    [InlineData("subject={subject}&property=troop_count&unit={long}", HttpStatusCode.BadRequest, "unit")]
    public async Task Bad_input_answers_a_problem_naming_the_field(string query, HttpStatusCode status, string field)
    {
        var world = await World.CreateAsync(api);
        var url = "/reconciled?" + query.Replace("{subject}", Uri.EscapeDataString(world.Subject)).Replace("{unique}", Samples.Unique())
            .Replace("{long}", new string('x', 101));

        await (await api.CreateClient().GetAsync(url)).ReadProblemAsync(status, field);
    }
}
