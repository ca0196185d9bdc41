using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;
using Dapper;

namespace ClaimTracker.Tests.Platform;

/// <summary>
/// Every read answers with an ETag and a 304 to If-None-Match naming it while nothing it shows has changed; a write
/// changes the ETags of what it affects; Cache-Control is chosen per route; If-Match takes the ETag a read gave.
/// </summary>
public sealed class ConditionalReadTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static long Id(JsonElement e) => e.GetProperty("id").GetInt64();

    private static HttpRequestMessage Get(string url, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return request;
    }

    private static HttpRequestMessage Patch(string url, object body, string ifMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    private static string Tag(HttpResponseMessage response) =>
        response.Headers.ETag?.ToString() ?? throw new Xunit.Sdk.XunitException($"{response.RequestMessage?.RequestUri} answered without an ETag.");

    /// <summary>A 200 with an ETag; the same request naming it, a 304 with the same ETag and no body.</summary>
    private async Task<string> ReadAsync(string url)
    {
        var client = api.CreateClient();
        var first = await client.SendAsync(Get(url, null));
        await first.ReadJsonAsync(HttpStatusCode.OK);
        var tag = Tag(first);
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());

        var again = await client.SendAsync(Get(url, tag));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Equal(tag, Tag(again));
        Assert.Equal("no-cache", again.Headers.CacheControl?.ToString());
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        return tag;
    }

    /// <summary>After the write, the old ETag gets a 200 with a new one, which then gets a 304.</summary>
    private async Task<string> ChangedAsync(string url, string before)
    {
        var client = api.CreateClient();
        var after = await client.SendAsync(Get(url, before));
        await after.ReadJsonAsync(HttpStatusCode.OK);
        var tag = Tag(after);
        Assert.NotEqual(before, tag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(Get(url, tag))).StatusCode);
        return tag;
    }

    private static Task<JsonElement> ConflictingClaimAsync(World world) =>
        world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000 }), ("assertedBy", world.Asserter),
            ("evidence", world.Evidence("3,000 US troops remained")));

    [Fact]
    public async Task A_claim_is_not_modified_until_it_is_revised_and_its_read_etag_is_what_if_match_takes()
    {
        var world = await World.CreateAsync(api);
        var id = Id(await world.CreateClaimAsync());
        var url = $"/claims/{id}";
        var tag = await ReadAsync(url);
        Assert.Matches("^\"v1-[0-9a-f]{16}\"$", tag);

        var revised = await world.Curator.SendAsync(Patch(url, new { reason = "Checked", note = "Checked against the briefing." }, tag));
        await revised.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"v2\"", Tag(revised));

        Assert.StartsWith("\"v2-", await ChangedAsync(url, tag));
        // The version is what If-Match compares: the ETag read before the revision is stale.
        await (await world.Curator.SendAsync(Patch(url, new { reason = "Again", note = "Again." }, tag))).ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await world.Curator.SendAsync(Patch(url, new { reason = "Again", note = "Again." }, "\"v2-not-a-hash\""))).ReadProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_claim_whose_conflicts_change_gets_a_new_etag_with_the_same_version()
    {
        var world = await World.CreateAsync(api);
        var id = Id(await world.CreateClaimAsync());
        var url = $"/claims/{id}";
        var tag = await ReadAsync(url);

        await ConflictingClaimAsync(world);

        var now = await ChangedAsync(url, tag);
        Assert.StartsWith("\"v1-", now);
        Assert.Equal(1, (await api.CreateClient().GetJsonAsync(url)).GetProperty("conflictCount").GetInt32());
    }

    [Fact]
    public async Task A_list_of_claims_is_not_modified_until_a_claim_is_added()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var url = $"/claims?subject={world.SubjectId}&facet=source";
        var tag = await ReadAsync(url);

        await world.CreateClaimAsync(("evidence", world.Evidence("Another official put the number at 2,500 exactly")));

        await ChangedAsync(url, tag);
        Assert.Equal(2, (await api.CreateClient().GetJsonAsync(url)).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_conflict_is_not_modified_until_a_curator_acknowledges_it_with_the_etag_read()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var conflict = (await ConflictingClaimAsync(world)).GetProperty("conflicts")[0].GetProperty("id").GetInt64();
        var url = $"/conflicts/{conflict}";
        var tag = await ReadAsync(url);
        Assert.Matches("^\"v1-[0-9a-f]{16}\"$", tag);

        var acknowledged = await world.Curator.SendAsync(Patch(url, new { status = "acknowledged" }, tag));
        await acknowledged.ReadJsonAsync(HttpStatusCode.OK);

        Assert.StartsWith("\"v2-", await ChangedAsync(url, tag));
    }

    [Fact]
    public async Task The_conflicts_board_is_not_modified_until_a_conflict_opens()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var url = $"/conflicts?status=open&subject={world.SubjectId}&limit=100";
        var tag = await ReadAsync(url);

        await ConflictingClaimAsync(world);

        await ChangedAsync(url, tag);
        Assert.Single((await api.CreateClient().GetJsonAsync(url)).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_figure_look_up_is_not_modified_until_a_claim_states_the_figure()
    {
        var world = await World.CreateAsync(api);
        var unit = $"units-{Samples.Unique()}";
        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit, statedAs = "2,500" }));
        var url = $"/figures?value=2,500&unit={unit}";
        var tag = await ReadAsync(url);

        await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 2500, unit }),
            ("evidence", world.Evidence("Another official put the number at 2,500 exactly")));

        await ChangedAsync(url, tag);
        Assert.Equal(2, (await api.CreateClient().GetJsonAsync(url)).GetProperty("claimCount").GetInt64());
    }

    [Fact]
    public async Task A_source_is_not_modified_until_a_passage_is_anchored_in_it()
    {
        var world = await World.CreateAsync(api);
        var url = $"/sources/{world.SourceId}";
        var tag = await ReadAsync(url);

        await world.Curator.CreatePassageAsync(world.SourceId, new { exact = "Hundreds of attacks targeted US bases." });

        await ChangedAsync(url, tag);
        Assert.Equal(1, (await api.CreateClient().GetJsonAsync(url)).GetProperty("passageCount").GetInt64());
    }

    [Fact]
    public async Task A_subject_is_not_modified_until_it_gets_an_alias()
    {
        var world = await World.CreateAsync(api);
        var url = $"/subjects/{world.SubjectId}";
        var tag = await ReadAsync(url);

        var alias = $"{world.Subject} nickname";
        await (await world.Curator.PostJsonAsync($"/subjects/{world.SubjectId}/aliases", new { alias })).ReadJsonAsync(HttpStatusCode.OK);

        await ChangedAsync(url, tag);
        Assert.Contains(alias, (await api.CreateClient().GetJsonAsync(url)).GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_refused_write_changes_no_etag()
    {
        var world = await World.CreateAsync(api);
        var url = $"/claims?subject={world.SubjectId}";
        var tag = await ReadAsync(url);

        // The first quote's passage is anchored (inserted) before the second is found missing: all of it is rolled back.
        var refused = await world.Curator.PostJsonAsync("/claims", world.Claim(("evidence", new[]
        {
            new { sourceId = world.SourceId, exact = "Seven US troops were wounded in a raid on August 29." },
            new { sourceId = world.SourceId, exact = "words that are nowhere in the article" },
        })));
        await refused.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "evidence[1].exact");

        Assert.Equal(HttpStatusCode.NotModified, (await api.CreateClient().SendAsync(Get(url, tag))).StatusCode);
    }

    [Fact]
    public async Task A_304_reads_none_of_the_tables_the_answer_does()
    {
        var world = await World.CreateAsync(api);
        var id = Id(await world.CreateClaimAsync());
        var claim = await ReadAsync($"/claims/{id}");
        var list = await ReadAsync($"/sources?outlet=Test%20Wire");

        await using var side = await api.Db.OpenConnectionAsync();
        await using var tx = await side.BeginTransactionAsync();
        // The claim's evidence, every source and the kept answers are locked against any read: a 304 still comes, the
        // answer waits.
        await side.ExecuteAsync("lock table claim_evidence, sources, claim_documents in access exclusive mode", transaction: tx);
        var client = api.CreateClient();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(Get($"/claims/{id}", claim), timeout.Token)).StatusCode);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(Get("/sources?outlet=Test%20Wire", list), timeout.Token)).StatusCode);
        }
        var full = client.GetAsync($"/claims/{id}");
        Assert.NotSame(full, await Task.WhenAny(full, Task.Delay(TimeSpan.FromSeconds(1))));
        await tx.RollbackAsync();
        await (await full).ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_change_feed_changes_when_a_transaction_it_waited_for_rolls_back()
    {
        var world = await World.CreateAsync(api);
        var client = api.CreateClient();
        // The end of the feed as it stands.
        string? cursor = null;
        while (true)
        {
            var page = await client.GetJsonAsync("/changes?limit=200" + (cursor is null ? "" : $"&since={cursor}"));
            cursor = page.GetProperty("nextCursor").GetString();
            if (page.GetProperty("items").GetArrayLength() == 0) break;
        }
        var url = $"/changes?since={cursor}";

        await using var side = await api.Db.OpenConnectionAsync();
        await using var tx = await side.BeginTransactionAsync();
        await side.ExecuteAsync("insert into curators (name) values (@name)", new { name = $"held-{Samples.Unique()}" }, tx);
        var id = Id(await world.CreateClaimAsync());

        // The new claim's change waits behind the open transaction.
        var held = await client.SendAsync(Get(url, null));
        Assert.Empty((await held.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        var tag = Tag(held);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(Get(url, tag))).StatusCode);

        // Rolled back, it changed nothing it wrote, but the change behind it is now in the feed. Other test classes
        // share the server: a transaction of theirs older than this one holds the feed back the same way until it ends
        // (seen with the embedded server in a full run), so the feed is asked again until then.
        await tx.RollbackAsync();
        HttpResponseMessage released;
        var patience = DateTime.UtcNow.AddSeconds(60);
        while ((released = await client.SendAsync(Get(url, tag))).StatusCode == HttpStatusCode.NotModified && DateTime.UtcNow < patience)
        {
            await Task.Delay(100);
        }
        var items = (await released.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("items");
        Assert.Contains(items.EnumerateArray(), i => i.GetProperty("claimId").GetInt64() == id);
        Assert.NotEqual(tag, Tag(released));
    }

    [Fact]
    public async Task Folding_the_counts_of_backends_that_are_gone_changes_no_etag()
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        // Two backends that ran once and are gone (no backend has these pids).
        await connection.ExecuteAsync("insert into change_counts (backend, changes) values (2147483001, 5), (2147483002, 7)");
        var url = "/properties";
        var tag = await ReadAsync(url);

        Assert.True(await connection.ExecuteScalarAsync<int>("select fold_change_counts()") >= 2);

        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from change_counts where backend in (2147483001, 2147483002)"));
        Assert.Equal(HttpStatusCode.NotModified, (await api.CreateClient().SendAsync(Get(url, tag))).StatusCode);
    }

    [Fact]
    public async Task Every_table_counts_its_changes_but_those_no_answer_reads()
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        var uncounted = await connection.QueryAsync<string>("""
            select t.tablename from pg_tables t
            where t.schemaname = current_schema()
              and not exists (select 1 from pg_trigger g join pg_class c on c.oid = g.tgrelid
                              where c.relname = t.tablename and c.relnamespace = current_schema()::regnamespace
                                and g.tgname = t.tablename || '_count_change' and g.tgenabled <> 'D')
            order by 1
            """);
        Assert.Equal(["api_keys", "change_counts", "claim_document_epoch", "claim_documents", "claim_group_epochs", "idempotency_keys", "kept_answers", "schema_migrations"], uncounted);
    }

    [Fact]
    public async Task Cache_control_keeps_reads_for_revalidation_the_documents_a_while_and_nothing_sent_with_a_key()
    {
        var world = await World.CreateAsync(api);
        var anonymous = api.CreateClient();

        async Task<string?> CacheControl(HttpClient client, HttpRequestMessage request) =>
            (await client.SendAsync(request)).Headers.CacheControl?.ToString();

        Assert.Equal("no-cache", await CacheControl(anonymous, Get("/claims", null)));
        Assert.Equal("no-store", await CacheControl(world.Curator, Get("/claims", null)));
        Assert.Equal("no-store", await CacheControl(anonymous, Get("/claims/999999999", null)));
        Assert.Equal("no-store", await CacheControl(world.Curator, new HttpRequestMessage(HttpMethod.Post, "/subjects")
            { Content = JsonContent.Create(new { name = $"Test body {Samples.Unique()}" }) }));
        Assert.Equal("no-store", await CacheControl(anonymous, Get("/health/live", null)));
        Assert.Equal("no-store", await CacheControl(anonymous, Get("/docs", null)));
        Assert.Equal("no-cache", await CacheControl(anonymous, Get("/", null)));
        Assert.Equal("public, max-age=300", await CacheControl(anonymous, Get("/js/app.js", null)));

        var document = await anonymous.SendAsync(Get("/openapi/v1.json", null));
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Equal("public, max-age=300", document.Headers.CacheControl?.ToString());
        var again = await anonymous.SendAsync(Get("/openapi/v1.json", Tag(document)));
        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
    }
}
