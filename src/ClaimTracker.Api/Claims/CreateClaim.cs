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

/// <summary>A new claim. Name the subject (or asserter) by name, alias or id; one of the two forms, not both.</summary>
/// <param name="Property">The property's key, e.g. troop_count.</param>
/// <param name="Evidence">At least one passage that supports the claim.</param>
/// <param name="Subject">The subject's name or alias.</param>
/// <param name="SubjectId">The subject's id.</param>
/// <param name="AssertedBy">Who asserts the claim, by name or alias; leave out for the source's own voice.</param>
/// <param name="AssertedById">Who asserts the claim, by id.</param>
/// <param name="ValidAt">When the fact holds, as one period (YYYY, YYYY-MM or YYYY-MM-DD).</param>
/// <param name="ValidFrom">When the fact starts to hold; with validTo, or open-ended.</param>
/// <param name="ValidTo">When the fact stops holding (the whole period included).</param>
/// <param name="StatedOn">When the asserter said it.</param>
/// <param name="Status">draft (default) or verified; retract with DELETE.</param>
/// <param name="Rank">preferred, normal (default) or deprecated.</param>
public sealed record CreateClaimRequest(
    string Property,
    ClaimValueInput Value,
    EvidenceInput[] Evidence,
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
    ClaimStatus Status = ClaimStatus.Draft,
    ClaimRank Rank = ClaimRank.Normal)
{
    public sealed class Validator : AbstractValidator<CreateClaimRequest>
    {
        public Validator()
        {
            RuleFor(r => r.Property).NotEmpty().MaximumLength(63);
            RuleFor(r => r.Value).SetValidator(new ClaimValueInput.Validator());
            RuleFor(r => r.Evidence).NotEmpty().WithMessage("must hold at least one supporting passage.")
                .MaxItems(50).WithMessage("must hold at most 50 items.");
            RuleForEach(r => r.Evidence).NotNull().WithMessage("must be an object, not null.");
            RuleFor(r => r.Evidence).Must(e => e.Any(x => x?.Stance == EvidenceStance.Supports)).When(r => r.Evidence.Length > 0)
                .WithMessage("must hold at least one passage that supports the claim.");
            RuleForEach(r => r.Evidence).SetValidator(new EvidenceInput.Validator());
            RuleFor(r => r.Subject).NotEmpty().When(r => r.SubjectId is null).WithMessage("or subjectId is required.");
            RuleFor(r => r.Subject).Null().When(r => r.SubjectId is not null).WithMessage("must be left out when subjectId is given.");
            RuleFor(r => r.Subject).MaximumLength(300);
            RuleFor(r => r.AssertedBy).Null().When(r => r.AssertedById is not null).WithMessage("must be left out when assertedById is given.");
            RuleFor(r => r.AssertedBy).MaximumLength(300);
            RuleFor(r => r.ValidAt).PartialDate();
            RuleFor(r => r.ValidFrom).PartialDate();
            RuleFor(r => r.ValidTo).PartialDate();
            RuleFor(r => r.ValidAt).Null().When(r => r.ValidFrom is not null || r.ValidTo is not null)
                .WithMessage("must be left out when validFrom or validTo is given.");
            RuleFor(r => r.StatedOn).PartialDate();
            RuleFor(r => r.Location).MaximumLength(300);
            RuleFor(r => r.Note).MaximumLength(5_000);
            RuleFor(r => r.Status).IsInEnum().NotEqual(ClaimStatus.Retracted).WithMessage("must be draft or verified; retract with DELETE.");
            RuleFor(r => r.Rank).IsInEnum();
        }
    }
}

public static class CreateClaim
{
    public static async Task<Results<Created<ClaimDetail>, ProblemHttpResult>> Handle(
        CreateClaimRequest request, NpgsqlDataSource db, HttpContext http, CancellationToken ct)
    {
        await using var write = await Write.BeginAsync(http, db, ct);
        var (connection, tx) = (write.Connection, write.Transaction);
        var (claim, problem) = await WriteAsync(connection, tx, request, write.CuratorId, ct);
        if (problem is not null) return problem;
        http.Response.Headers.ETag = claim!.ETag;
        return await write.CommitAsync(TypedResults.Created($"/claims/{claim.Id}", claim), ct);
    }

    /// <summary>Resolves, checks and stores a claim with its evidence inside the caller's transaction.</summary>
    public static async Task<(ClaimDetail? Claim, ProblemHttpResult? Problem)> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, CreateClaimRequest request, long curatorId, CancellationToken ct)
    {
        var property = await ListProperties.DefinitionAsync(connection, tx, request.Property.Trim(), ct);
        if (property is null)
        {
            return (null, Problems.Unprocessable("property", $"no property has the key \"{request.Property}\"; see GET /properties."));
        }
        var (subject, subjectProblem) = await SubjectLookup.ResolveAsync(connection, tx, request.Subject, request.SubjectId, ct);
        if (subject is null) return (null, Problems.Unprocessable(request.SubjectId is null ? "subject" : "subjectId", subjectProblem!));
        var (asserter, asserterProblem) = await SubjectLookup.ResolveAsync(connection, tx, request.AssertedBy, request.AssertedById, ct);
        if (asserterProblem is not null) return (null, Problems.Unprocessable(request.AssertedById is null ? "assertedBy" : "assertedById", asserterProblem));

        var fields = new ClaimFields(
            subject.Id, property, request.Value,
            PartialDate.ParseOrNull(request.ValidFrom ?? request.ValidAt), PartialDate.ParseOrNull(request.ValidTo ?? request.ValidAt),
            PartialDate.ParseOrNull(request.StatedOn), asserter?.Id, request.Location?.Trim(), request.Note?.Trim(),
            request.Status, null, request.Rank);
        if (fields.Check() is { } invalid) return (null, invalid);

        var (evidence, evidenceProblem) = await ClaimEvidence.ResolveAsync(connection, tx, request.Evidence, curatorId, "evidence", ct);
        if (evidenceProblem is not null) return (null, evidenceProblem);

        var id = await ClaimWriter.InsertAsync(connection, tx, fields, curatorId, ct);
        await ClaimEvidence.LinkAsync(connection, tx, id, evidence, curatorId, ct);
        await ClaimWriter.RefreshSearchAsync(connection, tx, id, ct);
        await ConflictMaintenance.MaintainAsync(connection, tx, [id], curatorId, ct);
        var claim = (await ClaimQuery.LoadAsync(connection, tx, id, ct))!;
        await ClaimWriter.RecordAsync(connection, tx, id, "created", null, null, claim, curatorId, ct);
        return (claim, null);
    }
}
