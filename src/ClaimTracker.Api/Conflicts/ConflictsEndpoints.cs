using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Conflicts;

public static class ConflictsEndpoints
{
    public static void MapConflicts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/conflicts").WithTags("Conflicts").WithValidation().WithConditionalReads();

        group.MapGet("/", ListConflicts.Handle)
            .WithName("ListConflicts")
            .WithConditionalReads(keep: true)
            .WithSummary("Where reports disagree")
            .WithDescription("Conflicts newest first, each with both claims side by side. Conflicts are opened and closed in the same transaction as the claim writes that cause them; see docs/conflicts.md for the rules.");

        group.MapGet("/{id}", ListConflicts.HandleOne)
            .WithName("GetConflict")
            .WithConditionalReads(VersionedBy.Conflict)
            .ProducesProblems(404)
            .WithSummary("Get a conflict with both claims side by side")
            .WithDescription("Both claims with their values, asserters, passages and sources, and the rule in words. The ETag is what PATCH needs in If-Match.");

        group.MapPatch("/{id}", UpdateConflict.Handle)
            .WithName("UpdateConflict")
            .ProducesProblems(404, 409, 412, 422, 428)
            .WithSummary("Acknowledge or resolve a conflict")
            .WithDescription("Set status, note and the preferred claim (it becomes preferred, the other deprecated, each a claim revision). Resolving needs a note. Needs If-Match.")
            .RequireCurator();

        routes.MapGroup("/claims").WithTags("Conflicts").WithValidation()
            .MapPost("/{id}/contradicts", LinkContradiction.Handle)
            .WithName("LinkContradiction")
            .ProducesProblems(404, 409, 422)
            .WithSummary("Link two claims as contradicting each other")
            .WithDescription("A curator's judgement, for contradictions the value rules cannot see. Opens a conflict (rule contradicts) between the two claims.")
            .RequireCurator();
    }
}
