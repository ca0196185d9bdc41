using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using NpgsqlTypes;

namespace ClaimTracker.Tests.Replication;

/// <summary>
/// The consistency token on one server (the default deployment): every write answer carries one, a read sends it
/// back and is served, and a token that this database cannot honour is a 400 naming the header, at once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ConsistencyTokenTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Header = ConsistencyToken.Header;

    private static HttpRequestMessage Get(string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (token is not null) request.Headers.TryAddWithoutValidation(Header, token);
        return request;
    }

    private static ConsistencyToken TokenOf(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(Header, out var values), $"{(int)response.StatusCode} without {Header}");
        Assert.True(ConsistencyToken.TryParse(values.Single(), out var token), $"{Header}: {values.Single()} does not read");
        return token;
    }

    [Fact]
    public async Task Every_write_answer_carries_a_token_at_or_after_its_commit_and_a_replayed_answer_one_too()
    {
        var world = await World.CreateAsync(api);
        var key = $"token-{Samples.Unique()}";
        HttpRequestMessage Create() => new(HttpMethod.Post, "/claims")
        {
            Content = new StringContent(JsonSerializer.Serialize(world.Claim()), Encoding.UTF8, "application/json"),
            Headers = { { "Idempotency-Key", key } },
        };

        var created = await world.Curator.SendAsync(Create());
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var token = TokenOf(created);
        var replayed = await world.Curator.SendAsync(Create());
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = new StringContent("""{"note": "second", "reason": "a second look"}""", Encoding.UTF8, "application/json") };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        var revised = await world.Curator.SendAsync(patch);

        await using var connection = await api.Db.OpenConnectionAsync();
        var (system, committedAt) = await connection.QuerySingleAsync<(long, string)>(
            "select system_identifier, pg_current_wal_insert_lsn()::text from pg_control_system()");
        Assert.Equal(unchecked((ulong)system), token.System);
        Assert.True(token.Position <= (ulong)NpgsqlLogSequenceNumber.Parse(committedAt));
        Assert.Equal("true", replayed.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.True(TokenOf(replayed).Position >= token.Position);
        await revised.ReadJsonAsync(HttpStatusCode.OK);
        Assert.True(TokenOf(revised).Position > token.Position);
    }

    [Fact]
    public async Task A_refused_write_and_a_read_carry_no_token()
    {
        var world = await World.CreateAsync(api);

        var refused = await world.Curator.PostJsonAsync("/claims", world.Claim(("property", "no_such_property")));
        var read = await api.CreateClient().GetAsync($"/sources/{world.SourceId}");

        Assert.True((int)refused.StatusCode is >= 400 and < 500, $"{(int)refused.StatusCode}");
        Assert.False(refused.Headers.Contains(Header));
        Assert.False(read.Headers.Contains(Header));
    }

    [Fact]
    public async Task A_read_that_sends_its_writes_token_sees_the_write()
    {
        var world = await World.CreateAsync(api);
        var created = await world.Curator.PostJsonAsync("/claims", world.Claim());
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();

        var read = await api.CreateClient().SendAsync(Get($"/claims/{id}", TokenOf(created).ToString()));
        var listed = await api.CreateClient().SendAsync(Get($"/claims?subject={world.SubjectId}", TokenOf(created).ToString()));

        Assert.Equal(id, (await read.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("id").GetInt64());
        Assert.Contains(id, (await listed.ReadJsonAsync(HttpStatusCode.OK)).Ids());
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("0/16B3748")]
    [InlineData("7437311437185884183-0/16B3748-1")]
    [InlineData("7437311437185884183:0/16B3748")]
    [InlineData("99999999999999999999-0/16B3748")]
    [InlineData("7437311437185884183-0/1FFFFFFFF")]
    public async Task A_malformed_token_is_a_400_naming_the_header(string token)
    {
        var response = await api.CreateClient().SendAsync(Get("/sources?limit=1", token));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest, Header);
        Assert.Contains(ConsistencyToken.Example, problem.GetProperty("errors").GetProperty(Header)[0].GetString());
    }

    [Fact]
    public async Task Two_tokens_in_one_request_are_a_400_naming_the_header()
    {
        var request = Get("/subjects?limit=1", null);
        request.Headers.TryAddWithoutValidation(Header, ["1-0/1", "2-0/2"]);

        var response = await api.CreateClient().SendAsync(request);

        await response.ReadProblemAsync(HttpStatusCode.BadRequest, Header);
    }

    [Fact]
    public async Task A_token_of_another_cluster_or_beyond_this_ones_newest_position_is_a_400_at_once_not_a_wait()
    {
        var world = await World.CreateAsync(api);
        var own = TokenOf(await world.Curator.PostJsonAsync("/subjects", new { name = $"Token subject {Samples.Unique()}" }));
        var otherCluster = own with { System = own.System ^ 0x5A5A };
        var future = own with { Position = own.Position + (1UL << 40) };

        var clock = Stopwatch.StartNew();
        var elsewhere = await api.CreateClient().SendAsync(Get($"/sources/{world.SourceId}", otherCluster.ToString()));
        var ahead = await api.CreateClient().SendAsync(Get($"/sources/{world.SourceId}", future.ToString()));
        var took = clock.Elapsed;

        var reason = (await elsewhere.ReadProblemAsync(HttpStatusCode.BadRequest, Header)).GetProperty("errors").GetProperty(Header)[0].GetString();
        Assert.Contains("another database cluster", reason);
        reason = (await ahead.ReadProblemAsync(HttpStatusCode.BadRequest, Header)).GetProperty("errors").GetProperty(Header)[0].GetString();
        Assert.Contains("beyond the newest", reason);
        Assert.True(took < TimeSpan.FromSeconds(5), $"two refused tokens took {took.TotalSeconds:F1} s");
    }
}
