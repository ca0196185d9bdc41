using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;
using Dapper;

namespace ClaimTracker.Tests.Suggestions;

/// <summary>
/// GET /sources/{id}/suggestions and the curator's decisions on them, over HTTP and a real PostgreSQL: the claims
/// proposed, the ones already claimed, the preview of conflicts and agreements, accepting (one transaction, through
/// the claim write path) and dismissing, and the refusals.
/// </summary>
public sealed class SuggestionsApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    /// <summary>Letters only: a name with digits in it would be read as a figure.</summary>
    private static string Word() => new([.. Samples.Unique().Take(8).Select(c => (char)('a' + (char.IsDigit(c) ? c - '0' : c - 'a' + 10)))]);

    private sealed record Article(HttpClient Curator, long SourceId, string Body, string Force, long ForceId, string Agency, long AgencyId);

    /// <summary>An invented report about subjects of the test's own.</summary>
    private async Task<Article> ArticleAsync(string? body = null)
    {
        var curator = await api.CuratorClientAsync();
        var tag = Word();
        var force = $"Kestrel Brigade {char.ToUpperInvariant(tag[0])}{tag[1..]}";
        var agency = $"Varden Agency {char.ToUpperInvariant(tag[0])}{tag[1..]}";
        var forceId = await curator.CreateSubjectAsync(force);
        var agencyId = await curator.CreateSubjectAsync(agency);
        var text = body ?? $"[Invented report for tests: not a real article.]\n\n" +
            $"The {force} has about 2,500 troops in the valley, the {agency} reported.\n\n" +
            $"The withdrawal will be complete by September 2026, the {agency} said.\n\n" +
            $"Seven {force} soldiers were wounded in a raid on August 29.";
        var source = await curator.CreateSourceAsync(Samples.Source(body: text, published: "2024-09-18"));
        return new Article(curator, source.GetProperty("id").GetInt64(), text, force, forceId, agency, agencyId);
    }

    private static async Task<JsonElement> ListAsync(HttpClient client, long sourceId, string query = "") =>
        await client.GetJsonAsync($"/sources/{sourceId}/suggestions{query}");

    private static JsonElement Find(JsonElement list, string kind, string match) =>
        list.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == kind && s.GetProperty("match").GetProperty("text").GetString() == match);

    private static Task<HttpResponseMessage> AcceptAsync(HttpClient curator, long sourceId, params object[] items) =>
        curator.PostJsonAsync($"/sources/{sourceId}/suggestions/accept", new { suggestions = items });

    [Fact]
    public async Task A_new_source_gets_its_figures_dates_and_attributions_proposed_as_claims_with_stable_ids()
    {
        var a = await ArticleAsync();
        var list = await ListAsync(api.CreateClient(), a.SourceId);
        Assert.Equal(1, list.GetProperty("revision").GetInt32());
        Assert.Equal(1, list.GetProperty("latestRevision").GetInt32());

        var troops = Find(list, "quantity", "about 2,500");
        Assert.Matches("^r1-q[0-9]+-[0-9]+$", troops.GetProperty("id").GetString());
        Assert.Equal("open", troops.GetProperty("state").GetString());
        Assert.Equal("troop_count", troops.GetProperty("property").GetString());
        Assert.Equal(a.ForceId, troops.GetProperty("subject").GetProperty("id").GetInt64());
        Assert.Equal(a.AgencyId, troops.GetProperty("asserter").GetProperty("subject").GetProperty("id").GetInt64());
        var value = troops.GetProperty("value");
        Assert.Equal("quantity", value.GetProperty("kind").GetString());
        Assert.Equal(2500m, value.GetProperty("amount").GetDecimal());
        Assert.Equal("approximate", value.GetProperty("approximation").GetString());
        Assert.Empty(troops.GetProperty("missing").EnumerateArray());
        Assert.InRange(troops.GetProperty("confidence").GetDouble(), 0.5, 1);
        Assert.Contains("troop_count", troops.GetProperty("reason").GetString());
        // The passage is quoted exactly, and the claim anchors exactly it.
        var passage = troops.GetProperty("passage");
        Assert.Contains("about 2,500 troops", passage.GetProperty("text").GetString());
        var evidence = troops.GetProperty("claim").GetProperty("evidence")[0];
        Assert.Equal(passage.GetProperty("start").GetInt32(), evidence.GetProperty("start").GetInt32());
        Assert.Equal(passage.GetProperty("end").GetInt32(), evidence.GetProperty("end").GetInt32());
        Assert.Equal("draft", troops.GetProperty("claim").GetProperty("status").GetString());

        var deadline = Find(list, "date", "by September 2026");
        Assert.Equal("deadline", deadline.GetProperty("property").GetString());
        Assert.Equal("2026-09", deadline.GetProperty("value").GetProperty("date").GetString());
        Assert.Equal("by", deadline.GetProperty("value").GetProperty("modifier").GetString());

        var wounded = Find(list, "quantity", "Seven");
        Assert.Equal("wounded", wounded.GetProperty("property").GetString());
        Assert.NotEqual(troops.GetProperty("paragraph").GetInt32(), wounded.GetProperty("paragraph").GetInt32());

        // What the agency said is a statement of its words, asserted by it.
        var said = list.GetProperty("items").EnumerateArray().Single(s => s.GetProperty("kind").GetString() == "attribution"
            && s.GetProperty("passage").GetProperty("text").GetString()!.StartsWith("The withdrawal will be complete"));
        Assert.Equal("statement", said.GetProperty("property").GetString());
        Assert.Equal("The withdrawal will be complete by September 2026", said.GetProperty("value").GetProperty("text").GetString());
        Assert.Equal(a.AgencyId, said.GetProperty("claim").GetProperty("assertedById").GetInt64());

        // The same text, subjects and vocabulary give the same suggestions.
        var again = await ListAsync(api.CreateClient(), a.SourceId);
        Assert.Equal(list.GetProperty("items").ToString(), again.GetProperty("items").ToString());
    }

    [Fact]
    public async Task Accepting_a_suggestion_writes_a_draft_claim_on_its_passage_and_it_is_not_proposed_again()
    {
        var a = await ArticleAsync();
        var troops = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500");
        var id = troops.GetProperty("id").GetString()!;

        var response = await AcceptAsync(a.Curator, a.SourceId, new { id });
        var body = await response.ReadJsonAsync(HttpStatusCode.Created);
        var claim = body.GetProperty("accepted")[0].GetProperty("claim");
        Assert.Equal(id, body.GetProperty("accepted")[0].GetProperty("suggestion").GetString());
        Assert.Equal("draft", claim.GetProperty("status").GetString());
        Assert.Equal(a.Force, claim.GetProperty("subject").GetProperty("name").GetString());
        Assert.Equal("troop_count", claim.GetProperty("property").GetProperty("key").GetString());
        Assert.Equal(a.Agency, claim.GetProperty("assertedBy").GetProperty("name").GetString());
        Assert.Equal(troops.GetProperty("passage").GetProperty("text").GetString(), claim.GetProperty("evidence")[0].GetProperty("exact").GetString());
        var claimId = claim.GetProperty("id").GetInt64();
        Assert.Equal($"/claims/{claimId}", response.Headers.Location?.ToString());

        var after = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500");
        Assert.Equal("accepted", after.GetProperty("state").GetString());
        Assert.Equal(claimId, after.GetProperty("decision").GetProperty("claimId").GetInt64());
        var open = await ListAsync(api.CreateClient(), a.SourceId, "?state=open");
        Assert.DoesNotContain(open.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == id);

        var twice = await (await AcceptAsync(a.Curator, a.SourceId, new { id })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(claimId, twice.GetProperty("claimId").GetInt64());
    }

    [Fact]
    public async Task A_claim_written_by_hand_on_an_overlapping_passage_with_the_same_value_marks_the_suggestion_claimed()
    {
        var a = await ArticleAsync();
        var written = await (await a.Curator.PostJsonAsync("/claims", new
        {
            subjectId = a.ForceId, property = "troop_count",
            value = new { kind = "quantity", amount = 2500, approximation = "approximate", statedAs = "about 2,500 troops" },
            evidence = new[] { new { sourceId = a.SourceId, exact = "about 2,500 troops in the valley" } },
        })).ReadJsonAsync(HttpStatusCode.Created);
        var claimId = written.GetProperty("id").GetInt64();
        // A claim of another value on the same passage does not claim the date or the other figures.
        var list = await ListAsync(api.CreateClient(), a.SourceId);
        var troops = Find(list, "quantity", "about 2,500");
        Assert.Equal("claimed", troops.GetProperty("state").GetString());
        Assert.Equal([claimId], troops.GetProperty("claimedBy").EnumerateArray().Select(c => c.GetInt64()));
        Assert.Equal("open", Find(list, "quantity", "Seven").GetProperty("state").GetString());
        Assert.Equal(1, list.GetProperty("counts").GetProperty("claimed").GetInt32());

        var refused = await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops.GetProperty("id").GetString() })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Contains($"claim {claimId}", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_preview_names_the_claims_it_would_conflict_and_agree_with_and_writes_nothing()
    {
        var a = await ArticleAsync();
        var other = await a.Curator.CreateSourceAsync(Samples.Source(body: $"[Invented.] Counts differ: 3,000 troops here, 2,400 troops there. {Word()}"));
        var otherId = other.GetProperty("id").GetInt64();
        async Task<long> ClaimAsync(int amount, string exact) => (await (await a.Curator.PostJsonAsync("/claims", new
        {
            subjectId = a.ForceId, property = "troop_count", value = new { kind = "quantity", amount, statedAs = exact },
            evidence = new[] { new { sourceId = otherId, exact } },
        })).ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var higher = await ClaimAsync(3000, "3,000 troops");
        var agreeing = await ClaimAsync(2400, "2,400 troops");

        var id = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500").GetProperty("id").GetString();
        var rows = await api.CountRowsAsync();
        var one = await api.CreateClient().GetJsonAsync($"/sources/{a.SourceId}/suggestions/{id}");
        var preview = one.GetProperty("preview");
        var conflict = Assert.Single(preview.GetProperty("conflicts").EnumerateArray());
        Assert.Equal(higher, conflict.GetProperty("claimId").GetInt64());
        Assert.Equal("quantity", conflict.GetProperty("rule").GetString());
        Assert.Contains("3,000", conflict.GetProperty("text").GetString());
        Assert.Equal(agreeing, Assert.Single(preview.GetProperty("agrees").EnumerateArray()).GetProperty("claimId").GetInt64());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("refused").ValueKind);

        // The list previews every open complete suggestion the same way.
        var listed = Find(await ListAsync(api.CreateClient(), a.SourceId, "?preview=true"), "quantity", "about 2,500");
        Assert.Equal(preview.ToString(), listed.GetProperty("preview").ToString());
        Assert.Equal(JsonValueKind.Null, Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500").GetProperty("preview").ValueKind);
        Assert.Equal(rows, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Accepting_several_is_all_or_nothing_and_the_refusal_names_the_item_and_field_as_post_claims_would()
    {
        var a = await ArticleAsync();
        var list = await ListAsync(api.CreateClient(), a.SourceId);
        var troops = Find(list, "quantity", "about 2,500").GetProperty("id").GetString();
        var wounded = Find(list, "quantity", "Seven").GetProperty("id").GetString();
        var rows = await api.CountRowsAsync();

        // A count may not be negative: the claim write path's 422, named below the item.
        var negative = await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops },
            new { id = wounded, changes = new { value = new { kind = "quantity", amount = -7 } } })).ReadProblemAsync((HttpStatusCode)422, "suggestions[1].value.amount");
        Assert.Equal(wounded, negative.GetProperty("suggestion").GetString());
        // An exact quantity needs its amount: the validator's 400, named below the item.
        var noAmount = await (await AcceptAsync(a.Curator, a.SourceId,
            new { id = troops, changes = new { value = new { kind = "quantity", approximation = "exact" } } })).ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions[0].value.amount");
        Assert.Equal(troops, noAmount.GetProperty("suggestion").GetString());
        // A subject nobody has: 422 as POST /claims says it.
        await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops, changes = new { subject = $"Nobody {Word()}" } }))
            .ReadProblemAsync((HttpStatusCode)422, "suggestions[0].subject");
        await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops, changes = new { status = "verified" } }))
            .ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions[0].changes");
        Assert.Equal(rows, await api.CountRowsAsync());

        // Both at once, the second edited: two draft claims in one transaction.
        var both = await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops },
            new { id = wounded, changes = new { value = new { kind = "quantity", amount = 8, statedAs = "Eight" }, note = "The agency later said eight." } }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var edited = both.GetProperty("accepted")[1].GetProperty("claim");
        Assert.Equal(8m, edited.GetProperty("value").GetProperty("amount").GetDecimal());
        Assert.Equal("The agency later said eight.", edited.GetProperty("note").GetString());
        Assert.Equal("wounded", edited.GetProperty("property").GetProperty("key").GetString());
        // An edited value is not the suggestion's any more, and yet it is not proposed again: it was accepted.
        Assert.Equal("accepted", Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "Seven").GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_incomplete_suggestion_needs_the_missing_field_and_takes_it_as_a_change()
    {
        var a = await ArticleAsync($"[Invented report for tests.]\n\nAbout 40 rockets hit the {Word()} depot, where 300 troops are stationed.");
        var troops = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "300");
        Assert.Contains("subject", troops.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(JsonValueKind.Null, troops.GetProperty("claim").GetProperty("subjectId").ValueKind);
        var id = troops.GetProperty("id").GetString();

        await (await AcceptAsync(a.Curator, a.SourceId, new { id })).ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions[0].subject");
        var made = await (await AcceptAsync(a.Curator, a.SourceId, new { id, changes = new { subject = a.Force } })).ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(a.ForceId, made.GetProperty("accepted")[0].GetProperty("claim").GetProperty("subject").GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task A_dismissed_suggestion_stays_dismissed_for_its_revision_and_an_old_revisions_suggestion_is_refused_naming_the_current_one()
    {
        var a = await ArticleAsync();
        var list = await ListAsync(api.CreateClient(), a.SourceId);
        var deadline = Find(list, "date", "by September 2026").GetProperty("id").GetString()!;
        var troops = Find(list, "quantity", "about 2,500").GetProperty("id").GetString()!;

        var dismissed = await (await a.Curator.PostJsonAsync($"/sources/{a.SourceId}/suggestions/dismiss", new { suggestions = new[] { deadline }, reason = "a plan, not a deadline" }))
            .ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal([deadline], dismissed.GetProperty("dismissed").EnumerateArray().Select(d => d.GetString()));
        var after = Find(await ListAsync(api.CreateClient(), a.SourceId), "date", "by September 2026");
        Assert.Equal("dismissed", after.GetProperty("state").GetString());
        Assert.Equal("a plan, not a deadline", after.GetProperty("decision").GetProperty("reason").GetString());
        Assert.StartsWith("curator-", after.GetProperty("decision").GetProperty("by").GetString());
        Assert.Equal(1, (await ListAsync(api.CreateClient(), a.SourceId, "?state=dismissed")).GetProperty("items").GetArrayLength());

        // A corrected text: its own suggestions, none dismissed; the first revision's stay as they were.
        var source = await api.CreateClient().GetJsonAsync($"/sources/{a.SourceId}");
        var corrected = source.GetProperty("body").GetString()!.Replace("about 2,500", "about 2,600");
        await (await a.Curator.PostJsonAsync($"/sources/{a.SourceId}/revisions", new { body = corrected })).ReadJsonAsync(HttpStatusCode.Created);
        var second = await ListAsync(api.CreateClient(), a.SourceId);
        Assert.Equal(2, second.GetProperty("revision").GetInt32());
        Assert.Equal("open", Find(second, "date", "by September 2026").GetProperty("state").GetString());
        Assert.StartsWith("r2-", Find(second, "quantity", "about 2,600").GetProperty("id").GetString());
        Assert.Equal("dismissed", Find(await ListAsync(api.CreateClient(), a.SourceId, "?revision=1"), "date", "by September 2026").GetProperty("state").GetString());

        var old = await (await AcceptAsync(a.Curator, a.SourceId, new { id = troops })).ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(2, old.GetProperty("currentRevision").GetInt32());
        Assert.Contains("revision 2", old.GetProperty("detail").GetString());
        await (await a.Curator.PostJsonAsync($"/sources/{a.SourceId}/suggestions/dismiss", new { suggestions = new[] { troops } })).ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Unknown_suggestions_are_404_malformed_ids_400_and_writes_need_a_curator_key()
    {
        var a = await ArticleAsync();
        var reader = api.CreateClient();
        var missing = await (await reader.GetAsync($"/sources/{a.SourceId}/suggestions/r1-q1-2")).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("r1-q1-2", missing.GetProperty("suggestion").GetString());
        await (await reader.GetAsync($"/sources/{a.SourceId}/suggestions/nonsense")).ReadProblemAsync(HttpStatusCode.BadRequest, "suggestion");
        await (await reader.GetAsync($"/sources/{a.SourceId}/suggestions/r9-q1-2")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await reader.GetAsync("/sources/999999999/suggestions")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await reader.GetAsync($"/sources/{a.SourceId}/suggestions?state=maybe")).ReadProblemAsync(HttpStatusCode.BadRequest, "state");
        await (await AcceptAsync(a.Curator, a.SourceId, new { id = "r1-q1-2" })).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await AcceptAsync(a.Curator, a.SourceId, new { id = "q1-2" })).ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions[0].id");
        await (await a.Curator.PostAsync($"/sources/{a.SourceId}/suggestions/dismiss", Http.Json("""{"suggestions":[null]}""")))
            .ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions[0]");
        await (await AcceptAsync(a.Curator, 999999999, new { id = "r1-q1-2" })).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await a.Curator.PostJsonAsync($"/sources/{a.SourceId}/suggestions/accept", new { suggestions = Array.Empty<object>() }))
            .ReadProblemAsync(HttpStatusCode.BadRequest, "suggestions");

        var id = Find(await ListAsync(reader, a.SourceId), "quantity", "about 2,500").GetProperty("id").GetString();
        await (await reader.PostAsJsonAsync($"/sources/{a.SourceId}/suggestions/accept", new { suggestions = new[] { new { id } } })).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await reader.PostAsJsonAsync($"/sources/{a.SourceId}/suggestions/dismiss", new { suggestions = new[] { id } })).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_idempotency_key_replays_an_accept_without_writing_twice()
    {
        var a = await ArticleAsync();
        var id = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500").GetProperty("id").GetString();
        var key = $"accept-{Samples.Unique()}";
        async Task<HttpResponseMessage> SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/sources/{a.SourceId}/suggestions/accept")
            {
                Content = JsonContent.Create(new { suggestions = new[] { new { id } } }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return await a.Curator.SendAsync(request);
        }
        var first = await (await SendAsync()).ReadJsonAsync(HttpStatusCode.Created);
        var replay = await SendAsync();
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.ToString(), (await replay.ReadJsonAsync(HttpStatusCode.Created)).ToString());
        var claims = await api.CreateClient().GetJsonAsync($"/claims?source={a.SourceId}");
        Assert.Single(claims.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_source_with_no_figure_gives_an_empty_list()
    {
        var a = await ArticleAsync($"[Invented.] Nothing here is counted or dated; the weather was fine {Word()}.");
        var list = await ListAsync(api.CreateClient(), a.SourceId);
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        Assert.Equal(0, list.GetProperty("counts").GetProperty("open").GetInt32());
    }

    [Fact]
    public async Task A_preview_that_meets_a_passage_stored_meanwhile_at_its_span_starts_over_instead_of_answering_503()
    {
        var a = await ArticleAsync();
        var troops = Find(await ListAsync(api.CreateClient(), a.SourceId), "quantity", "about 2,500");
        var passage = troops.GetProperty("passage");

        // Another write, not committed yet, stores a passage at the suggestion's span.
        await using var side = await api.Db.OpenConnectionAsync();
        await using var tx = await side.BeginTransactionAsync();
        await side.ExecuteAsync("""
            insert into passages (source_id, revision_id, start_offset, end_offset, exact, prefix, suffix, created_by)
            select r.source_id, r.id, @start, @end, @exact, '', '', (select id from curators order by id limit 1)
            from source_revisions r where r.source_id = @source order by r.number desc limit 1
            """, new { source = a.SourceId, start = passage.GetProperty("start").GetInt32(), end = passage.GetProperty("end").GetInt32(),
                       exact = passage.GetProperty("text").GetString() }, tx);

        // The preview takes its snapshot, then waits on that passage's key; the write commits while it waits, so the
        // preview's snapshot cannot see the passage its insert now meets: a serialization failure, met by starting over.
        var preview = api.CreateClient().GetAsync($"/sources/{a.SourceId}/suggestions/{troops.GetProperty("id").GetString()}");
        await using (var watcher = await api.Db.OpenConnectionAsync())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (!await watcher.ExecuteScalarAsync<bool>(
                       "select exists (select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock')"))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60) && !preview.IsCompleted, "the preview never waited on the passage");
                await Task.Delay(50);
            }
        }
        await tx.CommitAsync();

        var view = await (await preview).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(troops.GetProperty("id").GetString(), view.GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_source_at_the_body_limit_is_answered_in_one_pass()
    {
        var curator = await api.CuratorClientAsync();
        var force = $"Kestrel Brigade {Word()}";
        await curator.CreateSubjectAsync(force);
        var paragraph = $"The {force} has about 2,500 troops in the valley, officials said on Monday, and 40 more arrived by September 2026.\n\n";
        var body = new StringBuilder($"[Invented report for tests: {Word()}]\n\n");
        while (body.Length + paragraph.Length < 1_000_000) body.Append(paragraph);
        var source = await curator.CreateSourceAsync(Samples.Source(body: body.ToString()));
        var a = new { SourceId = source.GetProperty("id").GetInt64() };
        var list = await ListAsync(api.CreateClient(), a.SourceId, "?kind=date");
        var paragraphs = (1_000_000 - 40) / paragraph.Length;
        Assert.InRange(list.GetProperty("items").GetArrayLength(), paragraphs, paragraphs * 3);
        Assert.All(list.GetProperty("items").EnumerateArray(), s => Assert.Equal("date", s.GetProperty("kind").GetString()));
    }
}
