using System.Net;
using System.Text.Json;

namespace ClaimTracker.Tests.Infrastructure;

/// <summary>Unique test data: every call makes a source no other test has.</summary>
public static class Samples
{
    public static string Unique() => Guid.NewGuid().ToString("N")[..12];

    public static Dictionary<string, object?> Source(string? body = null, string? outlet = null, string? published = null, string? url = null) => new()
    {
        ["title"] = $"Test article {Unique()}",
        ["body"] = body ?? $"Report {Unique()}. The US has about 2,500 troops in Iraq. Officials said “at no point” was withdrawal discussed.",
        ["language"] = "en",
        ["outlet"] = outlet ?? "Test Wire",
        ["authors"] = new[] { "A. Reporter" },
        ["published"] = published ?? "2024-09-18",
        ["url"] = url,
    };

    public static async Task<JsonElement> CreateSourceAsync(this HttpClient curator, Dictionary<string, object?>? source = null)
    {
        var response = await curator.PostJsonAsync("/sources", source ?? Source());
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    public static async Task<long> CreateSubjectAsync(this HttpClient curator, string name, string? broader = null, string[]? aliases = null)
    {
        var response = await curator.PostJsonAsync("/subjects", new { name, broader, aliases });
        return (await response.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url) =>
        await (await client.GetAsync(url)).ReadJsonAsync(HttpStatusCode.OK);

    public static long[] Ids(this JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64())];

    public static async Task<JsonElement> CreatePassageAsync(this HttpClient curator, long sourceId, object selector)
    {
        var response = await curator.PostJsonAsync($"/sources/{sourceId}/passages", selector);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }
}

/// <summary>A source, a subject and a curator of a test's own, for building claims that no other test sees.</summary>
public sealed class World
{
    public const string Body =
        "Officials said the US has about 2,500 troops in Iraq. Another official put the number at 2,500 exactly. " +
        "A third said 3,000 US troops remained. Hundreds of attacks targeted US bases. " +
        "The withdrawal will be complete by September 2026, Reuters reported. " +
        "“At no point” was a withdrawal discussed, the State Department said. " +
        "Seven US troops were wounded in a raid on August 29.";

    public required HttpClient Curator { get; init; }
    public required long SourceId { get; init; }
    public required string Subject { get; init; }
    public required long SubjectId { get; init; }
    public required string Asserter { get; init; }

    public static async Task<World> CreateAsync(ApiFactory api, string? published = "2024-09")
    {
        var curator = await api.CuratorClientAsync();
        var source = await curator.CreateSourceAsync(Samples.Source(body: Body + $" [{Samples.Unique()}]", published: published));
        var subject = $"Test force {Samples.Unique()}";
        var subjectId = await curator.CreateSubjectAsync(subject, aliases: [$"{subject} alias"]);
        var asserter = $"Test agency {Samples.Unique()}";
        await curator.CreateSubjectAsync(asserter);
        return new World { Curator = curator, SourceId = source.GetProperty("id").GetInt64(), Subject = subject, SubjectId = subjectId, Asserter = asserter };
    }

    /// <summary>A claim about this world's subject; the fields given replace the defaults (a troop count of about 2,500).</summary>
    public Dictionary<string, object?> Claim(params (string Field, object? Value)[] fields)
    {
        var claim = new Dictionary<string, object?>
        {
            ["subject"] = Subject,
            ["property"] = "troop_count",
            ["value"] = new { kind = "quantity", amount = 2500, approximation = "approximate", statedAs = "about 2,500 troops" },
            ["validAt"] = "2024-09",
            ["evidence"] = new[] { new { sourceId = SourceId, exact = "the US has about 2,500 troops in Iraq" } },
        };
        foreach (var (field, value) in fields) claim[field] = value;
        return claim;
    }

    public async Task<JsonElement> CreateClaimAsync(params (string Field, object? Value)[] fields)
    {
        var response = await Curator.PostJsonAsync("/claims", Claim(fields));
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    public object Evidence(string exact, string stance = "supports") => new[] { new { sourceId = SourceId, exact, stance } };
}
