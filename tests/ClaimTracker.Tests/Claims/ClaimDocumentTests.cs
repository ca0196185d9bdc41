using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClaimTracker.Tests.Claims;

/// <summary>
/// A claim's answer is kept ready (Claims/ClaimDocuments.cs): served as written while nothing it reads has changed, and
/// built again after any write that touches its subject and property or what every answer shows. It is never stale.
/// </summary>
public sealed class ClaimDocumentTests(ApiFactory api, ITestOutputHelper output) : IClassFixture<ApiFactory>
{
    private JsonSerializerOptions JsonOptions =>
        api.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    private static long Id(JsonElement claim) => claim.GetProperty("id").GetInt64();

    /// <summary>The answer built from the tables now, as the endpoint builds it when no document is current.</summary>
    private async Task<string> FromScratchAsync(long id)
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        var claim = await ClaimQuery.LoadAsync(connection, null, id, default) ?? throw new InvalidOperationException($"no claim {id}");
        var built = claim with { Corroboration = await Corroborations.ForAsync(connection, claim, default) };
        return System.Text.Encoding.UTF8.GetString(ClaimDocuments.Serialize(built, JsonOptions));
    }

    private async Task<string> ReadAsync(long id)
    {
        var response = await api.CreateClient().GetAsync($"/claims/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The row version of the claim's document, or null when none is kept.</summary>
    private async Task<string?> DocumentRowAsync(long id)
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("select xmin::text || '/' || ctid::text from claim_documents where claim_id = @id", new { id });
    }

    [Fact]
    public async Task A_second_read_is_served_from_the_kept_document_and_a_write_in_its_group_builds_it_again()
    {
        var world = await World.CreateAsync(api);
        var a = Id(await world.CreateClaimAsync());
        var first = await ReadAsync(a);
        await using (var connection = await api.Db.OpenConnectionAsync())
        {
            var kept = await connection.ExecuteScalarAsync<byte[]>("select body from claim_documents where claim_id = @a", new { a });
            Assert.Equal(first, System.Text.Encoding.UTF8.GetString(kept!));

            // Mark the kept document: the next read sends it as it is, without building the answer.
            var marked = JsonNode.Parse(first)!;
            marked["location"] = "kept document";
            await connection.ExecuteAsync("update claim_documents set body = @body where claim_id = @a",
                new { a, body = System.Text.Encoding.UTF8.GetBytes(marked.ToJsonString()) });
        }
        Assert.Equal("kept document", JsonNode.Parse(await ReadAsync(a))!["location"]!.GetValue<string>());

        // Another report states the same figure: the group changed, so the answer is built again and counts it.
        var b = Id(await world.CreateClaimAsync(("evidence", world.Evidence("Another official put the number at 2,500 exactly"))));
        var again = JsonNode.Parse(await ReadAsync(a))!;
        Assert.Null(again["location"]);
        Assert.Equal(1, again["corroboration"]!["agreeingCount"]!.GetValue<int>());
        Assert.Equal(b, again["corroboration"]!["agreeing"]![0]!["claimId"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_write_into_a_group_of_agreeing_claims_rewrites_none_of_their_documents()
    {
        var world = await World.CreateAsync(api);
        var ids = new List<long>();
        for (var n = 0; n < 25; n++) ids.Add(Id(await world.CreateClaimAsync(("note", $"report {n}"))));
        foreach (var id in ids) await ReadAsync(id);
        await using var connection = await api.Db.OpenConnectionAsync();
        async Task<Dictionary<long, string>> Rows() => (await connection.QueryAsync<(long, string)>(
            "select claim_id, xmin::text || '/' || ctid::text from claim_documents where claim_id = any(@ids)", new { ids })).ToDictionary(r => r.Item1, r => r.Item2);
        async Task<long> Epoch() => await connection.ExecuteScalarAsync<long>(
            "select epoch from claim_group_epochs where subject_id = @s and property_id = (select id from properties where key = 'troop_count')", new { s = world.SubjectId });
        var before = await Rows();
        var epoch = await Epoch();
        Assert.Equal(25, before.Count);

        await world.CreateClaimAsync(("note", "one more report"));

        Assert.Equal(before, await Rows());
        Assert.True(await Epoch() > epoch);
        // Each is built again at its next read, and counts the new claim.
        var read = JsonNode.Parse(await ReadAsync(ids[7]))!;
        Assert.Equal(25, read["corroboration"]!["agreeingCount"]!.GetValue<int>());
        Assert.Equal(await FromScratchAsync(ids[7]), read.ToJsonString(JsonOptions));
        Assert.NotEqual(before[ids[7]], (await Rows())[ids[7]]);
    }

    [Fact]
    public async Task A_change_to_a_name_every_answer_shows_is_seen_by_kept_answers_of_other_groups()
    {
        var world = await World.CreateAsync(api);
        var asserted = Id(await world.CreateClaimAsync(("assertedBy", world.Asserter)));
        await ReadAsync(asserted);
        var asserterId = (await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(world.Asserter)}"))
            .GetProperty("items")[0].GetProperty("id").GetInt64();
        var name = $"Renamed agency {Samples.Unique()}";

        await (await world.Curator.PatchAsJsonAsync($"/subjects/{asserterId}", new { name })).ReadJsonAsync(HttpStatusCode.OK);

        var read = await ReadAsync(asserted);
        Assert.Equal(name, JsonNode.Parse(read)!["assertedBy"]!["name"]!.GetValue<string>());
        Assert.Equal(await FromScratchAsync(asserted), read);
    }

    [Fact]
    public async Task An_update_that_changes_no_name_keeps_every_answer_and_a_rename_does_not()
    {
        var world = await World.CreateAsync(api);
        var id = Id(await world.CreateClaimAsync());
        var first = await ReadAsync(id);
        await using var connection = await api.Db.OpenConnectionAsync();
        async Task MarkAsync()
        {
            var marked = JsonNode.Parse(first)!;
            marked["location"] = "kept document";
            await connection.ExecuteAsync("update claim_documents set body = @body where claim_id = @id",
                new { id, body = System.Text.Encoding.UTF8.GetBytes(marked.ToJsonString()) });
        }
        await MarkAsync();

        // A new key for an existing curator upserts the curator's row without changing it.
        var curator = JsonNode.Parse(first)!["createdBy"]!.GetValue<string>();
        await connection.ExecuteAsync("update curators set name = name where name = @curator", new { curator });
        Assert.Equal("kept document", JsonNode.Parse(await ReadAsync(id))!["location"]!.GetValue<string>());

        await connection.ExecuteAsync("update curators set name = name || ' (renamed)' where name = @curator", new { curator });
        var renamed = JsonNode.Parse(await ReadAsync(id))!;
        Assert.Null(renamed["location"]);
        Assert.Equal(curator + " (renamed)", renamed["createdBy"]!.GetValue<string>());
    }

    /// <summary>
    /// Random writes of every kind a claim's answer reads (claims, revisions, retractions, evidence, aliases, source
    /// revisions, names, conflict decisions); after each, every claim is read and compared with its answer built from
    /// scratch. Every claim was read (so its document kept) before the write.
    /// </summary>
    [Fact]
    public async Task Every_kept_answer_equals_the_answer_built_from_scratch_after_each_random_write()
    {
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var world = await World.CreateAsync(api);
        var other = $"Test garrison {Samples.Unique()}";
        var otherId = await world.Curator.CreateSubjectAsync(other);
        var asserterId = (await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(world.Asserter)}"))
            .GetProperty("items")[0].GetProperty("id").GetInt64();
        var writes = new RandomWrites(api, world, random) { Subjects = [world.Subject, other], Renamable = [asserterId, otherId] };
        var claims = writes.Claims;
        var (kept, built) = (0, 0);

        for (var step = 0; step < 45; step++)
        {
            var what = await writes.StepAsync(step);
            output.WriteLine($"step {step}: {what}");

            foreach (var id in claims)
            {
                var row = await DocumentRowAsync(id);
                var read = await ReadAsync(id);
                if (row is not null && row == await DocumentRowAsync(id)) kept++; else built++;
                Assert.True(await FromScratchAsync(id) == read, $"claim {id} after step {step} ({what}): the answer differs from one built now");
            }
        }
        output.WriteLine($"{kept} reads served kept, {built} built");
        Assert.True(kept > 0 && built > 0, $"{kept} kept, {built} built: both paths must be exercised");
    }
}
