using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Api.Claims;

/// <summary>Every writable field of a claim, resolved: what an insert or an update writes.</summary>
public sealed record ClaimFields(
    long SubjectId,
    PropertyDetail Property,
    ClaimValueInput Value,
    PartialDate? ValidFrom,
    PartialDate? ValidTo,
    PartialDate? StatedOn,
    long? AssertedBy,
    string? Location,
    string? Note,
    ClaimStatus Status,
    string? RetractedReason,
    ClaimRank Rank)
{
    /// <returns>A 422 naming the field when the value does not fit the property, or null.</returns>
    public ProblemHttpResult? Check()
    {
        if (Value.Mismatch(Property) is { } mismatch) return Problems.Unprocessable($"value.{mismatch.Field}", mismatch.Reason);
        if (ValidFrom is { } from && ValidTo is { } to && from.Start >= to.End)
        {
            return Problems.Unprocessable("validTo", "must not be before validFrom.");
        }
        return null;
    }

    /// <summary>The claim's stored columns and their values: the one list that inserts, updates and bulk copies write.</summary>
    public IReadOnlyList<(string Column, object? Value, NpgsqlDbType Type)> Columns()
    {
        var time = PartialDate.ParseOrNull(Value.Date);
        return
        [
            ("subject_id", SubjectId, NpgsqlDbType.Bigint),
            ("property_id", Property.Id, NpgsqlDbType.Bigint),
            ("value_kind", Value.Kind.Db(), NpgsqlDbType.Text),
            ("amount", Value.Amount, NpgsqlDbType.Numeric),
            ("lower_bound", Value.LowerBound, NpgsqlDbType.Numeric),
            ("upper_bound", Value.UpperBound, NpgsqlDbType.Numeric),
            ("unit", Value.Kind == ValueKind.Quantity ? Value.Unit?.Trim() ?? Property.Unit : null, NpgsqlDbType.Text),
            ("approximation", Value.EffectiveApproximation.Db(), NpgsqlDbType.Text),
            ("tolerance", Value.Tolerance, NpgsqlDbType.Numeric),
            ("time_on", time?.Start, NpgsqlDbType.Date),
            ("time_precision", time?.PrecisionName, NpgsqlDbType.Text),
            ("time_modifier", Value.Kind == ValueKind.Time ? (Value.Modifier ?? TimeModifier.On).Db() : null, NpgsqlDbType.Text),
            ("text_value", Value.Text, NpgsqlDbType.Text),
            ("stance", Value.Stance.Db(), NpgsqlDbType.Text),
            ("proposition", Value.Proposition, NpgsqlDbType.Text),
            ("stated_as", Value.StatedAs, NpgsqlDbType.Text),
            ("valid_from", ValidFrom?.Start, NpgsqlDbType.Date),
            ("valid_from_precision", ValidFrom?.PrecisionName, NpgsqlDbType.Text),
            ("valid_to", ValidTo?.Start, NpgsqlDbType.Date),
            ("valid_to_precision", ValidTo?.PrecisionName, NpgsqlDbType.Text),
            ("stated_on", StatedOn?.Start, NpgsqlDbType.Date),
            ("stated_precision", StatedOn?.PrecisionName, NpgsqlDbType.Text),
            ("asserted_by", AssertedBy, NpgsqlDbType.Bigint),
            ("location", Location, NpgsqlDbType.Text),
            ("note", Note, NpgsqlDbType.Text),
            ("status", Status.Db(), NpgsqlDbType.Text),
            ("retracted_reason", RetractedReason, NpgsqlDbType.Text),
            ("rank", Rank.Db(), NpgsqlDbType.Text),
        ];
    }

    public DynamicParameters Parameters(long curatorId)
    {
        var parameters = new DynamicParameters();
        foreach (var (column, value, _) in Columns()) parameters.Add(column, value);
        parameters.Add("curator_id", curatorId);
        return parameters;
    }
}

/// <summary>The steps every claim write shares: store, refresh the search text, record the revision.</summary>
public static class ClaimWriter
{
    private static readonly ClaimFields Empty = new(0, new PropertyDetail(0, "", "", PropertyType.Text, null, true, null, 0),
        new ClaimValueInput(ValueKind.Unknown), null, null, null, null, null, null, ClaimStatus.Draft, null, ClaimRank.Normal);

    // The column list, and the matching parameter names, from ClaimFields.Columns.
    internal static readonly string[] ColumnNames = [.. Empty.Columns().Select(c => c.Column)];
    private static readonly string Columns = string.Join(", ", ColumnNames);
    private static readonly string Values = string.Join(", ", ColumnNames.Select(c => "@" + c));

    public static Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimFields fields, long curatorId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            insert into claims ({Columns}, created_by, updated_by)
            values ({Values}, @curator_id, @curator_id)
            returning id
            """, fields.Parameters(curatorId), tx, cancellationToken: ct));

    /// <summary>Writes the fields if the claim is still at <paramref name="version"/>; false when it moved on.</summary>
    public static async Task<bool> UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long id, int version, ClaimFields fields, long curatorId, CancellationToken ct)
    {
        var parameters = fields.Parameters(curatorId);
        parameters.Add("claim_id", id);
        parameters.Add("claim_version", version);
        return await connection.ExecuteAsync(new CommandDefinition($"""
            update claims set ({Columns}) = ({Values}),
                   version = version + 1, updated_by = @curator_id, updated_at = now()
            where id = @claim_id and version = @claim_version
            """, parameters, tx, cancellationToken: ct)) == 1;
    }

    /// <summary>Moves the claim to its next version without changing its fields (evidence was added).</summary>
    public static async Task<bool> TouchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, int? version, long curatorId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            update claims set version = version + 1, updated_by = @curatorId, updated_at = now()
            where id = @id and (@version::int is null or version = @version)
            """, new { id, version, curatorId }, tx, cancellationToken: ct)) == 1;

    /// <summary>Rebuilds the claim's full-text document (claim_search: subject names, its words, passages, note).</summary>
    public static Task RefreshSearchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition($"""
            update claims c set search = claim_search(c.subject_id, c.property_id, c.asserted_by, {SearchWords},
                (select string_agg(ps.exact, ' ') from claim_evidence e join passages ps on ps.id = e.passage_id where e.claim_id = c.id),
                c.note)
            where c.id = @id
            """, new { id }, tx, cancellationToken: ct));

    /// <summary>The claim's own words for its search document, over a row aliased c.</summary>
    internal const string SearchWords = "concat_ws(' ', c.stated_as, c.text_value, c.proposition, c.unit, c.location)";

    public static Task RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long id, string action, string? reason,
        ClaimDetail? before, ClaimDetail after, long curatorId, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            insert into claim_revisions (claim_id, number, action, reason, before, after, created_by)
            values (@id, @number, @action, @reason, @before::jsonb, @after::jsonb, @curatorId)
            """,
            new
            {
                id, number = after.Version, action, reason,
                before = before is null ? null : JsonSerializer.Serialize(before, Snapshot),
                after = JsonSerializer.Serialize(after, Snapshot),
                curatorId,
            }, tx, cancellationToken: ct));

    private static readonly JsonSerializerOptions Snapshot = CreateSnapshotOptions();

    private static JsonSerializerOptions CreateSnapshotOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        return options;
    }
}
