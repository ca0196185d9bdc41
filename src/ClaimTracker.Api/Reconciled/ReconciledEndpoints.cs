using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Reconciled;

public static class ReconciledEndpoints
{
    public static void MapReconciled(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/reconciled").WithTags("Figures").WithValidation().WithConditionalReads(keep: true)
            .MapGet("/", GetReconciled.Handle)
            .WithName("GetReconciled")
            .ProducesProblems(422)
            .WithSummary("What the reports say a figure is, for one subject, property and period")
            .WithDescription("Over the quantity claims of one subject and property in one unit whose as-of time (their valid time, else when it was said, else the report's date) overlaps the period: the lowest and the highest figure reported, and the consensus, the reported figure that the most independent voices support (a voice supports a figure when one of its claims states it, exactly or as a hedge's amount, or its bounded range admits it). Independence is that of corroboration: a claim counts once for its original speaker, a wire copy for the wire. Claims retracted, deprecated, without a supporting passage, or parts of a breakdown are left out. Claims in unlike units are never weighed together: the unit is the one asked for (unit, matched by unit key, so unit=soldiers weighs the troops), else the property's default unit when any claim counts in it, else the unit most claims count in; the answer names it and lists every unit the period's claims count in, with their counts and links. When several figures have the same top count the answer says so (tied, ties) rather than pick one silently. Each figure comes with its voices and passages, the first 20 of each with their counts.");
}
