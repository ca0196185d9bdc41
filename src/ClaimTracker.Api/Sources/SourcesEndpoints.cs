using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Sources;

public static class SourcesEndpoints
{
    public static RouteGroupBuilder MapSources(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sources").WithTags("Sources").WithValidation();

        group.MapPost("/", CreateSource.Handle)
            .WithName("CreateSource")
            .ProducesProblems(409)
            .WithSummary("Add a source (an article) with its full text")
            .WithDescription("Stores the text exactly, in Unicode NFC, with its SHA-256. The same text or the same URL a second time is a 409 naming the source that has it.")
            .RequireCurator();

        group.MapGet("/", ListSources.Handle)
            .WithName("ListSources")
            .WithSummary("List sources")
            .WithDescription("Newest-added last, by keyset pagination. Filters: outlet (case-insensitive) and a published range, which matches every source whose published period overlaps it.");

        group.MapGet("/{id}", GetSource.Handle)
            .WithName("GetSource")
            .ProducesProblems(404)
            .WithSummary("Get a source with its text")
            .WithDescription("Metadata, provenance of each metadata value, the latest revision's text and the counts of passages and claims.");

        return group;
    }
}
