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

        var annotations = routes.MapGroup("/sources/{id}/annotations").WithTags("Passages").WithValidation().WithConditionalReads();

        annotations.MapPost("/", Annotations.ImportAsync)
            .WithName("ImportAnnotations")
            .Accepts<string>("application/json", Annotations.MediaType)
            .ProducesProblems(404, 422)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.RequestBody is Microsoft.OpenApi.OpenApiRequestBody body)
                {
                    body.Description = Annotations.BodyDescription;
                    // Any JSON: the annotation forms are told apart by their members, and members not read are ignored.
                    foreach (var media in body.Content?.Values ?? [])
                    {
                        media.Schema = new Microsoft.OpenApi.OpenApiSchema
                        {
                            Type = Microsoft.OpenApi.JsonSchemaType.Object | Microsoft.OpenApi.JsonSchemaType.Array,
                            MaxItems = Annotations.MaxItems,
                            Description = "An annotation, a list of them, an AnnotationPage, an AnnotationCollection or a Hypothesis export.",
                        };
                    }
                }
                return Task.CompletedTask;
            })
            .WithSummary("Import W3C Web Annotations as passages")
            .WithDescription("One annotation, a list of them, an AnnotationPage or AnnotationCollection (its items), or a Hypothesis export or search answer (its rows), all on this source (their target's source is not compared). Each is anchored by its TextQuoteSelector (exact, with prefix and suffix), its TextPositionSelector only choosing between repeats of the quote (nearest first) or standing alone when there is no quote; when the context does not match but the words occur once, they are taken. An annotation that does not anchor is refused with the field and the reason, and the others are written, in one transaction; when none anchors the answer is 422 and nothing is written. At most 1,000 a request.")
            .RequireCurator();

        annotations.MapGet("/", Annotations.ExportAsync)
            .WithName("ListSourceAnnotations")
            .Produces<AnnotationPage>(200, Annotations.MediaType)
            .ProducesProblems(404)
            .WithSummary("A source's passages as W3C Web Annotations")
            .WithDescription("An AnnotationPage of the W3C Web Annotation Protocol (application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"): each passage a highlighting annotation of the source with a TextQuoteSelector and a TextPositionSelector, where it stands in the source's latest revision; in text order, by keyset pagination (next holds the next page's address). What it gives, POST takes back.");

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
