using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Claims;

public static class ClaimsEndpoints
{
    public static void MapClaims(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/claims").WithTags("Claims").WithValidation().WithConditionalReads();

        group.MapPost("/", CreateClaim.Handle)
            .WithName("CreateClaim")
            .ProducesProblems(422)
            .WithSummary("Add a claim with its evidence")
            .WithDescription("Subject and property, a value typed by the property, who asserts it, when it holds and when it was said, and at least one supporting passage (an existing one, or a new one by quote or offsets). Answers with the claim and its ETag.")
            .RequireCurator();

        group.MapGet("/", ListClaims.Handle)
            .WithName("ListClaims")
            .WithConditionalReads(keep: true)
            .WithSummary("Query claims")
            .WithDescription("All filters combine. Keyset pagination; facets count the whole filtered set. Retracted claims are left out unless status=retracted.");

        group.MapGet("/{id}", GetClaim.Handle)
            .WithName("GetClaim")
            .WithConditionalReads(VersionedBy.Claim)
            .ProducesProblems(404)
            .WithSummary("Get a claim with its evidence")
            .WithDescription("The claim with its subject, property, value, attribution, status and every evidence passage with its source. The ETag header is what PATCH and DELETE need in If-Match.");

        group.MapPatch("/{id}", UpdateClaim.Handle)
            .WithName("UpdateClaim")
            .ProducesProblems(404, 409, 412, 422, 428)
            .WithSummary("Revise a claim")
            .WithDescription("Only the fields sent change; an empty string clears an optional one. Needs If-Match with the ETag read (428 without it, 412 when the claim has changed since). Every revision is kept with its reason.")
            .RequireCurator();

        group.MapDelete("/{id}", RetractClaim.Handle)
            .WithName("RetractClaim")
            .ProducesProblems(404, 409, 412, 428)
            .WithSummary("Retract a claim")
            .WithDescription("Marks the claim retracted with the reason given; it is kept, never erased, and reads as retracted. Needs If-Match.")
            .RequireCurator();

        group.MapPost("/{id}/evidence", AddEvidence.Handle)
            .WithName("AddClaimEvidence")
            .ProducesProblems(404, 409, 412, 422)
            .WithSummary("Add a passage as evidence of a claim")
            .WithDescription("The same claim reported by another article gets another evidence link, not another claim. If-Match is optional.")
            .RequireCurator();

        routes.MapGroup("/exports").WithTags("Claims").WithValidation().WithConditionalReads()
            .MapGet("/claims", ExportClaims.Handle)
            .WithName("ExportClaims")
            .Produces<string>(200, "application/x-ndjson", "text/csv", "application/ld+json")
            // JSON-LD is one JSON object (@context, @graph), not a string: a validator parses every +json answer.
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/ld+json", out var jsonLd) == true)
                {
                    jsonLd.Schema = new Microsoft.OpenApi.OpenApiSchema { Type = Microsoft.OpenApi.JsonSchemaType.Object, Required = new HashSet<string> { "@context", "@graph" } };
                }
                return Task.CompletedTask;
            })
            .WithSummary("Export a claims query as NDJSON, CSV, JSON-LD or ClaimReview")
            .WithDescription("Takes the same filters as GET /claims and streams every matching claim. JSON-LD uses schema.org Claim for claims and W3C Web Annotation (with TextPositionSelector and TextQuoteSelector) for their evidence. ClaimReview gives a schema.org ClaimReview per claim: reviewed by the curator who last changed it, rated 1 (retracted), 2 (deprecated), 3 (draft), 4 (verified, with an unresolved conflict) or 5 (verified, uncontested), the item reviewed a schema.org Claim with its asserter as author and each source as an appearance. CSV cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) begin with a single quote; plain numbers such as -3 are left as they are.");

        group.MapGet("/{id}/history", ClaimHistory.Handle)
            .WithName("GetClaimHistory")
            .ProducesProblems(404)
            .WithSummary("Every revision of a claim")
            .WithDescription("Who, when, why, and the claim before and after each change.");
    }
}
