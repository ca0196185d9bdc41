using System.Text;
using System.Text.Json;

namespace ClaimTracker.Tests.Imports;

/// <summary>An import body: one JSON line per object; a string is sent as the line it is.</summary>
internal static class Ndjson
{
    public static StringContent Of(params IEnumerable<object> lines) =>
        new(string.Join("\n", lines.Select(l => l as string ?? JsonSerializer.Serialize(l))) + "\n", Encoding.UTF8, "application/x-ndjson");
}
