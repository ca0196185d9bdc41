using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Reliability;

/// <summary>An app whose pool is small enough that leaked connections would exhaust it within a few rounds.</summary>
public sealed class SmallPoolApiFactory(PostgresServer server) : ApiFactory(server)
{
    public const int PoolSize = 40;

    protected override IEnumerable<(string Key, string Value)> Settings =>
        [("ConnectionStrings:ClaimTracker", ConnectionString + $";Maximum Pool Size={PoolSize}")];
}

public sealed class IdempotencyTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Post(string url, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task A_retry_with_the_same_key_and_body_returns_the_first_answer_and_writes_nothing()
    {
        var world = await World.CreateAsync(api);
        var key = $"k-{Samples.Unique()}";
        var body = world.Claim();

        var first = await world.Curator.SendAsync(Post("/claims", body, key));
        var created = await first.ReadJsonAsync(HttpStatusCode.Created);
        var before = await api.CountRowsAsync();
        var retry = await world.Curator.SendAsync(Post("/claims", body, key));

        var replayed = await retry.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(created.GetProperty("id").GetInt64(), replayed.GetProperty("id").GetInt64());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_with_422()
    {
        var world = await World.CreateAsync(api);
        var key = $"k-{Samples.Unique()}";
        await (await world.Curator.SendAsync(Post("/claims", world.Claim(), key))).ReadJsonAsync(HttpStatusCode.Created);
        var before = await api.CountRowsAsync();

        var other = await world.Curator.SendAsync(Post("/claims", world.Claim(("note", "different")), key));

        await other.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "Idempotency-Key");
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_write_once_and_all_get_the_same_answer()
    {
        var world = await World.CreateAsync(api);
        var key = $"k-{Samples.Unique()}";
        var body = Samples.Source();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => world.Curator.SendAsync(Post("/sources", body, key))));

        var ids = new List<long>();
        foreach (var response in responses) ids.Add((await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64());
        Assert.Single(ids.Distinct());
        var page = await api.CreateClient().GetJsonAsync($"/sources?outlet={Uri.EscapeDataString((string)body["outlet"]!)}&limit=200");
        Assert.Single(page.GetProperty("items").EnumerateArray(), s => s.GetProperty("title").GetString() == (string)body["title"]!);
    }

    [Fact]
    public async Task Keys_belong_to_their_curator_and_a_failed_write_leaves_the_key_free()
    {
        var world = await World.CreateAsync(api);
        var other = await api.CuratorClientAsync();
        var key = $"k-{Samples.Unique()}";

        var refused = await world.Curator.SendAsync(Post("/claims", world.Claim(("property", "no_such_property")), key));
        await refused.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "property");
        var mine = await (await world.Curator.SendAsync(Post("/claims", world.Claim(), key))).ReadJsonAsync(HttpStatusCode.Created);
        var theirs = await (await other.SendAsync(Post("/claims", world.Claim(), key))).ReadJsonAsync(HttpStatusCode.Created);

        Assert.NotEqual(mine.GetProperty("id").GetInt64(), theirs.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task An_import_retried_with_its_key_is_answered_from_the_record()
    {
        var curator = await api.CuratorClientAsync();
        var key = $"k-{Samples.Unique()}";
        var u = Samples.Unique();
        var ndjson = JsonSerializer.Serialize(new { type = "source", @ref = "s1", title = $"Idem {u}", body = $"Idempotent import {u}.", language = "en" }) + "\n";
        HttpRequestMessage Import(string text)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/import") { Content = new StringContent(text, Encoding.UTF8, "application/x-ndjson") };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        var first = await (await curator.SendAsync(Import(ndjson))).ReadJsonAsync(HttpStatusCode.OK);
        var before = await api.CountRowsAsync();
        var again = await curator.SendAsync(Import(ndjson));
        var replay = await again.ReadJsonAsync(HttpStatusCode.OK);
        var changed = await curator.SendAsync(Import(ndjson.Replace("Idem", "Other")));

        Assert.Equal(first.GetProperty("imported").GetProperty("sources").GetInt64(), replay.GetProperty("imported").GetProperty("sources").GetInt64());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        await changed.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "Idempotency-Key");
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_malformed_key_is_refused()
    {
        var world = await World.CreateAsync(api);

        await (await world.Curator.SendAsync(Post("/claims", world.Claim(), new string('k', 300)))).ReadProblemAsync(HttpStatusCode.BadRequest, "Idempotency-Key");
    }
}

public sealed class IdempotencyRaceTests(SmallPoolApiFactory api) : IClassFixture<SmallPoolApiFactory>
{
    private static HttpRequestMessage Post(string url, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    [Fact]
    public async Task Racing_retries_of_one_key_leave_no_connection_behind_however_often_they_race()
    {
        var world = await World.CreateAsync(api);
        var body = world.Claim();
        // Four rounds of 32 racing copies: more losers than the app's pool holds, so a loser's connection that
        // is not given back would leave the next requests waiting for the pool.
        for (var round = 0; round < 4; round++)
        {
            var key = $"k-{Samples.Unique()}";
            var responses = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => world.Curator.SendAsync(Post("/claims", body, key))));
            var ids = new HashSet<long>();
            foreach (var response in responses) ids.Add((await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64());
            Assert.Single(ids);
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var read = await api.CreateClient().GetAsync($"/claims?subject={Uri.EscapeDataString(world.Subject)}", quick.Token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the read waited {clock.Elapsed.TotalSeconds:F1} s for a connection");
        await using var connection = await api.Db.OpenConnectionAsync();
        var stuck = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection,
            "select count(*) from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'");
        Assert.Equal(0, stuck);
    }
}
