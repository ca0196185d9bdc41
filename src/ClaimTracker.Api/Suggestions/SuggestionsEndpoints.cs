using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Suggestions;

public static class SuggestionsEndpoints
{
    public static void MapSuggestions(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sources/{id}/suggestions").WithTags("Suggestions").WithValidation().WithConditionalReads();

        group.MapGet("/", ListSuggestions.Handle)
            .WithName("ListSuggestions")
            .ProducesProblems(404)
            .WithSummary("The figures, dates and attributions of a source, proposed as draft claims")
            .WithDescription("Computed on read from the revision's text with the subjects, aliases and vocabulary in the database (docs/suggestions.md): each with its passage, the proposed subject, property, asserter, valid time and value, the claim as POST /claims would take it, a confidence with its reason, and its state: open, claimed (a claim on an overlapping passage of this source states the same value), accepted or dismissed. Ids are stable for the same text, subjects and vocabulary. preview=true adds, for each open complete suggestion, the existing claims accepting it would conflict or agree with.");

        group.MapGet("/{suggestion}", ListSuggestions.Get)
            .WithName("GetSuggestion")
            .ProducesProblems(404)
            .WithSummary("One suggestion, with what accepting it would conflict or agree with")
            .WithDescription("The proposed claim is written inside a savepoint through the claim write path, its conflicts and agreeing claims read, and the savepoint rolled back: the conflict and corroboration rules themselves, nothing written.");

        group.MapPost("/accept", DecideSuggestions.Accept)
            .WithName("AcceptSuggestions")
            .ProducesProblems(404, 409, 422)
            .WithSummary("Make draft claims of suggestions, as proposed or changed")
            .WithDescription("Each suggestion (of the latest revision; an earlier one is a 409 naming the current revision) becomes a claim with status draft through the same write path as POST /claims, after its changes (a JSON merge patch over the proposed claim) are applied. All items or none: a refusal names the item and the field (suggestions[1].value.amount) as POST /claims would. A suggestion already accepted or claimed is a 409. The Location is the first claim's.")
            .RequireCurator();

        group.MapPost("/dismiss", DecideSuggestions.Dismiss)
            .WithName("DismissSuggestions")
            .ProducesProblems(404, 409)
            .WithSummary("Dismiss suggestions of the latest revision")
            .WithDescription("Recorded with the curator and the reason; a dismissed suggestion stays dismissed for that revision (a new revision has suggestions of its own). An accepted one is a 409: retract its claim instead.")
            .RequireCurator();
    }
}
