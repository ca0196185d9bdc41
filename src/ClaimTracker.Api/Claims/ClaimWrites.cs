using System.Text.Json;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Api.Claims;

/// <summary>Every writable field of a claim, resolved: what an insert or an update writes.</summary>
/// <param name="Meaning">The value as read: from an expression ("more than 40", "late 2026") or as given.</param>
/// <param name="Attribution">The chain of voices, outermost first (subject ids); its last is <see cref="AssertedBy"/>.</param>
public sealed record ClaimFields(
    long SubjectId,
    PropertyDetail Property,
    ValueMeaning Meaning,
    PartialDate? ValidFrom,
    PartialDate? ValidTo,
    PartialDate? StatedOn,
    long? AssertedBy,
    string? Location,
    string? Note,
    ClaimStatus Status,
    string? RetractedReason,
    ClaimRank Rank,
    long? PartOf = null,
    long[]? Attribution = null)
{
    public ClaimValueInput Value => Meaning.Value;

    /// <returns>Why the fields do not fit together (the value against its property, the valid time), or null.</returns>
    public FieldFailure? Check()
    {
        if (Value.Mismatch(Property) is { } mismatch) return new($"value.{mismatch.Field}", mismatch.Reason);
        if (ValidFrom is { } from && ValidTo is { } to && from.Start >= to.End) return new("validTo", "must not be before validFrom.");
        return null;
    }

    /// <summary>The claim's stored columns and their values: the one list that inserts, updates and bulk copies write.</summary>
    public IReadOnlyList<(string Column, object? Value, NpgsqlDbType Type)> Columns()
    {
        var period = Value.Kind == ValueKind.Time ? Meaning.Period : null;
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
            ("time_on", period?.Start, NpgsqlDbType.Date),
            ("time_precision", period?.Precision.Db(), NpgsqlDbType.Text),
            ("time_range", period is null ? null : new NpgsqlRange<DateOnly>(period.Start, true, period.End, false), NpgsqlDbType.DateRange),
            ("time_part", period?.Part, NpgsqlDbType.Text),
            ("time_approximate", period?.Approximate ?? false, NpgsqlDbType.Boolean),
            ("time_of_day", period?.TimeOfDay, NpgsqlDbType.Time),
            ("time_utc_offset", period?.UtcOffsetMinutes, NpgsqlDbType.Integer),
            ("time_resolution", period?.Resolution, NpgsqlDbType.Text),
            ("time_display", period?.Display, NpgsqlDbType.Text),
            ("value_expression", Value.Expression?.Trim(), NpgsqlDbType.Text),
            ("hedge", Meaning.Hedge, NpgsqlDbType.Text),
            ("hedge_table", Meaning.HedgeTable, NpgsqlDbType.Integer),
            ("value_reading", Meaning.Reading, NpgsqlDbType.Text),
            ("part_of", PartOf, NpgsqlDbType.Bigint),
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

    private static readonly ClaimFields Empty = new(0, new PropertyDetail(0, "", "", PropertyType.Text, null, true, null, 0),
        ValueMeaning.Plain(new ClaimValueInput(ValueKind.Unknown)), null, null, null, null, null, null, ClaimStatus.Draft, null, ClaimRank.Normal);

    /// <summary>The stored columns' names, in <see cref="Columns"/> order.</summary>
    public static readonly string[] ColumnNames = [.. Empty.Columns().Select(c => c.Column)];
}

/// <summary>
/// The one module that writes claims. Every path that creates or changes a claim (POST, PATCH and DELETE /claims,
/// evidence, a conflict's preferred claim, a source revision's derived claims, the seeds) goes through it, and it
/// owns the sequence: resolve, check, store, bring derived data up to date (refresh_claims), read back, record the
/// revision. The bulk import resolves through the same <see cref="ClaimResolver"/> and writes by COPY.
/// </summary>
public static class ClaimWrites
{
    private static readonly string Columns = string.Join(", ", ClaimFields.ColumnNames);
    private static readonly string Values = string.Join(", ", ClaimFields.ColumnNames.Select(c => "@" + c));
    private static readonly CreateClaimRequest.Validator Rules = new();

    /// <summary>A claim locked for change, as it was before it.</summary>
    /// <param name="Detail">The claim as it reads before the change (a revision's "before").</param>
    public sealed record Locked(long Id, int Version, ClaimFields Fields, ClaimDetail Detail);

    /// <summary>A new claim with its evidence.</summary>
    public static async Task<(ClaimDetail? Claim, ProblemHttpResult? Problem)> CreateAsync(WriteContext w, CreateClaimRequest input)
    {
        var (resolved, failure) = await ClaimResolver.ResolveAsync(Lookups(w), input);
        if (failure is not null) return (null, failure.ToProblem());
        var id = await w.Connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            insert into claims ({Columns}, created_by, updated_by)
            values ({Values}, @curator_id, @curator_id)
            returning id
            """, resolved!.Fields.Parameters(w.CuratorId), w.Transaction, cancellationToken: w.Ct));
        await AttributeAsync(w, id, resolved.Fields);
        await LinkAsync(w, id, resolved.Evidence);
        return (await FinishAsync(w, id, "created", null, null), null);
    }

    /// <summary>
    /// The prologue every change of a stored claim shares: the claim locked, found, at the version the client read
    /// (<paramref name="version"/>, from If-Match; null when it may be any), and not retracted.
    /// </summary>
    public static async Task<(Locked? Claim, ProblemHttpResult? Problem)> LockAsync(WriteContext w, long id, int? version)
    {
        // Lock the bare row first: a locking read over the joined query would, after waiting for another writer,
        // recheck its joins against the new row version and could drop the row.
        var exists = await w.Connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select true from claims where id = @id for update", new { id }, w.Transaction, cancellationToken: w.Ct));
        if (!exists) return (null, Problems.NotFound("Claim", id));
        var row = await w.Connection.QuerySingleAsync<ClaimRow>(new CommandDefinition(
            ClaimQuery.Select + " where c.id = @id", new { id }, w.Transaction, cancellationToken: w.Ct));
        if (version is { } expected && expected != row.Version) return (null, Preconditions.Stale("claim", row.Version));
        var detail = row.ToDetail();
        if (detail.Status == ClaimStatus.Retracted)
        {
            return (null, Problems.Conflict("The claim is retracted.", $"Claim {id} was retracted; retracted claims are kept as they were."));
        }
        var property = (await ListProperties.DefinitionAsync(w.Connection, w.Transaction, row.PropertyKey, w.Ct))!;
        return (new Locked(id, row.Version, row.Fields(property), detail), null);
    }

    /// <summary>
    /// A revision: the patch merged into the claim's input form (<see cref="ClaimInputs.Merge"/>), read and checked as
    /// a whole by the rules of a new claim, then stored.
    /// </summary>
    public static async Task<(ClaimDetail? Claim, IResult? Problem)> ReviseAsync(
        WriteContext w, Locked claim, JsonObject patch, string reason, JsonSerializerOptions json)
    {
        var merged = ClaimInputs.Merge(ClaimInputs.From(claim.Detail, json), patch);
        CreateClaimRequest input;
        try
        {
            input = merged.Deserialize<CreateClaimRequest>(json)!;
        }
        catch (JsonException e)
        {
            return (null, Problems.Invalid(Problems.FieldFromJsonPath(e.Path), Problems.JsonReason(e)));
        }
        if (Validation.FindNul(input, null) is { } nul) return (null, Problems.Invalid(nul, "contains the NUL character (U+0000), which text cannot hold."));
        var errors = (await Rules.ValidateAsync(input, w.Ct)).Errors.Where(e => !ClaimInputs.Unpatchable.Contains(e.PropertyName)).ToList();
        if (errors.Count > 0) return (null, Problems.Invalid(errors.GroupBy(e => e.PropertyName).ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray())));
        // Expressions are read against the claim's report: its first supporting source.
        var lookups = Lookups(w);
        var sourceId = await w.Connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            select e.source_id from claim_evidence e join sources so on so.id = e.source_id
            where e.claim_id = @id and e.stance = 'supports' order by so.published_on nulls last, so.id limit 1
            """, new { id = claim.Id }, w.Transaction, cancellationToken: w.Ct));
        var report = sourceId is { } s ? await lookups.ReportAsync(s) : null;
        var (resolved, failure) = await ClaimResolver.ResolveAsync(lookups, input, evidence: false, report: report, self: claim.Id);
        if (failure is not null) return (null, failure.ToProblem());
        return (await StoreAsync(w, claim, resolved!.Fields, "revised", reason), null);
    }

    public static async Task<ClaimDetail> RetractAsync(WriteContext w, Locked claim, string reason) =>
        await StoreAsync(w, claim, claim.Fields with { Status = ClaimStatus.Retracted, RetractedReason = reason }, "retracted", reason);

    /// <summary>A rank change is a revision like any other, with its reason in the history; none when the rank holds.</summary>
    public static async Task SetRankAsync(WriteContext w, long id, ClaimRank rank, string reason)
    {
        var (claim, _) = await LockAsync(w, id, null);
        if (claim is null || claim.Fields.Rank == rank) return;
        await StoreAsync(w, claim, claim.Fields with { Rank = rank }, "revised", reason);
    }

    /// <summary>A revision that changes no field but says why (a passage of the claim changed, say).</summary>
    public static async Task<ClaimDetail> NoteAsync(WriteContext w, long id, string reason)
    {
        var (claim, problem) = await LockAsync(w, id, null);
        if (claim is null) throw new InvalidOperationException($"Claim {id} cannot take a note: {problem?.ProblemDetails.Detail}");
        return await StoreAsync(w, claim, claim.Fields, "revised", reason);
    }

    /// <summary>
    /// The most passages a claim may hold as evidence, however they were added, so that every answer embedding a claim
    /// stays bounded. A report past that is recorded as another claim, which then corroborates this one.
    /// </summary>
    public const int MaxEvidence = 100;

    /// <summary>More passages for a claim; a 409 when each of them is already its evidence, or when the claim would hold more than <see cref="MaxEvidence"/>.</summary>
    public static async Task<(ClaimDetail? Claim, ProblemHttpResult? Problem)> AddEvidenceAsync(WriteContext w, Locked claim, IReadOnlyList<EvidenceInput> items)
    {
        var (links, failure) = await ClaimResolver.EvidenceAsync(Lookups(w), items, "evidence");
        if (failure is not null)
        {
            // A single item is the whole body of POST /claims/{id}/evidence: name its fields as the body does.
            var field = items.Count == 1 && failure.Field.StartsWith("evidence[0].") ? failure.Field["evidence[0].".Length..] : failure.Field;
            return (null, (failure with { Field = field }).ToProblem());
        }
        if (await LinkAsync(w, claim.Id, links!) == 0)
        {
            return (null, Problems.Conflict("The evidence is already linked.",
                $"Passage {links![0].PassageId} is already evidence of claim {claim.Id}.",
                new Dictionary<string, object?> { ["passageId"] = links[0].PassageId }));
        }
        // Under the claim's row lock (LockAsync), so two additions cannot both pass the count.
        var held = await w.Connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "select count(*)::int from claim_evidence where claim_id = @id", new { id = claim.Id }, w.Transaction, cancellationToken: w.Ct));
        if (held > MaxEvidence)
        {
            return (null, Problems.Conflict("The claim holds all the evidence it may.",
                $"Claim {claim.Id} would hold {held} passages; a claim holds at most {MaxEvidence}. Record this report as another claim: it corroborates this one.",
                new Dictionary<string, object?> { ["maxEvidence"] = MaxEvidence }));
        }
        await BumpAsync(w, claim);
        return (await FinishAsync(w, claim.Id, "evidence_added", null, claim.Detail), null);
    }

    /// <summary>
    /// Brings everything derived from these claims up to date in the writing transaction (refresh_claims: search
    /// documents, conflicts). Whatever changes what a claim's derived data reads (a subject's names, a property, a
    /// passage, a contradiction link) calls this for the claims it affects.
    /// </summary>
    public static Task RefreshAsync(WriteContext w, IReadOnlyCollection<long> ids) =>
        ids.Count == 0 ? Task.CompletedTask : w.Connection.ExecuteAsync(new CommandDefinition(
            "select refresh_claims(@ids, @curator)", new { ids = ids.ToArray(), curator = w.CuratorId }, w.Transaction,
            commandTimeout: 0, cancellationToken: w.Ct));

    private static DatabaseLookups Lookups(WriteContext w) => new(w.Connection, w.Transaction, w.CuratorId, w.Ct);

    private static async Task<ClaimDetail> StoreAsync(WriteContext w, Locked claim, ClaimFields fields, string action, string reason)
    {
        var parameters = fields.Parameters(w.CuratorId);
        parameters.Add("claim_id", claim.Id);
        await w.Connection.ExecuteAsync(new CommandDefinition($"""
            update claims set ({Columns}) = ({Values}),
                   version = version + 1, updated_by = @curator_id, updated_at = now()
            where id = @claim_id
            """, parameters, w.Transaction, cancellationToken: w.Ct));
        await AttributeAsync(w, claim.Id, fields);
        return await FinishAsync(w, claim.Id, action, reason, claim.Detail);
    }

    /// <summary>The claim's attribution chain, outermost first; none when it is a single voice or the source's own.</summary>
    private static Task AttributeAsync(WriteContext w, long claimId, ClaimFields fields) =>
        w.Connection.ExecuteAsync(new CommandDefinition("""
            delete from claim_attributions where claim_id = @claimId;
            insert into claim_attributions (claim_id, position, subject_id)
            select @claimId, a.position, a.subject_id from unnest(@chain) with ordinality as a (subject_id, position);
            """, new { claimId, chain = fields.Attribution is { Length: > 1 } chain ? chain : [] }, w.Transaction, cancellationToken: w.Ct));

    private static Task BumpAsync(WriteContext w, Locked claim) =>
        w.Connection.ExecuteAsync(new CommandDefinition("""
            update claims set version = version + 1, updated_by = @curatorId, updated_at = now() where id = @id
            """, new { id = claim.Id, curatorId = w.CuratorId }, w.Transaction, cancellationToken: w.Ct));

    private static Task<int> LinkAsync(WriteContext w, long claimId, IReadOnlyList<EvidenceLink> evidence) =>
        w.Connection.ExecuteAsync(new CommandDefinition("""
            insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
            select @claimId, e.passage_id, e.source_id, e.stance, @curatorId
            from unnest(@passageIds, @sourceIds, @stances) as e (passage_id, source_id, stance)
            on conflict (claim_id, passage_id) do nothing
            """,
            new
            {
                claimId, curatorId = w.CuratorId,
                passageIds = evidence.Select(e => e.PassageId).ToArray(),
                sourceIds = evidence.Select(e => e.SourceId).ToArray(),
                stances = evidence.Select(e => e.Stance.Db()).ToArray(),
            }, w.Transaction, cancellationToken: w.Ct));

    /// <summary>The steps after every store: derived data, the claim read back, its revision.</summary>
    private static async Task<ClaimDetail> FinishAsync(WriteContext w, long id, string action, string? reason, ClaimDetail? before)
    {
        await RefreshAsync(w, [id]);
        var after = (await ClaimQuery.LoadAsync(w.Connection, w.Transaction, id, w.Ct))!;
        await w.Connection.ExecuteAsync(new CommandDefinition("""
            insert into claim_revisions (claim_id, number, action, reason, before, after, created_by)
            values (@id, @number, @action, @reason, @before::jsonb, @after::jsonb, @curatorId)
            """,
            new
            {
                id, number = after.Version, action, reason,
                before = before is null ? null : JsonSerializer.Serialize(before, Snapshot),
                after = JsonSerializer.Serialize(after, Snapshot),
                curatorId = w.CuratorId,
            }, w.Transaction, cancellationToken: w.Ct));
        return after;
    }

    private static readonly JsonSerializerOptions Snapshot = CreateSnapshotOptions();

    private static JsonSerializerOptions CreateSnapshotOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        return options;
    }
}
