using System.Collections.Concurrent;
using System.Text.Json;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Enums are stored in text columns under the same snake_case names they have on the wire ("at_least"), so a
/// row reads the same in psql as in the API.
/// </summary>
public static class DbEnum
{
    private static readonly ConcurrentDictionary<Enum, string> Cache = new();

    public static string Db(this Enum value) => Cache.GetOrAdd(value, v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()));

    public static string? Db<T>(this T? value) where T : struct, Enum => value is { } v ? v.Db() : null;

    public static T Parse<T>(string name) where T : struct, Enum =>
        Enum.TryParse<T>(name.Replace("_", ""), ignoreCase: true, out var value)
            ? value
            : throw new InvalidOperationException($"'{name}' is not a {typeof(T).Name}.");

    public static T? ParseOrNull<T>(string? name) where T : struct, Enum => name is null ? null : Parse<T>(name);

    public static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => v.Db()));
}
