using System.Net;
using System.Text.Json;
using ClaimTracker.Api.Sources;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaimTracker.Tests.Sources;

/// <summary>
/// Wire copies found in the texts. Every report here is INVENTED: an agency's story, a newspaper's lightly edited copy
/// of it (new headline and first sentence, a sentence cut, a word changed), and another outlet's own report of the same
/// briefing, which quotes the same statement but is written in its own words.
/// </summary>
public sealed class SourceCopiesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    internal const string Agency =
        "(Invented) BAGHDAD, March 10 - The United States will keep about 2,500 troops in Iraq until the end of 2026, " +
        "a senior defence official told reporters on Monday, after two days of talks with Iraqi ministers in the capital. " +
        "\"We are not leaving, we are changing how we work with our partners,\" the official said. " +
        "The coalition's mission against the remnants of the militant group will move to an advisory role by September, " +
        "and the remaining forces will be based at two sites in the west and north of the country. " +
        "Iraqi officials said the agreement met the government's demand for a clear timetable. " +
        "The talks followed months of rocket and drone attacks on bases that host American forces, " +
        "which armed factions close to the government have claimed. " +
        "Neither side gave a figure for the number of advisers who would stay after the mission ends.";

    internal const string Copy =
        "(Invented) US to keep troops in Iraq through 2026\n\n" +
        "The United States will keep roughly 2,500 troops in Iraq until the end of 2026, a senior defence official told reporters on Monday in Baghdad. " +
        "\"We are not leaving, we are changing how we work with our partners,\" the official said. " +
        "The coalition's mission against the remnants of the militant group will move to an advisory role by September, " +
        "and the remaining forces will be based at two sites in the west and north of the country. " +
        "Iraqi officials said the agreement met the government's demand for a clear timetable. " +
        "The talks followed months of rocket and drone attacks on bases that host American forces, " +
        "which armed factions close to the government have claimed.";

    internal const string OwnReport =
        "(Invented) Washington and Baghdad have agreed on a timetable for American forces, an official in the delegation confirmed. " +
        "\"We are not leaving, we are changing how we work with our partners,\" the official said. " +
        "Our correspondent in the capital reports that Iraqi lawmakers remain divided over the deal, " +
        "and several factions have promised to keep up pressure until the last foreign soldier departs. " +
        "The ministry did not say how many soldiers would remain in the country once the advisory phase begins.";

    private sealed record Trio(World World, long Agency, long Copy, long Own, string Tag);

    private async Task<Trio> TrioAsync()
    {
        var world = await World.CreateAsync(api);
        var tag = $" [{Samples.Unique()}]";
        async Task<long> Add(string body, string outlet, string published) =>
            (await world.Curator.CreateSourceAsync(Samples.Source(body: body + tag, outlet: outlet, published: published))).GetProperty("id").GetInt64();
        return new Trio(world,
            await Add(Agency, $"Invented Agency {tag.Trim()}", "2025-03-10"),
            await Add(Copy, $"Invented Daily {tag.Trim()}", "2025-03-11"),
            await Add(OwnReport, $"Invented Courier {tag.Trim()}", "2025-03-10"),
            tag);
    }

    private async Task<List<JsonElement>> CopiesAsync(long source) =>
        [.. (await api.CreateClient().GetJsonAsync($"/sources/{source}/copies")).GetProperty("items").EnumerateArray()];

    private static JsonElement Of(List<JsonElement> items, long source) => items.Single(i => i.GetProperty("sourceId").GetInt64() == source);

    private static long[] Ids(List<JsonElement> items) => [.. items.Select(i => i.GetProperty("sourceId").GetInt64())];

    [Fact]
    public async Task A_lightly_edited_copy_is_proposed_with_the_earlier_story_as_original_and_the_passage_they_share()
    {
        var t = await TrioAsync();

        var ofCopy = await CopiesAsync(t.Copy);
        var proposal = Of(ofCopy, t.Agency);
        Assert.Equal("open", proposal.GetProperty("state").GetString());
        Assert.Equal("other", proposal.GetProperty("original").GetString());
        Assert.InRange(proposal.GetProperty("containment").GetDouble(), 0.6, 1.0);
        Assert.Equal($"/sources/{t.Copy}/copies/{t.Agency}/confirm", proposal.GetProperty("confirmHref").GetString());
        // The longest shared stretch, at its code-point offsets in both texts: from the quotation to the attacks.
        var mine = proposal.GetProperty("thisPassage");
        var theirs = proposal.GetProperty("otherPassage");
        Assert.Equal(mine.GetProperty("exact").GetString(), theirs.GetProperty("exact").GetString());
        Assert.StartsWith("We are not leaving", mine.GetProperty("exact").GetString());
        Assert.EndsWith("government have claimed", mine.GetProperty("exact").GetString());
        Assert.Equal(mine.GetProperty("exact").GetString(), Copy[mine.GetProperty("start").GetInt32()..mine.GetProperty("end").GetInt32()]);
        Assert.Equal(theirs.GetProperty("exact").GetString(), Agency[theirs.GetProperty("start").GetInt32()..theirs.GetProperty("end").GetInt32()]);

        // Seen from the agency's story, the same pair, the other way round.
        var ofAgency = Of(await CopiesAsync(t.Agency), t.Copy);
        Assert.Equal("this", ofAgency.GetProperty("original").GetString());
        Assert.Equal($"/sources/{t.Copy}/copies/{t.Agency}/confirm", ofAgency.GetProperty("confirmHref").GetString());

        // A report in its own words that quotes the same statement is no copy of either.
        Assert.DoesNotContain(t.Agency, Ids(await CopiesAsync(t.Own)));
        Assert.DoesNotContain(t.Copy, Ids(await CopiesAsync(t.Own)));
        Assert.DoesNotContain(t.Own, Ids(ofCopy));
    }

    [Fact]
    public async Task Confirming_a_copy_makes_its_own_voice_the_originals_so_the_two_support_a_figure_once()
    {
        var t = await TrioAsync();
        var inAgency = await t.World.CreateClaimAsync(("evidence", new[] { new { sourceId = t.Agency, exact = "about 2,500 troops in Iraq" } }));
        await t.World.CreateClaimAsync(("evidence", new[] { new { sourceId = t.Copy, exact = "roughly 2,500 troops in Iraq" } }));
        async Task<int> Independent() => (await api.CreateClient().GetJsonAsync($"/claims/{inAgency.GetProperty("id").GetInt64()}"))
            .GetProperty("corroboration").GetProperty("independentSupports").GetInt32();
        Assert.Equal(2, await Independent());

        var confirmed = await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/copies/{t.Agency}/confirm", new { })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("confirmed", confirmed.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, confirmed.GetProperty("confirmHref").ValueKind);
        var copy = await api.CreateClient().GetJsonAsync($"/sources/{t.Copy}");
        Assert.Equal(t.Agency, copy.GetProperty("republishes").GetProperty("sourceId").GetInt64());
        Assert.Equal(1, await Independent());
        Assert.Equal("confirmed", Of(await CopiesAsync(t.Agency), t.Copy).GetProperty("state").GetString());

        // Again: nothing changes. The other way round, or a dismissal of the confirmed pair: 409s naming why.
        await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/copies/{t.Agency}/confirm", new { })).ReadJsonAsync(HttpStatusCode.OK);
        var reverse = await (await t.World.Curator.PostJsonAsync($"/sources/{t.Agency}/copies/{t.Copy}/confirm", new { })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"Source {t.Copy} republishes source {t.Agency}", reverse.GetProperty("detail").GetString());
        await (await t.World.Curator.PostJsonAsync($"/sources/{t.Agency}/copies/{t.Copy}/dismiss", new { })).ReadProblemAsync(HttpStatusCode.Conflict);
        var third = await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/copies/{t.Own}/confirm", new { })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(t.Agency, third.GetProperty("republishesSourceId").GetInt64());
    }

    [Fact]
    public async Task A_dismissed_pair_stays_listed_as_dismissed_and_a_confirmation_takes_the_dismissal_back()
    {
        var t = await TrioAsync();
        var dismissed = await (await t.World.Curator.PostJsonAsync($"/sources/{t.Agency}/copies/{t.Copy}/dismiss", new { reason = "the daily rewrote it" }))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("dismissed", dismissed.GetProperty("state").GetString());
        Assert.Equal("dismissed", Of(await CopiesAsync(t.Copy), t.Agency).GetProperty("state").GetString());

        await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/copies/{t.Agency}/confirm", new { })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("confirmed", Of(await CopiesAsync(t.Copy), t.Agency).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_corrected_text_that_no_longer_copies_the_story_is_no_longer_proposed()
    {
        var t = await TrioAsync();
        Assert.Contains(t.Agency, Ids(await CopiesAsync(t.Copy)));

        await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/revisions", new { body = OwnReport.Replace("(Invented)", "(Invented, corrected)") + t.Tag, note = "wrong story" }))
            .ReadJsonAsync(HttpStatusCode.Created);

        Assert.DoesNotContain(t.Agency, Ids(await CopiesAsync(t.Copy)));
    }

    [Fact]
    public async Task Sources_stored_before_fingerprints_were_kept_get_theirs_at_the_next_start()
    {
        var t = await TrioAsync();
        await using (var connection = await api.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("delete from source_fingerprints where source_id = any(@ids)", new { ids = new[] { t.Agency, t.Copy } });
        }
        Assert.DoesNotContain(t.Agency, Ids(await CopiesAsync(t.Copy)));

        Assert.True(await SourceFingerprints.BackfillAsync(api.Db, NullLogger.Instance, CancellationToken.None) >= 2);

        Assert.Contains(t.Agency, Ids(await CopiesAsync(t.Copy)));
        Assert.Equal(0, await SourceFingerprints.BackfillAsync(api.Db, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public async Task Fingerprints_read_by_an_older_scheme_are_read_again_at_the_next_start()
    {
        var t = await TrioAsync();
        await using (var connection = await api.Db.OpenConnectionAsync())
        {
            // As the first scheme left them: hashes that no longer meet the current ones (here, none).
            await connection.ExecuteAsync("update source_fingerprints set scheme = 1, hashes = '{}' where source_id = any(@ids)", new { ids = new[] { t.Agency, t.Copy } });
        }
        Assert.DoesNotContain(t.Agency, Ids(await CopiesAsync(t.Copy)));

        Assert.True(await SourceFingerprints.BackfillAsync(api.Db, NullLogger.Instance, CancellationToken.None) >= 2);

        Assert.Contains(t.Agency, Ids(await CopiesAsync(t.Copy)));
        await using (var connection = await api.Db.OpenConnectionAsync())
        {
            Assert.Equal(SourceFingerprints.Scheme, await connection.ExecuteScalarAsync<short>("select min(scheme) from source_fingerprints where source_id = any(@ids)", new { ids = new[] { t.Agency, t.Copy } }));
        }
    }

    [Theory]
    [InlineData("same", HttpStatusCode.BadRequest, "other")]
    [InlineData("unknown", HttpStatusCode.NotFound, null)]
    public async Task A_confirmation_naming_itself_or_an_unknown_source_is_refused(string which, HttpStatusCode status, string? field)
    {
        var t = await TrioAsync();
        var other = which == "same" ? t.Copy : long.MaxValue - 7;
        var problem = await (await t.World.Curator.PostJsonAsync($"/sources/{t.Copy}/copies/{other}/confirm", new { })).ReadProblemAsync(status, field);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        await (await api.CreateClient().GetAsync($"/sources/{long.MaxValue - 7}/copies")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await api.CreateClient().PostAsync($"/sources/{t.Copy}/copies/{t.Agency}/confirm", Http.Json("{}"))).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
