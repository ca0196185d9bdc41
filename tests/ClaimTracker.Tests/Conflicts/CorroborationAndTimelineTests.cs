using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Conflicts;

public sealed class CorroborationAndTimelineTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    [Fact]
    public async Task Independence_follows_attribution_two_outlets_relaying_one_agency_count_once()
    {
        var one = await World.CreateAsync(api);
        var two = await World.CreateAsync(api);
        var three = await World.CreateAsync(api);
        var agency = $"Wire agency {Samples.Unique()}";
        await one.Curator.CreateSubjectAsync(agency);
        var relayed = await one.CreateClaimAsync(("assertedBy", agency));
        await one.CreateClaimAsync(("assertedBy", agency), ("value", new { kind = "quantity", amount = 2500 }), ("evidence", two.Evidence("2,500 exactly")));
        await one.CreateClaimAsync(("value", new { kind = "quantity", amount = 2600 }), ("evidence", three.Evidence("the US has about 2,500 troops in Iraq")));
        await one.CreateClaimAsync(("value", new { kind = "quantity", amount = 9000 }), ("evidence", three.Evidence("3,000 US troops remained")));

        var claim = await api.CreateClient().GetJsonAsync($"/claims/{Id(relayed)}");

        var corroboration = claim.GetProperty("corroboration");
        Assert.Equal(2, corroboration.GetProperty("agreeing").GetArrayLength());
        Assert.Equal(3, corroboration.GetProperty("sources").GetArrayLength());
        Assert.Equal(2, corroboration.GetProperty("independentSupports").GetInt32());
        Assert.Equal([agency, "Test Wire"], corroboration.GetProperty("supporters").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task The_timeline_orders_periods_and_keeps_each_at_its_precision()
    {
        var world = await World.CreateAsync(api);
        var topic = $"Topic {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(topic);
        var eventName = $"Raid {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(eventName, broader: topic);
        (string, object?)[] Dated(string subject, string property, string date, string? modifier = null) =>
        [
            ("subject", subject), ("property", property), ("validAt", null), ("value", new { kind = "time", date, modifier }),
            ("evidence", world.Evidence("a raid on August 29")),
        ];
        var deadline = Id(await world.CreateClaimAsync(Dated(topic, "deadline", "2026-09", "by")));
        var day = Id(await world.CreateClaimAsync(Dated(eventName, "event_date", "2024-08-29")));
        var month = Id(await world.CreateClaimAsync(Dated(eventName, "meeting", "2024-08")));
        var year = Id(await world.CreateClaimAsync(Dated(topic, "founded", "2024")));

        var timeline = await api.CreateClient().GetJsonAsync($"/timeline?subject={Uri.EscapeDataString(topic)}");
        var items = timeline.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal([year, month, day, deadline], items.Select(i => i.GetProperty("claim").GetProperty("id").GetInt64()));
        Assert.Equal(["2024", "2024-08", "2024-08-29", "2026-09"], items.Select(i => i.GetProperty("when").GetProperty("date").GetString()));
        Assert.Equal(["year", "month", "day", "month"], items.Select(i => i.GetProperty("when").GetProperty("precision").GetString()));
        Assert.Equal("by", items[3].GetProperty("modifier").GetString());
        var narrow = await api.CreateClient().GetJsonAsync($"/timeline?subject={Uri.EscapeDataString(topic)}&include_narrower=false&from=2025");
        Assert.Equal([deadline], narrow.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("claim").GetProperty("id").GetInt64()));
        var paged = await api.CreateClient().GetJsonAsync($"/timeline?subject={Uri.EscapeDataString(topic)}&limit=2");
        var rest = await api.CreateClient().GetJsonAsync($"/timeline?subject={Uri.EscapeDataString(topic)}&limit=2&cursor={paged.GetProperty("nextCursor").GetString()}");
        Assert.Equal([day, deadline], rest.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("claim").GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Deadlines_are_met_missed_past_due_or_pending_as_of_a_day()
    {
        var world = await World.CreateAsync(api);
        async Task<long> Subject(string name) { await world.Curator.CreateSubjectAsync(name); return 0; }
        var names = Enumerable.Range(0, 4).Select(i => $"Plan {i} {Samples.Unique()}").ToArray();
        foreach (var name in names) await Subject(name);
        (string, object?)[] Dated(string subject, string property, string date, string? modifier = null) =>
        [
            ("subject", subject), ("property", property), ("validAt", null), ("value", new { kind = "time", date, modifier }),
            ("evidence", world.Evidence("The withdrawal will be complete by September 2026")),
        ];
        var met = Id(await world.CreateClaimAsync(Dated(names[0], "deadline", "2025-09", "by")));
        await world.CreateClaimAsync(Dated(names[0], "completed", "2025-09-12"));
        var missed = Id(await world.CreateClaimAsync(Dated(names[1], "deadline", "2025-09", "by")));
        await world.CreateClaimAsync(Dated(names[1], "completed", "2025-11"));
        var pastDue = Id(await world.CreateClaimAsync(Dated(names[2], "deadline", "2026-09", "by")));
        var pending = Id(await world.CreateClaimAsync(Dated(names[3], "deadline", "2026-12", "by")));

        async Task<Dictionary<long, string>> Statuses(string query) =>
            (await api.CreateClient().GetJsonAsync($"/deadlines?as_of=2026-11-24&{query}")).EnumerateArray()
                .ToDictionary(d => d.GetProperty("claim").GetProperty("id").GetInt64(), d => d.GetProperty("status").GetString()!);

        var all = await Statuses("");
        Assert.Equal("met", all[met]);
        Assert.Equal("missed", all[missed]);
        Assert.Equal("past_due", all[pastDue]);
        Assert.Equal("pending", all[pending]);
        Assert.Equal([pastDue], (await Statuses($"status=past_due&subject={Uri.EscapeDataString(names[2])}")).Keys);
        await (await api.CreateClient().GetAsync("/deadlines?status=late")).ReadProblemAsync(HttpStatusCode.BadRequest, "status");
        await (await api.CreateClient().GetAsync("/deadlines?as_of=tomorrow")).ReadProblemAsync(HttpStatusCode.BadRequest, "as_of");
    }

    [Theory]
    [InlineData("/timeline?from=2024-13", "from")]
    [InlineData("/timeline?subject=Nobody%20at%20all", "subject")]
    [InlineData("/timeline?cursor=bad", "cursor")]
    public async Task Malformed_timeline_queries_return_400(string url, string field)
    {
        await (await api.CreateClient().GetAsync(url)).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
