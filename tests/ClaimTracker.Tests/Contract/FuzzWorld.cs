using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace ClaimTracker.Tests.ContractFuzzing;

/// <summary>A source's text with code-point offsets, as the API counts them.</summary>
public sealed class SourceText(long id, string body)
{
    private readonly int[] _utf16 = Offsets(body);

    public long Id { get; } = id;
    public string Body { get; } = body;
    public int Length => _utf16.Length - 1;

    public string Slice(int start, int end) => Body[_utf16[start].._utf16[end]];

    public int CodePointAt(int utf16Index) => Array.BinarySearch(_utf16, utf16Index) is var i and >= 0 ? i : -1;

    private static int[] Offsets(string text)
    {
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1) offsets.Add(i);
        offsets.Add(text.Length);
        return [.. offsets];
    }
}

public sealed record PropertyInfo(string Key, string ValueType, bool NonNegative, string? Unit);

/// <summary>
/// What the fuzzer knows of the data, gathered from the API at the start and kept up to date from its answers:
/// real ids, names, keys and texts, so that valid requests can be built.
/// </summary>
public sealed class FuzzWorld
{
    public Dictionary<long, SourceText> Sources { get; } = [];
    public List<long> PassageIds { get; } = [];
    public Dictionary<long, string> Subjects { get; } = [];
    public Dictionary<string, PropertyInfo> Properties { get; } = [];
    public List<long> ClaimIds { get; } = [];
    public HashSet<long> Retracted { get; } = [];
    public List<long> ConflictIds { get; } = [];
    public List<string> Outlets { get; } = [];
    /// <summary>Cursors the API handed out, by operation (and sort, for claims), to page on with.</summary>
    public Dictionary<string, List<string>> Cursors { get; } = [];
    private int _unique;

    public NpgsqlDataSource Db { get; }

    private FuzzWorld(NpgsqlDataSource db) => Db = db;

    public string Unique(string prefix) => $"{prefix} {Interlocked.Increment(ref _unique):D5}";

    public static async Task<FuzzWorld> GatherAsync(HttpClient client, NpgsqlDataSource db)
    {
        var world = new FuzzWorld(db);
        foreach (var source in await AllAsync(client, "/sources"))
        {
            var id = source.GetProperty("id").GetInt64();
            var detail = await GetAsync(client, $"/sources/{id}");
            world.AddSource(detail);
            foreach (var passage in await AllAsync(client, $"/sources/{id}/passages")) world.PassageIds.Add(passage.GetProperty("id").GetInt64());
        }
        foreach (var subject in await AllAsync(client, "/subjects")) world.Subjects[subject.GetProperty("id").GetInt64()] = subject.GetProperty("name").GetString()!;
        foreach (var property in (await GetAsync(client, "/properties")).EnumerateArray()) world.AddProperty(property);
        foreach (var status in new[] { "draft", "verified", "retracted" })
        {
            foreach (var claim in await AllAsync(client, $"/claims?status={status}"))
            {
                world.ClaimIds.Add(claim.GetProperty("id").GetInt64());
                if (status == "retracted") world.Retracted.Add(claim.GetProperty("id").GetInt64());
            }
        }
        foreach (var conflict in await AllAsync(client, "/conflicts")) world.ConflictIds.Add(conflict.GetProperty("id").GetInt64());
        if (world.Sources.Count == 0 || world.ClaimIds.Count == 0 || world.Subjects.Count == 0 || world.Properties.Count == 0)
        {
            throw new InvalidOperationException("The fuzzer needs the seed corpus: sources, subjects, properties and claims.");
        }
        return world;
    }

    public void AddSource(JsonElement detail)
    {
        var id = detail.GetProperty("id").GetInt64();
        Sources[id] = new SourceText(id, detail.GetProperty("body").GetString()!);
        if (detail.GetProperty("outlet").GetString() is { } outlet && !Outlets.Contains(outlet)) Outlets.Add(outlet);
    }

    public void AddProperty(JsonElement p) =>
        Properties[p.GetProperty("key").GetString()!] = new PropertyInfo(
            p.GetProperty("key").GetString()!, p.GetProperty("valueType").GetString()!,
            p.TryGetProperty("nonNegative", out var nn) && nn.GetBoolean(), p.GetProperty("unit").GetString());

    public void AddCursor(string key, string cursor)
    {
        if (!Cursors.TryGetValue(key, out var list)) Cursors[key] = list = [];
        if (list.Count < 50 && !list.Contains(cursor)) list.Add(cursor);
    }

    /// <summary>Learns the ids a successful answer names, so later requests can use them.</summary>
    public void Learn(string operationId, string cursorKey, int status, JsonElement body)
    {
        if (status is < 200 or >= 300 || body.ValueKind != JsonValueKind.Object && body.ValueKind != JsonValueKind.Array) return;
        switch (operationId)
        {
            case "CreateSource":
                AddSource(body);
                break;
            case "CreatePassage":
                PassageIds.Add(body.GetProperty("id").GetInt64());
                break;
            case "CreateSubject":
                Subjects[body.GetProperty("id").GetInt64()] = body.GetProperty("name").GetString()!;
                break;
            case "CreateProperty":
                AddProperty(body);
                break;
            case "CreateClaim":
                ClaimIds.Add(body.GetProperty("id").GetInt64());
                LearnClaim(body);
                break;
            case "AddClaimEvidence" or "UpdateClaim":
                LearnClaim(body);
                break;
            case "RetractClaim":
                Retracted.Add(body.GetProperty("id").GetInt64());
                break;
            case "AddSourceRevision" when body.TryGetProperty("changed", out var changed) && changed.GetBoolean():
                // The source's text changed: quotes and offsets learnt from the old one no longer hold.
                if (Sources.Count > 2) Sources.Remove(body.GetProperty("sourceId").GetInt64());
                break;
            case "LinkContradiction":
                if (!ConflictIds.Contains(body.GetProperty("id").GetInt64())) ConflictIds.Add(body.GetProperty("id").GetInt64());
                break;
        }
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String)
        {
            AddCursor(cursorKey, next.GetString()!);
        }
    }

    private void LearnClaim(JsonElement claim)
    {
        foreach (var e in claim.GetProperty("evidence").EnumerateArray())
        {
            var id = e.GetProperty("passageId").GetInt64();
            if (!PassageIds.Contains(id)) PassageIds.Add(id);
        }
        foreach (var c in claim.GetProperty("conflicts").EnumerateArray())
        {
            var id = c.GetProperty("id").GetInt64();
            if (!ConflictIds.Contains(id)) ConflictIds.Add(id);
        }
    }

    public async Task<bool> PassageExistsAsync(long sourceId, int start, int end)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "select exists (select 1 from passages where source_id = @sourceId and start_offset = @start and end_offset = @end)",
            new { sourceId, start, end });
    }

    public async Task<bool> LinkedAsync(long a, long b)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>(
            "select exists (select 1 from claim_links where (from_claim, to_claim) in ((@a, @b), (@b, @a)))", new { a, b });
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<List<JsonElement>> AllAsync(HttpClient client, string url)
    {
        var items = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await GetAsync(client, url + (url.Contains('?') ? "&" : "?") + "limit=200" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        } while (cursor is not null);
        return items;
    }

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
