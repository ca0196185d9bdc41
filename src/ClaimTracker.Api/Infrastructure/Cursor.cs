using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Keyset pagination cursors: the sort key of the last row returned, as opaque base64url JSON. Clients only pass
/// them back; one that does not decode to the list's own key is a 400 naming the parameter.
/// </summary>
public readonly record struct Cursor<TPosition>(TPosition Position) : IQueryValue<Cursor<TPosition>> where TPosition : class
{
    public static string Expected => "a cursor returned by this list (its nextCursor).";

    public static bool TryRead(string text, out Cursor<TPosition> value)
    {
        value = default;
        try
        {
            if (JsonSerializer.Deserialize<TPosition>(Base64Url.DecodeFromChars(text), Strict) is not { } position) return false;
            value = new Cursor<TPosition>(position);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            return false;
        }
    }

    public static string Encode(TPosition position) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(position));

    private static readonly JsonSerializerOptions Strict = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };
}

/// <summary>How many items a page holds: 1 to <see cref="Max"/>.</summary>
public readonly record struct PageSize(int Value) : IQueryValue<PageSize>
{
    public const int Default = 50;
    public const int Max = 200;

    public static string Expected => $"a whole number from 1 to {Max}.";

    static void IQueryValue<PageSize>.Describe(Microsoft.OpenApi.OpenApiSchema schema)
    {
        schema.Type = Microsoft.OpenApi.JsonSchemaType.Integer;
        schema.Format = "int32";
        schema.Minimum = "1";
        schema.Maximum = Max.ToString(CultureInfo.InvariantCulture);
    }

    public static bool TryRead(string text, out PageSize value)
    {
        var ok = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= Max;
        value = new PageSize(ok ? n : Default);
        return ok;
    }
}

/// <summary>The paging parameters every list shares.</summary>
/// <param name="Cursor">Where the previous page ended: its nextCursor (opaque, and only valid for the same list). Leave out for the first page.</param>
/// <param name="Limit">How many items a page holds, 1 to 200 (default 50), e.g. 20.</param>
public sealed record PageQuery<TPosition>(
    [property: FromQuery(Name = "cursor")] Param<Cursor<TPosition>>? Cursor,
    [property: FromQuery(Name = "limit")] Param<PageSize>? Limit) where TPosition : class
{
    /// <summary>The sort key the page starts after, or null for the first page.</summary>
    public TPosition? After => Cursor?.Value.Position;

    public int Take => Limit?.Value.Value ?? PageSize.Default;

    /// <summary>The cursor of the next page when more rows were read than a page holds (the query reads Take + 1).</summary>
    public string? Next<TRow>(IReadOnlyList<TRow> rows, Func<TRow, TPosition> position) =>
        rows.Count > Take ? Cursor<TPosition>.Encode(position(rows[Take - 1])) : null;
}

/// <summary>One page of a list, with the cursor of the next page when there is one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
