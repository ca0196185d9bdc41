using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Sources;

public static class SourcesEndpoints
{
    public static RouteGroupBuilder MapSources(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/sources").WithTags("Sources").WithValidation().WithConditionalReads();

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
            .WithDescription("Metadata, provenance of each metadata value, the latest revision's text (or the one asked for with revision) and the counts of passages and claims.");

        group.MapPost("/{id}/revisions", SourceRevisions.Add)
            .WithName("AddSourceRevision")
            .WithSummary("Add a corrected text of a source")
            .WithDescription("Keeps every revision with its SHA-256 and follows every passage into the new text: exact, moved, fuzzy (for review, with its score), orphaned, or ambiguous (for review, with the candidates too close to call; see docs/anchoring.md). A figure that changed inside a passage gives a revision note on its claim and a new claim with the new figure, which the conflict rules set against the old one. The same text as the latest revision changes nothing (200).")
            .ProducesProblems(404)
            .RequireCurator();

        group.MapGet("/{id}/revisions", SourceRevisions.List)
            .WithName("ListSourceRevisions")
            .WithSummary("Every revision of a source, with where its passages stand in each")
            .ProducesProblems(404);

        group.MapGet("/{id}/revisions/{number}", SourceRevisions.Get)
            .WithName("GetSourceRevision")
            .WithSummary("One revision of a source, with where its passages stand in it")
            .WithDescription("The revision's text is GET /sources/{id}?revision={number}.")
            .ProducesProblems(404);

        group.MapGet("/{id}/revisions/{a}/diff/{b}", RevisionDiff.Handle)
            .WithName("DiffSourceRevisions")
            .WithSummary("What changed between two revisions of a source")
            .WithDescription("A word-level diff as runs of equal, deleted and inserted text, with code-point offsets in both revisions.")
            .ProducesProblems(404);

        group.MapGet("/{id}/copies", SourceCopies.List)
            .WithName("ListSourceCopies")
            .WithSummary("Other sources whose text is largely this one's: proposed wire copies")
            .WithDescription("Each stored source whose latest text shares at least half of the shorter text's sampled eight-word runs with this one's (a newspaper running an agency's story, lightly edited: docs/conflicts.md), the most contained first, at most 50; and the pairs confirmed. Each says which of the two looks like the original (the one published first, else stored first), the longest stretch the two share in both texts, and its state: open, confirmed (one republishes the other) or dismissed. Two reports quoting one statement share a sentence, not half their text, and are not proposed.")
            .ProducesProblems(404);

        group.MapPost("/{id}/copies/{other}/confirm", SourceCopies.Confirm)
            .WithName("ConfirmSourceCopy")
            .WithSummary("Confirm that a source republishes another")
            .WithDescription("Source {id} is a copy of source {other}: its republishesSourceId becomes other, so a claim in its own voice is the original's voice, counted once (docs/conflicts.md). Confirming the pair again is a 200 that changes nothing. A source that already republishes a third source, or one that {other} republishes (directly or through its copies), is a 409. A dismissal of the pair is taken back.")
            .ProducesProblems(404, 409)
            .RequireCurator();

        group.MapPost("/{id}/copies/{other}/dismiss", SourceCopies.Dismiss)
            .WithName("DismissSourceCopy")
            .WithSummary("Record that two sources are no copies of each other")
            .WithDescription("Kept with the curator and the reason, for the pair in either order: the pair stays listed, dismissed. A confirmed copy is a 409.")
            .ProducesProblems(404, 409)
            .RequireCurator();

        return group;
    }
}
