using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

public sealed class ReviseClaimTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private static HttpRequestMessage Patch(long id, object body, string? ifMatch) =>
        With(new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = JsonContent.Create(body) }, ifMatch);

    private static HttpRequestMessage Retract(long id, string? reason, string? ifMatch) =>
        With(new HttpRequestMessage(HttpMethod.Delete, $"/claims/{id}" + (reason is null ? "" : $"?reason={Uri.EscapeDataString(reason)}")), ifMatch);

    private static HttpRequestMessage With(HttpRequestMessage request, string? ifMatch)
    {
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return request;
    }

    [Fact]
    public async Task A_revision_with_the_current_ETag_applies_and_is_kept_in_the_history()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();

        var response = await world.Curator.SendAsync(Patch(id, new { reason = "Second reading", status = "verified", note = "Checked", assertedBy = world.Asserter }, "\"v1\""));

        var revised = await response.ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal("\"v2\"", response.Headers.ETag?.ToString());
        Assert.Equal("verified", revised.GetProperty("status").GetString());
        Assert.Equal(world.Asserter, revised.GetProperty("assertedBy").GetProperty("name").GetString());
        var history = await api.CreateClient().GetJsonAsync($"/claims/{id}/history");
        Assert.Equal(["created", "revised"], history.EnumerateArray().Select(r => r.GetProperty("action").GetString()));
        Assert.Equal("Second reading", history[1].GetProperty("reason").GetString());
        Assert.Equal("draft", history[1].GetProperty("before").GetProperty("status").GetString());
        Assert.Equal("verified", history[1].GetProperty("after").GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_empty_string_clears_an_optional_field()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync(("assertedBy", world.Asserter), ("note", "n"))).GetProperty("id").GetInt64();

        var revised = await (await world.Curator.SendAsync(Patch(id, new { reason = "Own voice after all", assertedBy = "", note = "", validAt = "" }, "\"v1\"")))
            .ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal(JsonValueKind.Null, revised.GetProperty("assertedBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, revised.GetProperty("note").ValueKind);
        Assert.Equal(JsonValueKind.Null, revised.GetProperty("validTime").ValueKind);
    }

    [Fact]
    public async Task A_revision_without_If_Match_returns_428_and_writes_nothing()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var before = await api.CountRowsAsync();

        var response = await world.Curator.SendAsync(Patch(id, new { reason = "r", note = "x" }, null));

        await response.ReadProblemAsync((HttpStatusCode)428);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_revision_with_a_stale_ETag_returns_412_and_writes_nothing()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        await (await world.Curator.SendAsync(Patch(id, new { reason = "first", note = "a" }, "\"v1\""))).ReadJsonAsync(HttpStatusCode.OK);
        var before = await api.CountRowsAsync();

        var response = await world.Curator.SendAsync(Patch(id, new { reason = "second", note = "b" }, "\"v1\""));

        var problem = await response.ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal("\"v2\"", problem.GetProperty("currentETag").GetString());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Theory]
    [InlineData("""{"note":"x"}""", "reason")]
    [InlineData("""{"reason":"nothing"}""", "$")]
    [InlineData("""{"reason":"r","status":"retracted"}""", "status")]
    [InlineData("""{"reason":"r","validFrom":"2024-02-30"}""", "validFrom")]
    // Two members of one valid time in one patch: the wrong-typed one is judged, not dropped by its sibling.
    [InlineData("""{"reason":"r","validFrom":true,"validTo":"2003"}""", "validFrom")]
    // A merge patch's null clears a member: status and rank always have one, so null would be a silent reset to the default.
    [InlineData("""{"reason":"r","status":null}""", "status")]
    [InlineData("""{"reason":"r","rank":null}""", "rank")]
    [InlineData("""{"reason":"r","value":null}""", "value")]
    [InlineData("""{"reason":"r","note":"ab\u0000cd"}""", "note")]
    [InlineData("""{"reason":"r","note":"ab\ud800cd"}""", "note")]
    [InlineData("""{"reason":"r","evidence":[]}""", "evidence")]
    [InlineData("""{"reason":"r","colour":"red"}""", "colour")]
    [InlineData("""{"reason":"r","note":"a","note":"b"}""", "note")]
    [InlineData("""{"reason":"r","value":{"kind":"quantity","amount":"many"}}""", "value.amount")]
    public async Task Malformed_revisions_return_400_naming_the_field(string json, string field)
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = Http.Json(json) };
        request.Headers.TryAddWithoutValidation("If-Match", "\"v1\"");

        await (await world.Curator.SendAsync(request)).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_revision_giving_a_value_the_property_cannot_hold_returns_422_and_writes_nothing()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var before = await api.CountRowsAsync();

        var response = await world.Curator.SendAsync(Patch(id, new { reason = "r", value = new { kind = "text", text = "many" } }, "\"v1\""));

        await response.ReadProblemAsync(HttpStatusCode.UnprocessableEntity, "value.kind");
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Retracting_keeps_the_claim_reading_as_retracted_with_its_reason()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();

        var response = await world.Curator.SendAsync(Retract(id, "The outlet corrected the figure", "\"v1\""));

        await response.ReadJsonAsync(HttpStatusCode.OK);
        var read = await api.CreateClient().GetJsonAsync($"/claims/{id}");
        Assert.Equal("retracted", read.GetProperty("status").GetString());
        Assert.Equal("The outlet corrected the figure", read.GetProperty("retractedReason").GetString());
        Assert.DoesNotContain(id, (await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}")).Ids());
        Assert.Contains(id, (await api.CreateClient().GetJsonAsync($"/claims?subject={world.SubjectId}&status=retracted")).Ids());
        var history = await api.CreateClient().GetJsonAsync($"/claims/{id}/history");
        Assert.Equal("retracted", history[1].GetProperty("action").GetString());
        var patch = await world.Curator.SendAsync(Patch(id, new { reason = "r", note = "x" }, "\"v2\""));
        await patch.ReadProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Retracting_needs_a_reason_and_If_Match()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var before = await api.CountRowsAsync();

        await (await world.Curator.SendAsync(Retract(id, null, "\"v1\""))).ReadProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await world.Curator.SendAsync(Retract(id, "r", null))).ReadProblemAsync((HttpStatusCode)428);
        await (await world.Curator.SendAsync(Retract(id, "r", "\"v7\""))).ReadProblemAsync(HttpStatusCode.PreconditionFailed);
        await (await world.Curator.SendAsync(Retract(999999999, "r", "\"v1\""))).ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task Writes_without_a_key_return_401()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var anonymous = api.CreateClient();

        await (await anonymous.PostJsonAsync("/claims", world.Claim())).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.SendAsync(Patch(id, new { reason = "r", note = "x" }, "\"v1\""))).ReadProblemAsync(HttpStatusCode.Unauthorized);
        await (await anonymous.SendAsync(Retract(id, "r", "\"v1\""))).ReadProblemAsync(HttpStatusCode.Unauthorized);
    }
}
