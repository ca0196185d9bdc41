using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace ClaimTracker.Tests.Platform;

/// <summary>
/// List answers kept ready (Infrastructure/KeptAnswers.cs): the claims list, figures, conflicts, the timeline, deadlines
/// and reconciled figures answer with the bytes they last sent for the same request while the change count is the
/// one they were built at, and are built again after any write.
/// </summary>
public sealed class KeptAnswerTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private async Task<(string Body, string ETag)> ReadAsync(string url)
    {
        var response = await api.CreateClient().SendAsync(Get(url));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (body, response.Headers.ETag!.Tag);
    }

    /// <summary>The answer built from the tables now: with no answer kept anywhere, the handler runs.</summary>
    private async Task<string> BuiltAsync(string url)
    {
        api.Services.GetRequiredService<KeptAnswers>().Forget();
        await using (var connection = await api.Db.OpenConnectionAsync()) await connection.ExecuteAsync("delete from kept_answers");
        return (await ReadAsync(url)).Body;
    }

    /// <summary>Waits for the background writer to keep this answer at the count now.</summary>
    private async Task<bool> KeptAsync(string body, TimeSpan? patience = null)
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        var until = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(10));
        do
        {
            if (await connection.ExecuteScalarAsync<bool>(
                    "select exists (select 1 from kept_answers where body = @body and changes = (select sum(changes) from change_counts))",
                    new { body = Encoding.UTF8.GetBytes(body) })) return true;
            await Task.Delay(20);
        } while (DateTime.UtcNow < until);
        return false;
    }

    [Fact]
    public async Task A_list_answer_is_kept_sent_as_kept_with_its_etag_and_built_again_after_a_write()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var url = $"/claims?subject={world.SubjectId}";
        var (first, etag) = await ReadAsync(url);
        Assert.True(await KeptAsync(first), "the answer was not kept");

        // Mark the kept row, and let go of the answer the app holds: the next read sends the row as it is, without
        // running the query, and holds it from then on.
        async Task<string> MarkAsync(string was, string mark)
        {
            var marked = JsonNode.Parse(was)!;
            marked["items"]![0]!["location"] = mark;
            await using var connection = await api.Db.OpenConnectionAsync();
            Assert.Equal(1, await connection.ExecuteAsync("update kept_answers set body = @marked where body = @was",
                new { was = Encoding.UTF8.GetBytes(was), marked = Encoding.UTF8.GetBytes(marked.ToJsonString()) }));
            return marked.ToJsonString();
        }
        var markedRow = await MarkAsync(first, "kept answer");
        api.Services.GetRequiredService<KeptAnswers>().Forget();
        var (kept, keptTag) = await ReadAsync(url);
        Assert.Equal("kept answer", JsonNode.Parse(kept)!["items"]![0]!["location"]!.GetValue<string>());
        Assert.Equal(etag, keptTag);

        // Held in memory: a read no longer takes the row's bytes (marked again, they are not what is sent).
        await MarkAsync(markedRow, "kept row");
        Assert.Equal("kept answer", JsonNode.Parse((await ReadAsync(url)).Body)!["items"]![0]!["location"]!.GetValue<string>());
        var notModified = Get(url);
        notModified.Headers.TryAddWithoutValidation("If-None-Match", etag);
        Assert.Equal(HttpStatusCode.NotModified, (await api.CreateClient().SendAsync(notModified)).StatusCode);

        // Another report on the subject: the count moved, so the answer is built again, with both claims.
        await world.CreateClaimAsync(("evidence", world.Evidence("Another official put the number at 2,500 exactly")));
        var (after, afterTag) = await ReadAsync(url);
        var items = JsonNode.Parse(after)!["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.DoesNotContain(items, i => i!["location"]?.GetValue<string>() == "kept answer");
        Assert.NotEqual(etag, afterTag);

        // A browser revalidating with the tag from before the write gets the answer kept since, built by another reader.
        Assert.True(await KeptAsync(after));
        await MarkAsync(after, "kept for the next reader");
        api.Services.GetRequiredService<KeptAnswers>().Forget();
        var revalidate = Get(url);
        revalidate.Headers.TryAddWithoutValidation("If-None-Match", etag);
        var revalidated = await api.CreateClient().SendAsync(revalidate);
        Assert.Equal(HttpStatusCode.OK, revalidated.StatusCode);
        Assert.Equal(afterTag, revalidated.Headers.ETag!.Tag);
        Assert.Equal("kept for the next reader", JsonNode.Parse(await revalidated.Content.ReadAsStringAsync())!["items"]![0]!["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_answer_that_is_not_a_200_is_never_kept()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var refused = await api.CreateClient().GetAsync("/reconciled?property=troop_count");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadAsStringAsync();

        // One writer keeps answers in the order they were handed over: once a later answer is kept, the refusal would be.
        var (ok, _) = await ReadAsync($"/reconciled?subject={world.SubjectId}&property=troop_count");
        Assert.True(await KeptAsync(ok));
        Assert.False(await KeptAsync(problem, TimeSpan.Zero));
        await using var connection = await api.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from kept_answers where content_type like 'application/problem%'"));
    }

    [Fact]
    public async Task Answers_kept_at_an_older_count_are_pruned_and_current_ones_stay()
    {
        var world = await World.CreateAsync(api);
        await world.CreateClaimAsync();
        var (old, _) = await ReadAsync($"/figures?value=2500&property=troop_count");
        Assert.True(await KeptAsync(old));
        await world.CreateClaimAsync(("evidence", world.Evidence("Another official put the number at 2,500 exactly")));
        var (now, _) = await ReadAsync($"/claims?subject={world.SubjectId}");
        Assert.True(await KeptAsync(now));

        await using var connection = await api.Db.OpenConnectionAsync();
        await connection.ExecuteAsync(KeptAnswers.PruneSql);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("select count(*) from kept_answers where body = @old", new { old = Encoding.UTF8.GetBytes(old) }));
        Assert.True(await KeptAsync(now, TimeSpan.Zero));
    }

    /// <summary>
    /// Random writes (claims, revisions, retractions, evidence, aliases, source revisions, renames, conflict decisions); after
    /// each, every kept read is compared with the same read built from scratch: first the read right after the write
    /// (which must not send the answer kept before it), then the read of the answer kept since, from the table or from
    /// the app's memory by turns.
    /// </summary>
    [Fact]
    public async Task Every_kept_list_answer_equals_the_answer_built_from_scratch_after_each_random_write()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var world = await World.CreateAsync(api);
        string[] urls =
        [
            $"/claims?subject={world.SubjectId}&facet=source",
            $"/figures?value=2,500&property=troop_count",
            $"/conflicts?subject={world.SubjectId}&status=open",
            $"/reconciled?subject={world.SubjectId}&property=troop_count",
            "/timeline?limit=5",
        ];
        var asserterId = (await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(world.Asserter)}"))
            .GetProperty("items")[0].GetProperty("id").GetInt64();
        var writes = new RandomWrites(api, world, random) { Renamable = [asserterId] };

        foreach (var url in urls) Assert.True(await KeptAsync((await ReadAsync(url)).Body), $"{url} was not kept");
        var keptReads = 0;
        for (var step = 0; step < 20; step++)
        {
            var what = await writes.StepAsync(step);
            output.WriteLine($"step {step}: {what}");

            foreach (var url in urls)
            {
                // Every answer is kept before the next step reads: nothing the writer still holds can land later.
                var (read, _) = await ReadAsync(url);
                Assert.True(await KeptAsync(read), $"{url} after step {step}: the answer was not kept");
                var built = await BuiltAsync(url);
                Assert.True(built == read, $"{url} after step {step} ({what}): the answer read right after the write differs from one built now");
                Assert.True(await KeptAsync(built), $"{url} after step {step}: the built answer was not kept");
                // Every other one from the table, the rest from the app's memory.
                if (keptReads % 2 == 0) api.Services.GetRequiredService<KeptAnswers>().Forget();
                var (kept, _) = await ReadAsync(url);
                Assert.True(built == kept, $"{url} after step {step} ({what}): the kept answer differs from one built now");
                keptReads++;
            }
        }
        Assert.Equal(100, keptReads);
    }
}
