using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Properties;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

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

    public object Parameters(long curatorId)
    {
        var time = PartialDate.ParseOrNull(Value.Date);
        return new
        {
            SubjectId,
            PropertyId = Property.Id,
            ValueKind = Value.Kind.Db(),
            Value.Amount,
            Value.LowerBound,
            Value.UpperBound,
            Unit = Value.Kind == ValueKind.Quantity ? Value.Unit?.Trim() ?? Property.Unit : null,
            Approximation = Value.EffectiveApproximation.Db(),
            Value.Tolerance,
            TimeOn = time?.Start,
            TimePrecision = time?.PrecisionName,
            TimeModifier = Value.Kind == ValueKind.Time ? (Value.Modifier ?? TimeModifier.On).Db() : null,
            TextValue = Value.Text,
            Stance = Value.Stance.Db(),
            Value.Proposition,
            Value.StatedAs,
            ValidFrom = ValidFrom?.Start,
            ValidFromPrecision = ValidFrom?.PrecisionName,
            ValidTo = ValidTo?.Start,
            ValidToPrecision = ValidTo?.PrecisionName,
            StatedOn = StatedOn?.Start,
            StatedPrecision = StatedOn?.PrecisionName,
            AssertedBy,
            Location,
            Note,
            Status = Status.Db(),
            RetractedReason,
            Rank = Rank.Db(),
            CuratorId = curatorId,
        };
    }
}

/// <summary>The steps every claim write shares: store, refresh the search text, record the revision.</summary>
public static class ClaimWriter
{
    private const string Columns = """
        subject_id, property_id, value_kind, amount, lower_bound, upper_bound, unit, approximation, tolerance,
        time_on, time_precision, time_modifier, text_value, stance, proposition, stated_as,
        valid_from, valid_from_precision, valid_to, valid_to_precision, stated_on, stated_precision,
        asserted_by, location, note, status, retracted_reason, rank
        """;

    private const string Values = """
        @SubjectId, @PropertyId, @ValueKind, @Amount, @LowerBound, @UpperBound, @Unit, @Approximation, @Tolerance,
        @TimeOn, @TimePrecision, @TimeModifier, @TextValue, @Stance, @Proposition, @StatedAs,
        @ValidFrom, @ValidFromPrecision, @ValidTo, @ValidToPrecision, @StatedOn, @StatedPrecision,
        @AssertedBy, @Location, @Note, @Status, @RetractedReason, @Rank
        """;

    public static Task<long> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ClaimFields fields, long curatorId, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            insert into claims ({Columns}, created_by, updated_by)
            values ({Values}, @CuratorId, @CuratorId)
            returning id
            """, fields.Parameters(curatorId), tx, cancellationToken: ct));

    /// <summary>Writes the fields if the claim is still at <paramref name="version"/>; false when it moved on.</summary>
    public static async Task<bool> UpdateAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long id, int version, ClaimFields fields, long curatorId, CancellationToken ct)
    {
        var parameters = new DynamicParameters(fields.Parameters(curatorId));
        parameters.Add("Id", id);
        parameters.Add("Version", version);
        return await connection.ExecuteAsync(new CommandDefinition($"""
            update claims set ({Columns}) = ({Values}),
                   version = version + 1, updated_by = @CuratorId, updated_at = now()
            where id = @Id and version = @Version
            """, parameters, tx, cancellationToken: ct)) == 1;
    }

    /// <summary>Moves the claim to its next version without changing its fields (evidence was added).</summary>
    public static async Task<bool> TouchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, int? version, long curatorId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("""
            update claims set version = version + 1, updated_by = @curatorId, updated_at = now()
            where id = @id and (@version::int is null or version = @version)
            """, new { id, version, curatorId }, tx, cancellationToken: ct)) == 1;

    /// <summary>Rebuilds the claim's full-text document: subject names, the claim's words, and its passages.</summary>
    public static Task RefreshSearchAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            update claims c set search =
                setweight(to_tsvector('english', coalesce((select string_agg(alias, ' ') from subject_aliases where subject_id = c.subject_id), '')), 'A') ||
                setweight(to_tsvector('english', concat_ws(' ', p.label, c.stated_as, c.text_value, c.proposition, c.unit, c.location,
                    (select name from subjects where id = c.asserted_by))), 'B') ||
                setweight(to_tsvector('english', coalesce((
                    select string_agg(ps.exact, ' ') from claim_evidence e join passages ps on ps.id = e.passage_id
                    where e.claim_id = c.id), '')), 'C') ||
                setweight(to_tsvector('english', coalesce(c.note, '')), 'D')
            from properties p
            where c.id = @id and p.id = c.property_id
            """, new { id }, tx, cancellationToken: ct));

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
