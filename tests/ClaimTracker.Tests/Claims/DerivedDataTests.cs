using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

/// <summary>
/// What a claim's derived data reads (its subject's names, its asserter's name, its property's label, its passages'
/// text) can change after the claim was written; each change brings the derived data of every claim it affects up to
/// date in its own transaction, so searches answer as if the claims had been written after it.
/// </summary>
public sealed class DerivedDataTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private async Task<long[]> SearchAsync(string q) =>
        (await api.CreateClient().GetJsonAsync($"/claims?q={Uri.EscapeDataString(q)}&limit=200")).Ids();

    private static string Word() => "w" + Samples.Unique();

    [Fact]
    public async Task A_new_alias_finds_the_subjects_existing_claims_and_a_removed_one_no_longer_does()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var alias = Word();
        Assert.DoesNotContain(id, await SearchAsync(alias));

        var added = await world.Curator.PostJsonAsync($"/subjects/{world.SubjectId}/aliases", new { alias });
        await added.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Contains(id, await SearchAsync(alias));

        var removed = await world.Curator.DeleteAsync($"/subjects/{world.SubjectId}/aliases/{alias}");
        await removed.ReadJsonAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(id, await SearchAsync(alias));
    }

    [Fact]
    public async Task Renaming_a_subject_finds_its_claims_and_the_claims_it_asserts_by_the_new_name_and_keeps_the_old_one()
    {
        var world = await World.CreateAsync(api);
        var about = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var asserterId = (await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(world.Asserter)}"))
            .GetProperty("items")[0].GetProperty("id").GetInt64();
        var asserted = (await world.CreateClaimAsync(("assertedBy", world.Asserter), ("validAt", "2024-08"))).GetProperty("id").GetInt64();
        var newName = Word();

        var renamed = await world.Curator.PatchAsJsonAsync($"/subjects/{world.SubjectId}", new { name = newName });
        var subject = await renamed.ReadJsonAsync(HttpStatusCode.OK);
        var renamedAsserter = await world.Curator.PatchAsJsonAsync($"/subjects/{asserterId}", new { name = newName + "x" });
        await renamedAsserter.ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(newName, subject.GetProperty("name").GetString());
        Assert.Contains(world.Subject, subject.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(about, await SearchAsync(newName));
        Assert.Contains(asserted, await SearchAsync(newName + "x"));
        var read = await api.CreateClient().GetJsonAsync($"/claims/{asserted}");
        Assert.Equal(newName + "x", read.GetProperty("assertedBy").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_subject_cannot_be_made_narrower_than_itself()
    {
        var world = await World.CreateAsync(api);
        var child = await world.Curator.CreateSubjectAsync($"Child {Samples.Unique()}", broader: world.Subject);

        var response = await world.Curator.PatchAsJsonAsync($"/subjects/{world.SubjectId}", new { broader = child.ToString() });

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "broader");
    }

    [Fact]
    public async Task Moving_a_subject_under_another_flags_its_narrower_subjects_figures_against_the_new_totals_above()
    {
        var world = await World.CreateAsync(api);
        var total = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var countryId = await world.Curator.CreateSubjectAsync($"Country {Samples.Unique()}");
        var camp = $"Camp {Samples.Unique()}";
        await world.Curator.CreateSubjectAsync(camp, broader: countryId.ToString());
        var count = (await world.CreateClaimAsync(("subject", camp), ("value", new { kind = "quantity", amount = 3000 }),
            ("evidence", world.Evidence("3,000 US troops remained")))).GetProperty("id").GetInt64();
        Assert.Empty(await OpenConflictsAsync(count));

        // The camp's country moves under the world's subject: the camp's 3,000 is now two levels below its "about 2,500".
        await (await world.Curator.PatchAsJsonAsync($"/subjects/{countryId}", new { broader = world.Subject })).ReadJsonAsync(HttpStatusCode.OK);
        var conflict = Assert.Single(await OpenConflictsAsync(count));
        Assert.Equal(total, conflict.GetProperty("otherClaimId").GetInt64());
        Assert.Equal("exceeds_broader", conflict.GetProperty("rule").GetString());

        await (await world.Curator.PatchAsJsonAsync($"/subjects/{countryId}", new { broader = "" })).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Empty(await OpenConflictsAsync(count));
        var closed = await api.CreateClient().GetJsonAsync($"/conflicts/{conflict.GetProperty("id").GetInt64()}");
        Assert.Equal("closed", closed.GetProperty("status").GetString());
    }

    private async Task<List<JsonElement>> OpenConflictsAsync(long claim) =>
        [.. (await api.CreateClient().GetJsonAsync($"/claims/{claim}")).GetProperty("conflicts").EnumerateArray()];

    [Fact]
    public async Task A_new_property_label_is_searchable_in_its_existing_claims()
    {
        var world = await World.CreateAsync(api);
        var key = "p_" + Samples.Unique();
        await (await world.Curator.PostJsonAsync("/properties", new { key, label = "first label", valueType = "quantity", unit = "boats" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var id = (await world.CreateClaimAsync(("property", key), ("value", new { kind = "quantity", amount = 12 }))).GetProperty("id").GetInt64();
        var label = Word();

        var response = await world.Curator.PatchAsJsonAsync($"/properties/{key}", new { label });

        Assert.Equal(label, (await response.ReadJsonAsync(HttpStatusCode.OK)).GetProperty("label").GetString());
        Assert.Contains(id, await SearchAsync(label));
    }

    [Fact]
    public async Task Turning_on_the_sign_rule_while_a_claim_is_negative_is_refused()
    {
        var world = await World.CreateAsync(api);
        var key = "p_" + Samples.Unique();
        await (await world.Curator.PostJsonAsync("/properties", new { key, label = "change", valueType = "quantity", nonNegative = false }))
            .ReadJsonAsync(HttpStatusCode.Created);
        await world.CreateClaimAsync(("property", key), ("value", new { kind = "quantity", amount = -3 }));

        var response = await world.Curator.PatchAsJsonAsync($"/properties/{key}", new { nonNegative = true });

        await response.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task After_a_corrected_revision_a_claim_is_found_by_its_passages_new_wording()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        // A one-word correction keeps the passage close enough to follow (fuzzy), with its new wording.
        const string word = "circa";
        var source = await api.CreateClient().GetJsonAsync($"/sources/{world.SourceId}");
        var body = source.GetProperty("body").GetString()!.Replace("the US has about 2,500 troops in Iraq", $"the US has {word} 2,500 troops in Iraq");
        Assert.DoesNotContain(id, await SearchAsync(word));

        var revised = await world.Curator.PostJsonAsync($"/sources/{world.SourceId}/revisions", new { body, note = "wording" });
        var detail = await revised.ReadJsonAsync(HttpStatusCode.Created);

        Assert.True((await SearchAsync(word)).Contains(id), detail.ToString());
    }

    [Fact]
    public async Task A_claim_revised_onto_another_subject_meets_that_subjects_conflicts()
    {
        var world = await World.CreateAsync(api);
        var other = await World.CreateAsync(api);
        var theirs = (await other.CreateClaimAsync(("value", new { kind = "quantity", amount = 9000 }))).GetProperty("id").GetInt64();
        var mine = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();

        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{mine}") { Content = JsonContent.Create(new { reason = "wrong subject", subject = other.Subject }) };
        patch.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");
        var revised = await (await world.Curator.SendAsync(patch)).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Contains(revised.GetProperty("conflicts").EnumerateArray(), c => c.GetProperty("otherClaimId").GetInt64() == theirs);
        Assert.Equal(JsonValueKind.Object, revised.GetProperty("subject").ValueKind);
        Assert.Equal(other.Subject, revised.GetProperty("subject").GetProperty("name").GetString());
    }
}
