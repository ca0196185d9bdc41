using System.Buffers.Text;
using System.Text.Json;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Keyset pagination cursors: the sort key of the last row returned, as opaque base64url JSON. Clients only
/// pass them back; anything that does not decode to the expected shape is a 400 naming <c>cursor</c>.
/// </summary>
public static class Cursor
{
    public static string Encode<T>(T position) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position));

    public static bool TryDecode<T>(string? cursor, out T? position) where T : class
    {
        position = null;
        if (string.IsNullOrEmpty(cursor)) return true;
        try
        {
            position = JsonSerializer.Deserialize<T>(Base64Url.DecodeFromChars(cursor), Strict);
            return position is not null;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    private static readonly JsonSerializerOptions Strict = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>The paging parameters every list shares.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    /// <returns>A problem naming the parameter, or null when both are usable.</returns>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? Check<T>(string? cursor, int? limit, out T? position, out int take)
        where T : class
    {
        take = limit ?? DefaultLimit;
        position = null;
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.BadParameter("limit", $"must be between 1 and {MaxLimit}.");
        }
        if (!Cursor.TryDecode(cursor, out position))
        {
            return Problems.BadParameter("cursor", "is not a cursor returned by this list.");
        }
        return null;
    }
}

/// <summary>One page of a list, with the cursor of the next page when there is one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
