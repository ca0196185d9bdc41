using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <summary>
/// One piece of evidence: an existing passage by id, or a new one in a source, by quote or by offsets (the
/// passage is created, or found if the same span exists).
/// </summary>
/// <param name="PassageId">An existing passage.</param>
/// <param name="SourceId">The source to anchor a new passage in (with exact, or start and end).</param>
/// <param name="Stance">Whether the passage supports the claim (default) or refutes it.</param>
public sealed record EvidenceInput(
    long? PassageId = null,
    long? SourceId = null,
    string? Exact = null,
    string? Prefix = null,
    string? Suffix = null,
    int? Start = null,
    int? End = null,
    EvidenceStance Stance = EvidenceStance.Supports)
{
    public sealed class Validator : AbstractValidator<EvidenceInput>
    {
        public Validator()
        {
            RuleFor(e => e.PassageId).NotNull().When(e => e.SourceId is null)
                .WithMessage("or sourceId (with exact, or start and end) is required.");
            RuleFor(e => e.SourceId).Null().When(e => e.PassageId is not null).WithMessage("must be left out when passageId is given.");
            When(e => e.SourceId is not null, () =>
            {
                RuleFor(e => e.Exact).NotEmpty().When(e => e.Start is null && e.End is null)
                    .WithMessage("is required unless start and end are given.");
                RuleFor(e => e.End).NotNull().When(e => e.Start is not null).WithMessage("is required with start.");
                RuleFor(e => e.Start).NotNull().When(e => e.End is not null).WithMessage("is required with end.");
            });
            When(e => e.PassageId is not null, () =>
            {
                RuleFor(e => e.Exact).Null().WithMessage("must be left out when passageId is given.");
                RuleFor(e => e.Start).Null().WithMessage("must be left out when passageId is given.");
                RuleFor(e => e.End).Null().WithMessage("must be left out when passageId is given.");
            });
            RuleFor(e => e.Exact).MaximumLength(20_000);
            RuleFor(e => e.Prefix).MaximumLength(1_000);
            RuleFor(e => e.Suffix).MaximumLength(1_000);
            RuleFor(e => e.Stance).IsInEnum();
        }
    }
}

public static class ClaimEvidence
{
    public sealed record Resolved(long PassageId, long SourceId, EvidenceStance Stance);

    /// <summary>Finds or anchors each piece of evidence inside the caller's transaction.</summary>
    /// <param name="field">How the list is named in the request, for errors ("evidence").</param>
    public static async Task<(List<Resolved> Evidence, ProblemHttpResult? Problem)> ResolveAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, IReadOnlyList<EvidenceInput> items, long curatorId, string field, CancellationToken ct)
    {
        var resolved = new List<Resolved>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = items.Count == 1 && field != "evidence" ? "" : $"{field}[{i}].";
            if (item.PassageId is { } passageId)
            {
                var sourceId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                    "select source_id from passages where id = @passageId", new { passageId }, tx, cancellationToken: ct));
                if (sourceId is null) return ([], Problems.Unprocessable(at + "passageId", $"no passage has id {passageId}."));
                resolved.Add(new(passageId, sourceId.Value, item.Stance));
                continue;
            }

            var outcome = await CreatePassage.AnchorAsync(connection, tx, item.SourceId!.Value,
                new CreatePassageRequest(item.Start, item.End, item.Exact, item.Prefix, item.Suffix), curatorId, ct);
            if (outcome.SourceMissing) return ([], Problems.Unprocessable(at + "sourceId", $"no source has id {item.SourceId}."));
            if (outcome.Failure is not null) return ([], outcome.Failure.ToProblem(at));
            resolved.Add(new(outcome.PassageId, item.SourceId.Value, item.Stance));
        }
        return (resolved.DistinctBy(e => e.PassageId).ToList(), null);
    }

    /// <returns>How many links were new (a passage already linked to the claim is left as it is).</returns>
    public static async Task<int> LinkAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long claimId, IEnumerable<Resolved> evidence, long curatorId, CancellationToken ct)
    {
        var list = evidence.ToList();
        return await connection.ExecuteAsync(new CommandDefinition("""
            insert into claim_evidence (claim_id, passage_id, source_id, stance, created_by)
            select @claimId, e.passage_id, e.source_id, e.stance, @curatorId
            from unnest(@passageIds, @sourceIds, @stances) as e (passage_id, source_id, stance)
            on conflict (claim_id, passage_id) do nothing
            """,
            new
            {
                claimId, curatorId,
                passageIds = list.Select(e => e.PassageId).ToArray(),
                sourceIds = list.Select(e => e.SourceId).ToArray(),
                stances = list.Select(e => e.Stance.Db()).ToArray(),
            }, tx, cancellationToken: ct));
    }
}
