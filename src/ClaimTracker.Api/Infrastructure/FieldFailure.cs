using Microsoft.AspNetCore.Http.HttpResults;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Why a well-formed input cannot be carried out, naming the field at fault as the request names it
/// ("evidence[0].exact"): a single write answers it as a 422 problem, the import reports it against its line.
/// </summary>
public sealed record FieldFailure(string Field, string Reason, IDictionary<string, object?>? Extensions = null)
{
    public ProblemHttpResult ToProblem() => Problems.Unprocessable(Field, Reason, Extensions);
}
