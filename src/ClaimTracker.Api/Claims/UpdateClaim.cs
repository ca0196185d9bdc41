using System.Security.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using ClaimTracker.Api.Text;
using ClaimTracker.Api.Vocabulary;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// A revision of a claim: only the fields sent change. An empty string clears an optional field ("assertedBy": ""
/// makes it the source's own voice again). Every revision says why.
/// </summary>
/// <param name="Reason">Why the claim changes; kept in its history.</param>
public sealed record UpdateClaimRequest(
    string Reason,
    ClaimValueInput? Value = null,
    string? Property = null,
    string? Subject = null,
    long? SubjectId = null,
    string? AssertedBy = null,
    long? AssertedById = null,
    string? ValidAt = null,
    string? ValidFrom = null,
    string? ValidTo = null,
    string? StatedOn = null,
    string? Location = null,
    string? Note = null,
    ClaimStatus? Status = null,
    ClaimRank? Rank = null)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ChangesNothing =>
        Value is null && Property is null && Subject is null && SubjectId is null && AssertedBy is null && AssertedById is null
        && ValidAt is null && ValidFrom is null && ValidTo is null && StatedOn is null && Location is null && Note is null
        && Status is null && Rank is null;

    public sealed class Validator : AbstractValidator<UpdateClaimRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(2_000);
            RuleFor(r => r.Value!).SetValidator(new ClaimValueInput.Validator()).When(r => r.Value is not null);
            RuleFor(r => r.Subject).Null().When(r => r.SubjectId is not null).WithMessage("must be left out when subjectId is given.");
            RuleFor(r => r.Subject).Must(s => s!.Trim().Length > 0).When(r => r.Subject is not null).WithMessage("must not be blank.");
            RuleFor(r => r.AssertedBy).Null().When(r => r.AssertedById is not null).WithMessage("must be left out when assertedById is given.");
            RuleFor(r => r.ValidAt).PartialDate(clearable: true);
            RuleFor(r => r.ValidFrom).PartialDate(clearable: true);
            RuleFor(r => r.ValidTo).PartialDate(clearable: true);
            RuleFor(r => r.StatedOn).PartialDate(clearable: true);
            RuleFor(r => r.Property).MaximumLength(63);
            RuleFor(r => r.Subject).MaximumLength(300);
            RuleFor(r => r.AssertedBy).MaximumLength(300);
            RuleFor(r => r.ValidAt).Null().When(r => r.ValidFrom is not null || r.ValidTo is not null)
                .WithMessage("must be left out when validFrom or validTo is given.");
            RuleFor(r => r.Location).MaximumLength(300);
            RuleFor(r => r.Note).MaximumLength(5_000);
            RuleFor(r => r.Status).IsInEnum().NotEqual(ClaimStatus.Retracted).WithMessage("must be draft or verified; retract with DELETE.");
            RuleFor(r => r.Rank).IsInEnum();
            RuleFor(r => r).Must(r => !r.ChangesNothing).WithName("$").WithMessage("names no field to change.")
                .OverridePropertyName("$");
        }
    }
}

public static class UpdateClaim
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> Handle(
        long id, UpdateClaimRequest request, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var match = Preconditions.IfMatch(http.Request);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var current = await CurrentAsync(connection, tx, id, ct);
        if (current is null) return Problems.NotFound("Claim", id);
        if (match.Version is { } expected && expected != current.Version) return Preconditions.Stale("claim", current.Version);
        if (current.Fields.Status == ClaimStatus.Retracted)
        {
            return Problems.Conflict("The claim is retracted.", $"Claim {id} was retracted; retracted claims are kept as they were.");
        }

        var (fields, problem) = await ApplyAsync(connection, tx, current.Fields, request, ct);
        if (problem is not null) return problem;

        var before = current.Detail;
        if (!await ClaimWriter.UpdateAsync(connection, tx, id, current.Version, fields!, write.CuratorId, ct))
        {
            return Preconditions.Stale("claim", current.Version + 1);
        }
        await ClaimWriter.RefreshSearchAsync(connection, tx, id, ct);
        await ConflictMaintenance.MaintainAsync(connection, tx, [id], write.CuratorId, ct);
        var after = (await ClaimQuery.LoadAsync(connection, tx, id, ct))!;
        await ClaimWriter.RecordAsync(connection, tx, id, "revised", request.Reason, before, after, write.CuratorId, ct);
        http.Response.Headers.ETag = after.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }

    /// <param name="Detail">The claim as it reads before the change (a revision's "before").</param>
    public sealed record Current(int Version, ClaimFields Fields, ClaimDetail Detail);

    /// <summary>The claim's stored fields, locked for the rest of the transaction.</summary>
    public static async Task<Current?> CurrentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken ct)
    {
        // Lock the bare row first: a locking read over the joined query would, after waiting for another writer,
        // recheck its joins against the new row version and could drop the row.
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select true from claims where id = @id for update", new { id }, tx, cancellationToken: ct));
        if (!exists) return null;
        var row = (await connection.QuerySingleAsync<ClaimRow>(new CommandDefinition(
            ClaimQuery.Select + " where c.id = @id", new { id }, tx, cancellationToken: ct)));
        var property = (await ListProperties.DefinitionAsync(connection, tx, row.PropertyKey, ct))!;
        return new Current(row.Version, row.Fields(property), row.ToDetail());
    }

    private static async Task<(ClaimFields? Fields, ProblemHttpResult? Problem)> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, ClaimFields fields, UpdateClaimRequest request, CancellationToken ct)
    {
        if (request.Property is not null)
        {
            var property = await ListProperties.DefinitionAsync(connection, tx, request.Property.Trim(), ct);
            if (property is null) return (null, Problems.Unprocessable("property", $"no property has the key \"{request.Property}\"."));
            fields = fields with { Property = property };
        }
        if (request.Subject is not null || request.SubjectId is not null)
        {
            var (subject, reason) = await SubjectLookup.ResolveAsync(connection, tx, request.Subject, request.SubjectId, ct);
            if (subject is null) return (null, Problems.Unprocessable(request.SubjectId is null ? "subject" : "subjectId", reason!));
            fields = fields with { SubjectId = subject.Id };
        }
        if (request.AssertedBy == "")
        {
            fields = fields with { AssertedBy = null };
        }
        else if (request.AssertedBy is not null || request.AssertedById is not null)
        {
            var (asserter, reason) = await SubjectLookup.ResolveAsync(connection, tx, request.AssertedBy, request.AssertedById, ct);
            if (asserter is null) return (null, Problems.Unprocessable(request.AssertedById is null ? "assertedBy" : "assertedById", reason!));
            fields = fields with { AssertedBy = asserter.Id };
        }
        if (request.ValidAt is not null)
        {
            var at = PartialDate.ParseOrNull(request.ValidAt);
            fields = fields with { ValidFrom = at, ValidTo = at };
        }
        if (request.ValidFrom is not null) fields = fields with { ValidFrom = PartialDate.ParseOrNull(request.ValidFrom) };
        if (request.ValidTo is not null) fields = fields with { ValidTo = PartialDate.ParseOrNull(request.ValidTo) };
        if (request.StatedOn is not null) fields = fields with { StatedOn = PartialDate.ParseOrNull(request.StatedOn) };
        if (request.Location is not null) fields = fields with { Location = Blank(request.Location) };
        if (request.Note is not null) fields = fields with { Note = Blank(request.Note) };
        if (request.Value is not null) fields = fields with { Value = request.Value };
        if (request.Status is { } status) fields = fields with { Status = status };
        if (request.Rank is { } rank) fields = fields with { Rank = rank };
        return fields.Check() is { } problem ? (null, problem) : (fields, null);
    }

    private static string? Blank(string text) => text.Trim() is { Length: > 0 } t ? t : null;
}
