using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Vocabulary;

public enum TimeSemantics { Moment, Due }

public enum PropertyType { Quantity, Time, Text, Stance }

/// <param name="Unit">The unit of its quantities (troops, people), when it has one.</param>
/// <param name="NonNegative">Whether its quantities must be zero or more (counts).</param>
/// <param name="ClaimCount">Claims with this property, retracted ones excluded.</param>
/// <param name="ChangesOverTime">Whether its value changes over time (a troop count, a position): claims are then compared only
/// as of times no further apart than the window; a value that does not (a founding year, an event's toll) is one fact.</param>
/// <param name="WindowDays">For a value that changes over time: how many days apart two as-of times may be and still be compared
/// (a disagreement across such a gap is only a possible conflict).</param>
/// <param name="TimeSemantics">For dates: moment (an event happens in the period) or due (a deadline falls due at the period's end).</param>
public sealed record PropertyDetail(
    long Id, string Key, string Label, PropertyType ValueType, string? Unit, bool NonNegative, string? Description, long ClaimCount,
    bool ChangesOverTime = false, int WindowDays = 31, TimeSemantics TimeSemantics = TimeSemantics.Moment);

public static class ListProperties
{
    private const string Sql = """
        select p.id, p.key, p.label, p.value_type, p.unit, p.non_negative, p.description,
               (select count(*) from claims c where c.property_id = p.id and c.status <> 'retracted') as claim_count,
               p.changes_over_time, p.window_days, p.time_semantics
        from properties p
        """;

    // Writes need the definition only: counting a popular property's claims reads every one of them.
    private const string DefinitionSql = """
        select p.id, p.key, p.label, p.value_type, p.unit, p.non_negative, p.description, 0::bigint as claim_count,
               p.changes_over_time, p.window_days, p.time_semantics
        from properties p
        """;

    public static async Task<Ok<PropertyDetail[]>> Handle(ReadDb db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(Sql + " order by p.key", cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => r.ToDetail()).ToArray());
    }

    public static async Task<Results<Ok<PropertyDetail>, ProblemHttpResult>> HandleOne(string key, ReadDb db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await LoadAsync(connection, null, key, ct) is { } property
            ? TypedResults.Ok(property)
            : TypedResults.Problem(statusCode: 404, title: "Property not found.", detail: $"There is no property with key \"{key}\".");
    }

    public static async Task<PropertyDetail?> LoadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string key, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Sql + " where p.key = @key", new { key }, tx, cancellationToken: ct)))?.ToDetail();

    /// <summary>The property as a write needs it: its <see cref="PropertyDetail.ClaimCount"/> is not counted (0).</summary>
    public static async Task<PropertyDetail?> DefinitionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string key, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(DefinitionSql + " where p.key = @key", new { key }, tx, cancellationToken: ct)))?.ToDetail();

    /// <summary>Every property as a write needs it, in one query (claim counts not counted, 0).</summary>
    public static async Task<List<PropertyDetail>> DefinitionsAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, CancellationToken ct) =>
        [.. (await connection.QueryAsync<Row>(new CommandDefinition(DefinitionSql, transaction: tx, cancellationToken: ct))).Select(r => r.ToDetail())];

    private sealed class Row
    {
        public long Id { get; init; }
        public string Key { get; init; } = "";
        public string Label { get; init; } = "";
        public string ValueType { get; init; } = "";
        public string? Unit { get; init; }
        public bool NonNegative { get; init; }
        public string? Description { get; init; }
        public long ClaimCount { get; init; }
        public bool ChangesOverTime { get; init; }
        public int WindowDays { get; init; }
        public string TimeSemantics { get; init; } = "moment";

        public PropertyDetail ToDetail() =>
            new(Id, Key, Label, DbEnum.Parse<PropertyType>(ValueType), Unit, NonNegative, Description, ClaimCount,
                ChangesOverTime, WindowDays, DbEnum.Parse<TimeSemantics>(TimeSemantics));
    }
}
