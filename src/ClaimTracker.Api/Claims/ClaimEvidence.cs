using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Passages;
using FluentValidation;

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
