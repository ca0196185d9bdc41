using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>The served (and committed) contract: document info, the API-key scheme, and which operations need it.</summary>
public static class OpenApi
{
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ClaimTracker API",
                Version = "v1",
                Description = "Claims extracted from news reports, each tied to the exact passage that supports it. " +
                              "Reads are open; writes need a curator API key as 'Authorization: Bearer <key>'.",
            };
            // The document must not depend on the host that asked for it: it is committed as openapi.yaml.
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeys.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A curator API key, created with the 'keys create NAME' command.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            var needsKey = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
            if (needsKey)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeys.Scheme, context.Document)] = [] }];
            }
            return Task.CompletedTask;
        });
    }
}
