using System.Net;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Subjects;

public sealed class SubjectsAndPropertiesTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_subject_resolves_by_its_name_and_every_alias()
    {
        var curator = await api.CuratorClientAsync();
        var name = $"Global Coalition {Samples.Unique()}";
        var id = await curator.CreateSubjectAsync(name, aliases: [$"{name} short"]);
        var added = await (await curator.PostJsonAsync($"/subjects/{id}/aliases", new { alias = $"{name} other" })).ReadJsonAsync(HttpStatusCode.OK);

        Assert.Equal([name, $"{name} other", $"{name} short"], added.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        foreach (var alias in new[] { name, $"{name} SHORT", $"{name} other" })
        {
            var page = await api.CreateClient().GetJsonAsync($"/subjects?name={Uri.EscapeDataString(alias)}");
            Assert.Equal([id], page.Ids());
        }
    }

    [Fact]
    public async Task A_name_or_alias_already_taken_returns_409_naming_its_subject_and_writes_nothing()
    {
        var curator = await api.CuratorClientAsync();
        var name = $"Tower {Samples.Unique()}";
        var id = await curator.CreateSubjectAsync(name);
        var other = await curator.CreateSubjectAsync($"Other {Samples.Unique()}");
        var before = await api.CountRowsAsync();

        var again = await (await curator.PostJsonAsync("/subjects", new { name = "x" + Samples.Unique(), aliases = new[] { name.ToUpperInvariant() } })).ReadProblemAsync(HttpStatusCode.Conflict);
        var alias = await (await curator.PostJsonAsync($"/subjects/{other}/aliases", new { alias = name })).ReadProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(id, again.GetProperty("existingSubjectId").GetInt64());
        Assert.Equal(id, alias.GetProperty("existingSubjectId").GetInt64());
        Assert.Equal(before, await api.CountRowsAsync());
    }

    [Fact]
    public async Task A_subject_shows_its_broader_and_narrower_subjects()
    {
        var curator = await api.CuratorClientAsync();
        var topic = $"Topic {Samples.Unique()}";
        var topicId = await curator.CreateSubjectAsync(topic);
        var eventId = await curator.CreateSubjectAsync($"Event {Samples.Unique()}", broader: topic);

        var read = await api.CreateClient().GetJsonAsync($"/subjects/{topicId}");
        var child = await api.CreateClient().GetJsonAsync($"/subjects/{eventId}");

        Assert.Equal(eventId, read.GetProperty("narrower")[0].GetProperty("id").GetInt64());
        Assert.Equal(topicId, child.GetProperty("broader").GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("""{"name":""}""", HttpStatusCode.BadRequest, "name")]
    [InlineData("""{"name":"x","broader":"No such topic at all"}""", HttpStatusCode.UnprocessableEntity, "broader")]
    [InlineData("""{"name":"x","aliases":[""]}""", HttpStatusCode.BadRequest, "aliases[0]")]
    public async Task Bad_subjects_are_refused_naming_the_field(string json, HttpStatusCode status, string field)
    {
        var curator = await api.CuratorClientAsync();

        await (await curator.PostAsync("/subjects", Http.Json(json))).ReadProblemAsync(status, field);
    }

    [Fact]
    public async Task Unknown_subjects_return_404()
    {
        var curator = await api.CuratorClientAsync();
        await (await api.CreateClient().GetAsync("/subjects/999999999")).ReadProblemAsync(HttpStatusCode.NotFound);
        await (await curator.PostJsonAsync("/subjects/999999999/aliases", new { alias = "x" })).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_new_property_is_added_through_the_API_and_claims_use_it_at_once()
    {
        var world = await World.CreateAsync(api);
        var key = $"advisers_{Samples.Unique()}";

        var created = await (await world.Curator.PostJsonAsync("/properties", new { key, label = "advisers", valueType = "quantity", unit = "advisers" }))
            .ReadJsonAsync(HttpStatusCode.Created);
        var claim = await world.CreateClaimAsync(("property", key), ("value", new { kind = "quantity", amount = 2500 }));
        var again = await world.Curator.PostJsonAsync("/properties", new { key, label = "again", valueType = "text" });

        Assert.Equal("quantity", created.GetProperty("valueType").GetString());
        Assert.Equal("advisers", claim.GetProperty("value").GetProperty("unit").GetString());
        await again.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, (await api.CreateClient().GetJsonAsync($"/properties/{key}")).GetProperty("claimCount").GetInt64());
    }

    [Theory]
    [InlineData("""{"key":"Bad Key","label":"x","valueType":"text"}""", "key")]
    [InlineData("""{"key":"ok_key","label":"x","valueType":"colour"}""", "valueType")]
    [InlineData("""{"key":"ok_key","label":"x","valueType":"text","unit":"m"}""", "unit")]
    public async Task Bad_properties_are_refused_naming_the_field(string json, string field)
    {
        var curator = await api.CuratorClientAsync();

        await (await curator.PostAsync("/properties", Http.Json(json))).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }
}
