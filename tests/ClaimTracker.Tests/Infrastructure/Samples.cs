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

    public static async Task<JsonElement> CreatePassageAsync(this HttpClient curator, long sourceId, object selector)
    {
        var response = await curator.PostJsonAsync($"/sources/{sourceId}/passages", selector);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }
}
