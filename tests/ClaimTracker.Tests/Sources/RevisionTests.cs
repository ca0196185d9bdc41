using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Sources;

/// <summary>Corrected articles: each case of docs/anchoring.md.</summary>
public sealed class RevisionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string P1 = "Officials said the US has about 2,500 troops in Iraq. The withdrawal will be complete by September 2026.";
    private const string P2 = "Al-Sudani said “at no point” was a withdrawal discussed with the US delegation.";
    private const string P3 = "Seven US troops were wounded in a raid on August 29, officials reported.";
    private const string P4 = "The goverment declined to comment on the report this week.";

    private const string Troops = "the US has about 2,500 troops in Iraq";
    private const string NoPoint = "“at no point” was a withdrawal discussed";
    private const string Wounded = "Seven US troops were wounded in a raid on August 29";

    private static string Text(string unique, params string[] paragraphs) => string.Join("\n\n", [$"Report {unique}.", .. paragraphs]);

    private sealed record Setup(HttpClient Curator, long SourceId, string Unique, Dictionary<string, long> Passages);

    private async Task<Setup> SetupAsync()
    {
        var curator = await api.CuratorClientAsync();
        var unique = Samples.Unique();
        var source = await curator.CreateSourceAsync(Samples.Source(body: Text(unique, P1, P2, P3, P4)));
        var id = source.GetProperty("id").GetInt64();
        var passages = new Dictionary<string, long>();
        foreach (var quote in new[] { Troops, NoPoint, Wounded })
        {
            passages[quote] = (await curator.CreatePassageAsync(id, new { exact = quote })).GetProperty("id").GetInt64();
        }
        return new Setup(curator, id, unique, passages);
    }

    private static async Task<JsonElement> ReviseAsync(Setup s, string body, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await s.Curator.PostJsonAsync($"/sources/{s.SourceId}/revisions", new { body, note = "correction" })).ReadJsonAsync(expected);

    private static JsonElement Standing(JsonElement revision, long passageId) =>
        revision.GetProperty("passages").EnumerateArray().Single(p => p.GetProperty("passageId").GetInt64() == passageId);

    [Fact]
    public async Task A_typo_fixed_elsewhere_leaves_every_passage_exact()
    {
        var s = await SetupAsync();

        var revision = await ReviseAsync(s, Text(s.Unique, P1, P2, P3, P4.Replace("goverment", "government")));

        Assert.Equal(2, revision.GetProperty("number").GetInt32());
        Assert.All(s.Passages.Values, id => Assert.Equal("exact", Standing(revision, id).GetProperty("state").GetString()));
        Assert.Equal(3, revision.GetProperty("anchors").GetProperty("exact").GetInt32());
    }

    [Fact]
    public async Task A_typo_fixed_before_a_passage_shifts_its_offsets_and_it_stays_exact()
    {
        var s = await SetupAsync();
        var before = Text(s.Unique, P1, P2, P3, P4);

        var revision = await ReviseAsync(s, Text(s.Unique, P1.Replace("Officials said", "Officials have said"), P2, P3, P4));

        var wounded = Standing(revision, s.Passages[Wounded]);
        Assert.Equal("exact", wounded.GetProperty("state").GetString());
        Assert.Equal(before.IndexOf(Wounded, StringComparison.Ordinal) + 5, wounded.GetProperty("now").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task A_paragraph_inserted_before_a_passage_moves_it_to_new_offsets()
    {
        var s = await SetupAsync();
        const string inserted = "A new paragraph was added by the editors.";
        var after = Text(s.Unique, P1, P2, inserted, P3, P4);

        var revision = await ReviseAsync(s, after);

        var wounded = Standing(revision, s.Passages[Wounded]);
        Assert.Equal("moved", wounded.GetProperty("state").GetString());
        Assert.Equal(after.IndexOf(Wounded, StringComparison.Ordinal), wounded.GetProperty("now").GetProperty("start").GetInt32());
        Assert.Equal("exact", Standing(revision, s.Passages[Troops]).GetProperty("state").GetString());
        var passage = await api.CreateClient().GetJsonAsync($"/passages/{s.Passages[Wounded]}");
        Assert.Equal("moved", passage.GetProperty("state").GetString());
        Assert.Equal(2, passage.GetProperty("currentRevision").GetInt32());
        Assert.Equal(1, passage.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task A_word_changed_inside_a_passage_makes_it_fuzzy_with_its_score_for_review()
    {
        var s = await SetupAsync();

        var revision = await ReviseAsync(s, Text(s.Unique, P1, P2, P3.Replace("US troops", "US soldiers"), P4));

        var wounded = Standing(revision, s.Passages[Wounded]);
        Assert.Equal("fuzzy", wounded.GetProperty("state").GetString());
        Assert.InRange(wounded.GetProperty("score").GetDouble(), 0.8, 0.99);
        Assert.Equal(Wounded, wounded.GetProperty("before").GetString());
        Assert.Equal("Seven US soldiers were wounded in a raid on August 29", wounded.GetProperty("now").GetProperty("exact").GetString());
        var review = await api.CreateClient().GetJsonAsync($"/passages/review?source={s.SourceId}");
        Assert.Equal([s.Passages[Wounded]], review.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("passageId").GetInt64()));
    }

    [Fact]
    public async Task A_deleted_sentence_orphans_its_passage_and_its_claim_needs_review()
    {
        var s = await SetupAsync();
        var subject = $"Talks {s.Unique}";
        await s.Curator.CreateSubjectAsync(subject);
        var claim = await (await s.Curator.PostJsonAsync("/claims", new
        {
            subject, property = "position",
            value = new { kind = "stance", stance = "denies", proposition = "a withdrawal was discussed" },
            evidence = new[] { new { passageId = s.Passages[NoPoint] } },
        })).ReadJsonAsync(HttpStatusCode.Created);

        var revision = await ReviseAsync(s, Text(s.Unique, P1, P3, P4));

        var orphan = Standing(revision, s.Passages[NoPoint]);
        Assert.Equal("orphaned", orphan.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, orphan.GetProperty("now").ValueKind);
        Assert.True(orphan.GetProperty("score").GetDouble() < 0.8);
        var read = await api.CreateClient().GetJsonAsync($"/claims/{claim.GetProperty("id").GetInt64()}");
        Assert.True(read.GetProperty("needsReview").GetBoolean());
        Assert.Equal(1, read.GetProperty("evidence")[0].GetProperty("revision").GetInt32());
        Assert.Equal("orphaned", read.GetProperty("evidence")[0].GetProperty("state").GetString());
        Assert.Contains(claim.GetProperty("id").GetInt64(), (await api.CreateClient().GetJsonAsync($"/claims?subject={Uri.EscapeDataString(subject)}&needs_review=true")).Ids());
    }

    [Fact]
    public async Task A_sentence_now_appearing_twice_is_followed_to_the_copy_whose_context_agrees()
    {
        var s = await SetupAsync();
        const string rumour = "Earlier reports: Seven US troops were wounded in a raid on August 29 according to a rumour.";
        // The paragraph moves to the top, and a copy of the sentence appears elsewhere in other words.
        var after = Text(s.Unique, P3, P1, rumour, P2, P4);

        var revision = await ReviseAsync(s, after);

        var wounded = Standing(revision, s.Passages[Wounded]);
        Assert.Equal("moved", wounded.GetProperty("state").GetString());
        Assert.Equal(after.IndexOf(Wounded, StringComparison.Ordinal), wounded.GetProperty("now").GetProperty("start").GetInt32());
        Assert.NotEqual(after.LastIndexOf(Wounded, StringComparison.Ordinal), wounded.GetProperty("now").GetProperty("start").GetInt32());
    }

    [Fact]
    public async Task A_figure_changed_inside_a_passage_is_fuzzy_and_a_new_claim_with_the_new_figure_conflicts_with_the_old()
    {
        var s = await SetupAsync();
        var subject = $"Force {s.Unique}";
        await s.Curator.CreateSubjectAsync(subject);
        var claim = await (await s.Curator.PostJsonAsync("/claims", new
        {
            subject, property = "troop_count",
            value = new { kind = "quantity", amount = 2500, approximation = "approximate", statedAs = "about 2,500 troops" },
            evidence = new[] { new { passageId = s.Passages[Troops] } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var id = claim.GetProperty("id").GetInt64();

        var revision = await ReviseAsync(s, Text(s.Unique, P1.Replace("2,500", "2,000"), P2, P3, P4));

        Assert.Equal("fuzzy", Standing(revision, s.Passages[Troops]).GetProperty("state").GetString());
        var derivedId = Assert.Single(revision.GetProperty("derivedClaims").EnumerateArray()).GetInt64();
        var derived = await api.CreateClient().GetJsonAsync($"/claims/{derivedId}");
        Assert.Equal(2000m, derived.GetProperty("value").GetProperty("amount").GetDecimal());
        Assert.Equal("about 2,000 troops", derived.GetProperty("value").GetProperty("statedAs").GetString());
        Assert.Equal(2, derived.GetProperty("evidence")[0].GetProperty("revision").GetInt32());
        var conflict = Assert.Single(derived.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(id, conflict.GetProperty("otherClaimId").GetInt64());
        Assert.Equal("quantity", conflict.GetProperty("rule").GetString());
        var history = await api.CreateClient().GetJsonAsync($"/claims/{id}/history");
        Assert.Contains("“2,500” became “2,000”", history[history.GetArrayLength() - 1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Curly_quotes_turned_straight_by_the_outlets_CMS_are_fuzzy_not_orphaned()
    {
        var s = await SetupAsync();

        var revision = await ReviseAsync(s, Text(s.Unique, P1, P2.Replace('“', '"').Replace('”', '"'), P3, P4));

        var quote = Standing(revision, s.Passages[NoPoint]);
        Assert.Equal("fuzzy", quote.GetProperty("state").GetString());
        Assert.Equal("\"at no point\" was a withdrawal discussed", quote.GetProperty("now").GetProperty("exact").GetString());
    }

    [Fact]
    public async Task The_same_text_again_changes_nothing_and_every_revision_stays_readable()
    {
        var s = await SetupAsync();
        var original = Text(s.Unique, P1, P2, P3, P4);
        var corrected = Text(s.Unique, P1, P2, P3, P4.Replace("goverment", "government"));
        await ReviseAsync(s, corrected);
        var before = await api.CountRowsAsync();

        var again = await ReviseAsync(s, corrected, HttpStatusCode.OK);

        Assert.False(again.GetProperty("changed").GetBoolean());
        Assert.Equal(2, again.GetProperty("number").GetInt32());
        Assert.Equal(before, await api.CountRowsAsync());
        Assert.Equal(corrected, (await api.CreateClient().GetJsonAsync($"/sources/{s.SourceId}")).GetProperty("body").GetString());
        Assert.Equal(original, (await api.CreateClient().GetJsonAsync($"/sources/{s.SourceId}?revision=1")).GetProperty("body").GetString());
        Assert.Equal([1, 2], (await api.CreateClient().GetJsonAsync($"/sources/{s.SourceId}/revisions")).EnumerateArray().Select(r => r.GetProperty("number").GetInt32()));
        await (await api.CreateClient().GetAsync($"/sources/{s.SourceId}?revision=9")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_diff_of_two_revisions_shows_what_changed_with_offsets_in_both()
    {
        var s = await SetupAsync();
        await ReviseAsync(s, Text(s.Unique, P1, P2, P3, P4.Replace("goverment", "government")));

        var diff = await api.CreateClient().GetJsonAsync($"/sources/{s.SourceId}/revisions/1/diff/2");

        var changed = diff.GetProperty("hunks").EnumerateArray().Where(h => h.GetProperty("kind").GetString() != "equal")
            .Select(h => (h.GetProperty("kind").GetString(), h.GetProperty("text").GetString())).ToList();
        Assert.Equal([("delete", "goverment"), ("insert", "government")], changed);
        await (await api.CreateClient().GetAsync($"/sources/{s.SourceId}/revisions/1/diff/7")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Bad_revisions_are_refused_and_write_nothing()
    {
        var s = await SetupAsync();
        var before = await api.CountRowsAsync();

        await (await s.Curator.PostJsonAsync($"/sources/{s.SourceId}/revisions", new { body = "  " })).ReadProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await s.Curator.PostJsonAsync("/sources/999999999/revisions", new { body = "text" })).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().PostJsonAsync($"/sources/{s.SourceId}/revisions", new { body = "text" })).ReadProblemAsync(HttpStatusCode.Unauthorized);
        var huge = JsonSerializer.SerializeToUtf8Bytes(new { body = new string('x', 5 * 1024 * 1024) });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/sources/{s.SourceId}/revisions") { Content = new ByteArrayContent(huge) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.ExpectContinue = true;
        await (await s.Curator.SendAsync(request)).ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(before, await api.CountRowsAsync());
    }
}
