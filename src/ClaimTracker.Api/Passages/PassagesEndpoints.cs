using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Passages;

public static class PassagesEndpoints
{
    public static void MapPassages(this IEndpointRouteBuilder routes)
    {
        var bySource = routes.MapGroup("/sources/{id}/passages").WithTags("Passages").WithValidation().WithConditionalReads();

        bySource.MapPost("/", CreatePassage.Handle)
            .WithName("CreatePassage")
            .ProducesProblems(404, 409, 422)
            .WithSummary("Anchor a passage in a source's text")
            .WithDescription("Send code-point offsets {start, end} or a quote {exact, prefix?, suffix?}; the server computes the other form and stores both. A quote must match the text character for character.")
            .RequireCurator();

        bySource.MapGet("/", ListPassages.Handle)
            .WithName("ListSourcePassages")
            .ProducesProblems(404)
            .WithSummary("List a source's passages")
            .WithDescription("In text order (by start offset), by keyset pagination.");

        var passages = routes.MapGroup("/passages").WithTags("Passages").WithValidation().WithConditionalReads();

        passages.MapGet("/review", PassagesForReview.Handle)
            .WithName("ListPassagesForReview")
            .WithSummary("Passages a corrected text left fuzzy, orphaned or ambiguous")
            .WithDescription("Each with its text before, where a fuzzy match puts it now and its score, the places weighed (for an ambiguous passage, the candidates too close to call, with offsets and scores), and the claims it is evidence of.");

        passages.MapGet("/{id}", GetPassage.Handle)
            .WithName("GetPassage")
            .ProducesProblems(404)
            .WithSummary("Get a passage")
            .WithDescription("The passage's offsets, quote with its context, and the source it anchors in.");
    }
}
