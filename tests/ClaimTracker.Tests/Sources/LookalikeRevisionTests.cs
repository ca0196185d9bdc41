using System.Net;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Sources;

/// <summary>
/// Corrected articles that tempt a re-anchoring into a confident wrong answer: repeats and lookalikes
/// (docs/anchoring.md, "Repeats and lookalikes"). Every article and revision here is invented for the test; the
/// names and figures echo the seed corpus but report nothing.
/// </summary>
public sealed class LookalikeRevisionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static string Text(string unique, params string[] paragraphs) => string.Join("\n\n", [$"Report {unique}.", .. paragraphs]);

    private sealed record Article(HttpClient Curator, long SourceId, string Unique);

    private async Task<Article> CreateAsync(Func<string, string> body)
    {
        var curator = await api.CuratorClientAsync();
        var unique = Samples.Unique();
        var source = await curator.CreateSourceAsync(Samples.Source(body: body(unique)));
        return new Article(curator, source.GetProperty("id").GetInt64(), unique);
    }

    private static async Task<long> PassageAsync(Article a, object selector) =>
        (await a.Curator.CreatePassageAsync(a.SourceId, selector)).GetProperty("id").GetInt64();

    private static async Task<JsonElement> ReviseAsync(Article a, string body) =>
        await (await a.Curator.PostJsonAsync($"/sources/{a.SourceId}/revisions", new { body, note = "correction" })).ReadJsonAsync(HttpStatusCode.Created);

    private static JsonElement Standing(JsonElement revision, long passageId) =>
        revision.GetProperty("passages").EnumerateArray().Single(p => p.GetProperty("passageId").GetInt64() == passageId);

    private static List<(int Start, int End, string Exact)> Candidates(JsonElement standing) =>
        [.. standing.GetProperty("candidates").EnumerateArray().Select(c =>
            (c.GetProperty("start").GetInt32(), c.GetProperty("end").GetInt32(), c.GetProperty("exact").GetString()!))];

    private static int At(string text, string quote, int nth = 0)
    {
        var at = -1;
        for (var i = 0; i <= nth; i++) at = text.IndexOf(quote, at + 1, StringComparison.Ordinal);
        Assert.True(at >= 0, $"\"{quote}\" occurs fewer than {nth + 1} times");
        return at;
    }

    private async Task<long> ClaimAsync(Article a, string property, object value, long passageId)
    {
        var subject = $"Subject {a.Unique} {property}";
        await a.Curator.CreateSubjectAsync(subject);
        var claim = await (await a.Curator.PostJsonAsync("/claims", new
        {
            subject, property, value, evidence = new[] { new { passageId } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        return claim.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task A_name_said_twice_whose_quoted_sentence_was_removed_is_ambiguous_not_moved_to_the_other_remark()
    {
        const string meeting = "Iraq’s prime minister, Mohammed Shia al-Sudani, met a US delegation in Baghdad on Monday.";
        const string quoted = "Sudani said the talks had not touched on a timetable for the departure of US forces.";
        const string coalition = "A coalition spokesman said planning for the next phase would continue through the autumn.";
        const string other = "Asked about the rocket attacks on Ain al-Asad, Sudani said his government would hold the perpetrators to account.";
        const string note = "Correction: an earlier version of this article attributed to Mr. Sudani a remark made by one of his advisers.";
        var a = await CreateAsync(u => Text(u, meeting, quoted, coalition, other));
        // "Sudani said" occurs twice; the curator's passage is the first, told apart by its suffix.
        var passage = await PassageAsync(a, new { exact = "Sudani said", suffix = " the talks" });
        var claim = await ClaimAsync(a, "position",
            new { kind = "stance", stance = "denies", proposition = "a withdrawal timetable was discussed" }, passage);
        var after = Text(a.Unique, meeting, coalition, other, note);

        var revision = await ReviseAsync(a, after);

        // The one "Sudani said" left is the other remark: same words, surroundings that do not agree.
        var standing = Standing(revision, passage);
        Assert.Equal("ambiguous", standing.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, standing.GetProperty("now").ValueKind);
        Assert.Equal((At(after, other) + "Asked about the rocket attacks on Ain al-Asad, ".Length, "Sudani said"),
            Candidates(standing).Select(c => (c.Start, c.Exact)).First());
        Assert.False(standing.GetProperty("candidates")[0].GetProperty("agrees").GetBoolean());
        Assert.Equal(1, revision.GetProperty("anchors").GetProperty("ambiguous").GetInt32());

        // It keeps its place where it was made; its claim keeps its evidence and needs review.
        var read = await api.CreateClient().GetJsonAsync($"/passages/{passage}");
        Assert.Equal("ambiguous", read.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, read.GetProperty("current").ValueKind);
        Assert.Equal((1, "Sudani said"), (read.GetProperty("revision").GetInt32(), read.GetProperty("exact").GetString()));
        var claimRead = await api.CreateClient().GetJsonAsync($"/claims/{claim}");
        Assert.True(claimRead.GetProperty("needsReview").GetBoolean());
        var evidence = Assert.Single(claimRead.GetProperty("evidence").EnumerateArray());
        Assert.Equal(("ambiguous", 1), (evidence.GetProperty("state").GetString(), evidence.GetProperty("revision").GetInt32()));
        var review = await api.CreateClient().GetJsonAsync($"/passages/review?source={a.SourceId}");
        var item = Assert.Single(review.GetProperty("items").EnumerateArray());
        Assert.Equal(("ambiguous", claim), (item.GetProperty("state").GetString(), item.GetProperty("claims")[0].GetInt64()));
        Assert.Equal(Candidates(standing), Candidates(item));
    }

    [Fact]
    public async Task A_short_figure_repeated_elsewhere_is_ambiguous_with_every_place_listed()
    {
        const string troops = "The US has about 2,500 troops in Iraq, a Pentagon spokesman said on Tuesday.";
        const string contractors = "Another 2,500 contractors work at the Ain al-Asad and Erbil bases, according to the State Department.";
        const string mission = "The coalition’s mission is due to end in September 2025.";
        var a = await CreateAsync(u => Text(u, troops, contractors, mission));
        var passage = await PassageAsync(a, new { exact = "2,500", prefix = "The US has about " });
        var claim = await ClaimAsync(a, "troop_count",
            new { kind = "quantity", amount = 2500, approximation = "approximate", statedAs = "about 2,500 troops" }, passage);
        // The troop figure is corrected; "2,500" now stands twice, and neither is the troop count as it was.
        var corrected = "The US has about 2,000 troops in Iraq, down from 2,500 in January, a Pentagon spokesman said on Tuesday.";
        var after = Text(a.Unique, corrected, contractors, mission);

        var revision = await ReviseAsync(a, after);

        var standing = Standing(revision, passage);
        Assert.Equal("ambiguous", standing.GetProperty("state").GetString());
        var candidates = Candidates(standing);
        // The figure that replaced it, in place, and both repeats of the old figure elsewhere: too close to call.
        Assert.Equal(
            [(At(after, "2,000"), "2,000"), (At(after, "2,500"), "2,500"), (At(after, "2,500", 1), "2,500")],
            candidates.Select(c => (c.Start, c.Exact)).Order());
        Assert.Empty(revision.GetProperty("derivedClaims").EnumerateArray());
        Assert.True((await api.CreateClient().GetJsonAsync($"/claims/{claim}")).GetProperty("needsReview").GetBoolean());
    }

    [Fact]
    public async Task A_paragraph_moved_with_a_copy_of_its_sentence_left_behind_is_ambiguous_until_the_copy_goes()
    {
        const string attacks = "US forces came under attack twice in late August, according to a Pentagon statement released on Friday.";
        const string raid = "Seven US troops were wounded in a raid on August 29, officials reported. Two of them were flown to Germany for treatment.";
        const string group = "The Pentagon did not say which group carried out the raid, or whether the two attacks were linked.";
        const string quote = "Seven US troops were wounded in a raid on August 29";
        var a = await CreateAsync(u => Text(u, attacks, raid, group));
        var passage = await PassageAsync(a, new { exact = quote });
        // The editors moved the paragraph to the end and left a one-line summary in its place: the summary keeps the
        // passage's prefix, the moved paragraph its suffix, and both hold the very words.
        const string summary = "Seven US troops were wounded in a raid on August 29; the details are below.";
        const string lead = "The details, as officials gave them on Saturday:";
        var after = Text(a.Unique, attacks, summary, group, lead, raid);

        var revision = await ReviseAsync(a, after);

        var standing = Standing(revision, passage);
        Assert.Equal("ambiguous", standing.GetProperty("state").GetString());
        Assert.Equal([At(after, quote), At(after, quote, 1)], Candidates(standing).Select(c => c.Start).Order());
        Assert.All(standing.GetProperty("candidates").EnumerateArray(), c => Assert.True(c.GetProperty("agrees").GetBoolean()));

        // The next correction drops the summary: the passage is followed from its last known place to the paragraph.
        var third = Text(a.Unique, attacks, group, lead, raid);
        var followed = Standing(await ReviseAsync(a, third), passage);
        Assert.Equal("moved", followed.GetProperty("state").GetString());
        Assert.Equal(At(third, quote), followed.GetProperty("now").GetProperty("start").GetInt32());
        Assert.Equal("moved", (await api.CreateClient().GetJsonAsync($"/passages/{passage}")).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_reworded_quote_is_followed_in_place_not_to_a_similar_sentence_elsewhere()
    {
        const string raid = "Seven US troops were wounded in a raid on August 29, officials reported.";
        const string depot = "The raid targeted a weapons depot near the Syrian border.";
        const string earlier = "Five US troops were wounded in a raid on August 19, officials reported, in an earlier attack on the same base.";
        var a = await CreateAsync(u => Text(u, raid, depot, earlier));
        var passage = await PassageAsync(a, new { exact = "Seven US troops were wounded in a raid on August 29" });
        // One word changes in the passage; the sentence about the earlier raid is now nearer it by edit distance.
        var after = Text(a.Unique, raid.Replace("wounded", "injured"), depot, earlier);

        var revision = await ReviseAsync(a, after);

        var standing = Standing(revision, passage);
        Assert.Equal("fuzzy", standing.GetProperty("state").GetString());
        Assert.Equal("Seven US troops were injured in a raid on August 29", standing.GetProperty("now").GetProperty("exact").GetString());
        Assert.Equal(At(after, "Seven US troops were injured"), standing.GetProperty("now").GetProperty("start").GetInt32());
        // The runner-up it beat by more than the margin is listed after it.
        var scores = standing.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(standing.GetProperty("score").GetDouble(), scores[0]);
        Assert.Equal(At(after, "Five US troops"), Candidates(standing)[1].Start);
        Assert.True(scores[0] - scores[1] >= 0.05);
    }

    [Fact]
    public async Task A_reworded_quote_with_a_near_copy_elsewhere_too_close_to_call_is_ambiguous()
    {
        const string raid = "Seven US troops were wounded in a raid on August 29, officials reported.";
        const string depot = "The raid targeted a weapons depot near the Syrian border.";
        var a = await CreateAsync(u => Text(u, raid, depot));
        var passage = await PassageAsync(a, new { exact = "Seven US troops were wounded in a raid on August 29" });
        // The passage is reworded, and an update reports a second raid in nearly the passage's old words.
        const string update = "Update: Seven US troops were wounded in a raid on August 30, officials reported. The raid targeted a second depot.";
        var after = Text(a.Unique, raid.Replace("wounded", "injured"), depot, update);

        var revision = await ReviseAsync(a, after);

        var standing = Standing(revision, passage);
        Assert.Equal("ambiguous", standing.GetProperty("state").GetString());
        Assert.Equal(
            [(At(after, "Seven US troops were injured"), "Seven US troops were injured in a raid on August 29"),
             (At(after, "Seven US troops were wounded"), "Seven US troops were wounded in a raid on August 30")],
            Candidates(standing).Select(c => (c.Start, c.Exact)).Order());
        var scores = standing.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("score").GetDouble()).ToList();
        Assert.All(scores, s => Assert.True(s >= 0.8));
        Assert.True(scores[0] - scores[1] < 0.05);
        Assert.Equal(scores[0], standing.GetProperty("score").GetDouble());
    }
}
