using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Subjects;

/// <summary>Resolves a subject reference given either as a name or alias (any case) or as an id.</summary>
public static class SubjectLookup
{
    public sealed record Found(long Id, string Name);

    public static async Task<Found?> ByNameAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<Found>(new CommandDefinition("""
            select s.id, s.name from subject_aliases a join subjects s on s.id = a.subject_id where a.alias_key = lower(@name)
            """, new { name = name.Trim() }, tx, cancellationToken: ct));

    public static async Task<Found?> ByIdAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long id, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<Found>(new CommandDefinition(
            "select id, name from subjects where id = @id", new { id }, tx, cancellationToken: ct));

    /// <summary>A name, an alias, or (all digits) an id.</summary>
    public static Task<Found?> ByReferenceAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string reference, CancellationToken ct) =>
        long.TryParse(reference, System.Globalization.NumberStyles.None, null, out var id)
            ? ByIdAsync(connection, tx, id, ct)
            : ByNameAsync(connection, tx, reference, ct);

    /// <returns>The subject, or the reason it cannot be found, worded for the field's error.</returns>
    public static async Task<(Found? Subject, string? Reason)> ResolveAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string? name, long? id, CancellationToken ct)
    {
        if (id is { } byId)
        {
            return await ByIdAsync(connection, tx, byId, ct) is { } s ? (s, null) : (null, $"no subject has id {byId}.");
        }
        if (name is not null)
        {
            return await ByNameAsync(connection, tx, name, ct) is { } s
                ? (s, null)
                : (null, $"no subject is named or aliased \"{name}\"; add it with POST /subjects first.");
        }
        return (null, null);
    }
}
