using ClaimTracker.Api.Curators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>The served (and committed) contract: document info, the API-key scheme, and which operations need it.</summary>
public static class OpenApi
{
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Sources", "The articles, each with its exact text (Unicode NFC) and SHA-256."),
        ("Passages", "Spans of a source's text, anchored by code-point offsets and by quote with context (W3C Web Annotation selectors)."),
        ("Subjects", "The entities claims are about, and the people and bodies that assert them; names and aliases resolve."),
        ("Properties", "The vocabulary of what can be claimed, each with the type of its values."),
        ("Claims", "Checkable statements: a subject, a property, a typed value, who asserts it, and the passages that support it."),
        ("Conflicts", "Where claims cannot both be true, kept current in the transaction of every claim write."),
        ("Figures", "Which articles support a figure."),
        ("Timeline", "Dated claims in order at their real precision, and deadlines tracked against later claims."),
        ("Changes", "A feed of every claim change, for staying in sync."),
        ("Import", "Bulk import from NDJSON, all or nothing."),
        ("Health", "Liveness and readiness."),
    ];

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
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // The document must not depend on the host that asked for it: it is committed as openapi.yaml.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The ClaimTracker instance serving this document" }];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeys.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A curator API key, created with the 'keys create NAME' command.",
            };
            // Reads need no key (the empty requirement) and ignore one that is sent (a client may send its key on
            // every call); writes override this with the API key alone.
            document.Security =
            [
                new OpenApiSecurityRequirement(),
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeys.Scheme, document)] = [] },
            ];
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer(OpenProblemSchemas);
        options.AddSchemaTransformer(Claims.ClaimPatch.DescribeAsync);
        ParamSchemas.Configure(options);
        options.AddOperationTransformer(ParameterDocs.DescribeAsync);
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var needsKey = context.Description.ActionDescriptor.EndpointMetadata
                .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
            // The answers every operation of a kind can give, whatever its handler says: declared once, here.
            var problems = new List<(int Status, string Description)>();
            if (needsKey)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeys.Scheme, context.Document)] = [] }];
                problems.Add((401, "No curator API key, or a wrong or revoked one."));
            }
            if (needsKey && context.Description.HttpMethod == "POST")
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyMiddleware.Header,
                    In = ParameterLocation.Header,
                    Description = "Makes the POST safe to retry: a retry with the same key and body gets the first answer back and writes nothing; the same key with another body is a 422. Keys are kept at least 24 hours.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                    Example = System.Text.Json.Nodes.JsonValue.Create("3f9c2e1a-claim-17"),
                });
                problems.Add((422, "The request cannot be carried out, or its Idempotency-Key was used for another request."));
            }
            if (!context.Description.RelativePath!.StartsWith("health", StringComparison.Ordinal))
            {
                problems.Add((429, "Over the rate limit (writes per curator key, reads per client address); retry after the Retry-After seconds."));
            }
            if (operation.RequestBody is not null)
            {
                problems.Add((413, "The request body is larger than the configured limit."));
                problems.Add((415, "The request body is not JSON."));
            }
            problems.Add((503, "The database is unavailable or the query ran past its time limit; retry after the Retry-After seconds."));

            var schema = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), cancellationToken: ct);
            context.Document?.AddComponent("ProblemDetails", schema);
            operation.Responses ??= [];
            foreach (var (status, description) in problems)
            {
                operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
                {
                    Description = description,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", context.Document) },
                    },
                });
            }
        });
    }

    /// <summary>
    /// Problems carry extension members (requestId, errors, closestMatch, candidates, existing...), so their schemas
    /// must not forbid extra properties as the strict request schemas do.
    /// </summary>
    private static Task OpenProblemSchemas(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        // A nullable enum property puts null into the shared enum's values, so that null then matches both branches
        // of the property's oneOf [null, enum] and no null validates. The property already says it may be null.
        if (schema.Enum is { Count: > 0 } values && values.Any(v => v is null))
        {
            schema.Enum = [.. values.Where(v => v is not null)];
        }
        if (typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type))
        {
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = null;
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["requestId"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Identifies the request in the server's log: quote it when reporting a problem.",
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>Declares the problem+json answers an endpoint's handler gives (404, 409, 412, 422, 428, ...).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }
}
