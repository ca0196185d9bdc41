using ClaimTracker.Api.Infrastructure;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Claims;

/// <param name="Reason">Why the claim is retracted (required, at most 2,000 characters), e.g. the source corrected the figure;
/// kept with the claim and in its history.</param>
public sealed record RetractQuery([property: FromQuery(Name = "reason"), System.ComponentModel.DataAnnotations.Required] string? Reason)
{
    public sealed class Validator : AbstractValidator<RetractQuery>
    {
        public Validator()
        {
            RuleFor(q => q.Reason).Must(r => !string.IsNullOrWhiteSpace(r)).OverridePropertyName("reason").WithMessage("is required: say why the claim is retracted.");
            RuleFor(q => q.Reason).MaximumLength(2_000).OverridePropertyName("reason");
        }
    }
}

public static class RetractClaim
{
    public static async Task<Results<Ok<ClaimDetail>, ProblemHttpResult>> Handle(
        [FromRoute(Name = "id")] Param<long> idParam, [AsParameters] RetractQuery query, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var id = idParam.Value;
        var reason = query.Reason!;
        var match = Preconditions.IfMatch(http.Request);
        if (match.Problem is not null) return match.Problem;

        await using var write = await Write.BeginAsync(http, db, ct);
        var context = write.Context(ct);
        var (claim, problem) = await ClaimWrites.LockAsync(context, id, match.Version);
        if (problem is not null) return problem.ProblemDetails.Status == 409
            ? Problems.Conflict("The claim is already retracted.", $"Claim {id} was retracted before.")
            : problem;
        var after = await ClaimWrites.RetractAsync(context, claim!, reason.Trim());
        http.Response.Headers.ETag = after.ETag;
        return await write.CommitAsync(TypedResults.Ok(after), ct);
    }
}
