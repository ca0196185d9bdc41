using ClaimTracker.Api.Infrastructure;

namespace ClaimTracker.Api.Vocabulary;

public static class PropertiesEndpoints
{
    public static void MapProperties(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/properties").WithTags("Properties").WithValidation().WithConditionalReads();

        group.MapGet("/", ListProperties.Handle)
            .WithName("ListProperties")
            .WithSummary("The vocabulary of properties, with their claim counts")
            .WithDescription("Each property fixes the type of its claims' values: quantity, time, text or stance.");

        group.MapGet("/{key}", ListProperties.HandleOne)
            .WithName("GetProperty")
            .ProducesProblems(404)
            .WithSummary("Get a property by its key");

        group.MapPost("/", CreateProperty.Handle)
            .WithName("CreateProperty")
            .ProducesProblems(409)
            .WithSummary("Add a property to the vocabulary")
            .WithDescription("Keys are lower_snake_case and unique; a key already used is a 409.")
            .RequireCurator();

        group.MapPatch("/{key}", UpdateProperty.Handle)
            .WithName("UpdateProperty")
            .ProducesProblems(404, 409)
            .WithSummary("Change a property's label, description or sign rule")
            .WithDescription("Only the fields sent change; the key and the value type never do. The property's claims are brought up to date in the same transaction (a new label is searchable at once).")
            .RequireCurator();
    }
}
