using System.Globalization;
using System.Text.Json.Nodes;
using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Conflicts;
using ClaimTracker.Api.Curators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// The served (and committed) contract: document info, the API-key scheme and which operations need it, and what
/// the server enforces whatever the handler: every status an operation can answer, the headers of each answer,
/// If-Match, and the limits of every value (see <see cref="ContractLimits"/> and <see cref="ParameterRules"/>).
/// </summary>
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

    private const string RequestIdHeader = "X-Request-Id";
    private const string RetryAfterHeader = "Retry-After";
    private const string ETagHeader = "ETag";
    private const string LocationHeader = "Location";
    private const string ReplayedHeader = "Idempotent-Replayed";
    private const string CorsHeader = "Access-Control-Allow-Origin";
    private const string CacheControlHeader = "Cache-Control";

    /// <summary>The response headers, declared once under components and referred to by every answer that has them.</summary>
    private static readonly (string Name, string Description, Func<OpenApiSchema> Schema)[] Headers =
    [
        (RequestIdHeader, "Identifies the request in the server's log; a problem carries the same id as requestId.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 64, Pattern = "^[!-~]+$" }),
        (RateLimits.PolicyHeader, "The quota this request counts against (IETF draft httpapi-ratelimit-headers): \"reads\";q=200;w=1 is 200 reads a second " +
            "per client address, \"writes\";q=600;w=60 is 600 writes a minute per curator key. Absent when the limits are turned off.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 }),
        (RateLimits.Header, "What is left of the quota and in how many seconds its window ends: \"reads\";r=150;t=1. Absent when the limits are turned off.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 }),
        (RetryAfterHeader, "Seconds to wait before trying again.",
            () => new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1", Maximum = "3600" }),
        (ETagHeader, "Identifies this answer: send it back as If-None-Match to get a 304 while nothing it shows has changed. A claim's " +
            "or a conflict's starts with its version (\"v3\" after a write, \"v3-1f0c2e9a7b4d6c58\" on a read): send it as If-Match to " +
            "change or retract it (If-Match compares the version).",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 30, Pattern = "^\"(v[0-9]{1,10}(-[0-9a-f]{16})?|[0-9a-f]{16})\"$" }),
        (LocationHeader, "Where the created resource is.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2_000 }),
        (ReplayedHeader, "true when this is the recorded answer to an earlier request with the same Idempotency-Key (nothing was written again).",
            () => new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] }),
        (CacheControlHeader, "no-cache on reads (keep the answer, but revalidate it with If-None-Match before each use); no-store on " +
            "writes, errors, health checks and any request sent with a key.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("no-cache"), JsonValue.Create("no-store")] }),
        (CorsHeader, "Present when the request's Origin is one of the configured origins (ClaimTracker:Cors:Origins); with none configured, CORS is closed.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 2_000 }),
        (ConsistencyToken.Header, ConsistencyDescription + " Send it back on the reads that must see this write.",
            () => new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = ConsistencyToken.MaxLength, Pattern = ConsistencyToken.Pattern }),
    ];

    private const string ConsistencyDescription =
        "A position in the database's history at or after this write's commit (its cluster, then a WAL position).";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "ClaimTracker API",
                Version = "v1",
                Description = "Claims extracted from news reports, each tied to the exact passage that supports it. " +
                              "Reads are open; writes need a curator API key as 'Authorization: Bearer <key>'. " +
                              "Every error is application/problem+json with a requestId, the X-Request-Id of its answer. " +
                              "A method a path does not list is answered 405 with an Allow header. The limits the server " +
                              "applies are declared on each value (maxLength, maximum, maxItems, pattern).",
            };
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
            // The document must not depend on the host that asked for it: it is committed as openapi.yaml.
            document.Servers =
            [
                new OpenApiServer
                {
                    Url = "/",
                    Description = "The ClaimTracker instance serving this document",
                    // A public API: the same document describes every instance.
                    Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(false)) },
                },
            ];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeys.Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A curator API key, created with the 'keys create NAME' command. Wrong or revoked keys count " +
                              "against the client's address: past the limit in a minute, its requests with a key are answered 429.",
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
        options.AddSchemaTransformer(Suggestions.AcceptSuggestionsRequest.DescribeAsync);
        ParamSchemas.Configure(options);
        options.AddOperationTransformer(ParameterDocs.DescribeAsync);
        options.AddSchemaTransformer(DeclareLimits);
        options.AddOperationTransformer(DeclareAnswers);
    }

    private static async Task DeclareAnswers(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var document = context.Document!;
        var method = context.Description.HttpMethod ?? "";
        var health = context.Description.RelativePath!.StartsWith("health", StringComparison.Ordinal);
        var needsKey = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
        operation.Parameters ??= [];
        operation.Responses ??= [];

        // The answers every operation of a kind can give, whatever its handler says: declared once, here.
        var problems = new List<(int Status, string Description)>
        {
            (400, "The request could not be read (a NUL in the path, a byte above 0x7F in a header, a malformed line) or a value is not valid; errors names each field."),
            (408, "The request headers did not arrive within 10 s, or its body came slower than 240 bytes a second."),
            (414, "The request line is longer than 8 KiB."),
            (431, "The request headers are larger than 32 KiB."),
        };
        if (needsKey)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeys.Scheme, document)] = [] }];
            problems.Add((401, "No curator API key, or a wrong or revoked one."));
        }
        if (needsKey && method == "POST")
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = IdempotencyMiddleware.Header,
                In = ParameterLocation.Header,
                Description = "Makes the POST safe to retry: a retry with the same key and body gets the first answer back and writes nothing; the same key with another body is a 422. Keys are kept at least 24 hours.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]+$" },
                Example = JsonValue.Create("3f9c2e1a-claim-17"),
            });
            problems.Add((422, "The request cannot be carried out, or its Idempotency-Key was used for another request."));
        }
        // Handlers that check If-Match declare 412; those that require it, 428 too.
        if (operation.Responses.ContainsKey("412"))
        {
            var required = operation.Responses.ContainsKey("428");
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Required = required,
                Description = (required ? "Required: 428 without it. " : "Optional. ") +
                              "The ETag read (\"v3\", or as a read gives it \"v3-1f0c2e9a7b4d6c58\": the version is compared), so that a change made " +
                              "meanwhile is not overwritten: 412 when the resource has changed since. * matches any version.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 32, Pattern = "^(\\*|(W/)?\"v[0-9]{1,10}(-[0-9a-f]{16})?\")$" },
                Example = JsonValue.Create("\"v3\""),
            });
        }
        var conditional = method == "GET" && context.Description.ActionDescriptor.EndpointMetadata.OfType<ConditionalRead>().Any();
        if (conditional) DeclareConditional(operation);
        var handler = context.Description.ActionDescriptor.EndpointMetadata.OfType<System.Reflection.MethodInfo>().FirstOrDefault();
        if (handler?.GetParameters().Any(p => p.ParameterType == typeof(ReadDb)) == true)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = ConsistencyToken.Header,
                In = ParameterLocation.Header,
                Description = "The " + ConsistencyToken.Header + " of a write's answer, e.g. " + ConsistencyToken.Example + ": the read then " +
                              "sees that write (a standby that has replayed it serves it, else the primary). 400 when malformed or beyond " +
                              "this database's newest position. Without it, a standby a moment behind the primary may serve the read.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = ConsistencyToken.MaxLength, Pattern = ConsistencyToken.Pattern },
                Example = JsonValue.Create(ConsistencyToken.Example),
            });
        }
        if (!health)
        {
            problems.Add((429, "Over a rate limit (reads per client address, writes per curator key, failed authentications per client address); retry after the Retry-After seconds."));
        }
        if (operation.RequestBody is not null)
        {
            problems.Add((413, "The request body is larger than the configured limit."));
            problems.Add((415, "The request body is not JSON."));
        }
        problems.Add((500, "An unexpected error; it was logged under the request id, and the request changed nothing."));
        problems.Add((503, "The database is unavailable or the query ran past its time limit; retry after the Retry-After seconds."));

        var schema = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), cancellationToken: ct);
        document.AddComponent("ProblemDetails", schema);
        foreach (var (status, description) in problems)
        {
            operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                },
            });
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>()) ParameterRules.Declare(operation.OperationId, parameter);
        if (operation.OperationId == "ExportClaims") DescribeJsonLd(operation, document);
        DeclareHeaders(operation, document, method, health, conditional);
    }

    /// <summary>A read with an ETag takes If-None-Match and may answer 304 (Infrastructure/ConditionalReads.cs).</summary>
    private static void DeclareConditional(OpenApiOperation operation)
    {
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = "If-None-Match",
            In = ParameterLocation.Header,
            Description = "The ETag of an answer read before, e.g. \"1f0c2e9a7b4d6c58\" (several may be given, comma-separated): 304 with no " +
                          "body while nothing the answer shows has changed, after one small query instead of the whole answer's.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 2_000 },
            Example = JsonValue.Create("\"1f0c2e9a7b4d6c58\""),
        });
        operation.Responses!.TryAdd("304", new OpenApiResponse
        {
            Description = "Not modified: If-None-Match names this answer's ETag, and nothing the answer shows has changed since. No body.",
        });
    }

    /// <summary>Which headers each answer carries.</summary>
    private static void DeclareHeaders(OpenApiOperation operation, OpenApiDocument document, string method, bool health, bool conditional)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        foreach (var (name, description, schema) in Headers)
        {
            document.Components.Headers.TryAdd(name, new OpenApiHeader { Description = description, Schema = schema() });
        }

        foreach (var (code, answer) in operation.Responses!)
        {
            if (answer is not OpenApiResponse response) continue;
            var status = int.Parse(code, CultureInfo.InvariantCulture);
            var names = new List<string> { RequestIdHeader, CorsHeader, CacheControlHeader };
            // Health checks are exempt from the limits.
            if (!health) names.AddRange([RateLimits.PolicyHeader, RateLimits.Header]);
            if (status is 429 or 503) names.Add(RetryAfterHeader);
            if (status == 304) names.Add(ETagHeader);
            if (status is >= 200 and < 300)
            {
                if (status == 201) names.Add(LocationHeader);
                if (Versioned(response) || (conditional && status == 200)) names.Add(ETagHeader);
                if (method == "POST" && operation.Parameters!.Any(p => p.Name == IdempotencyMiddleware.Header)) names.Add(ReplayedHeader);
                if (method is "POST" or "PATCH" or "DELETE" && !health) names.Add(ConsistencyToken.Header);
            }
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var name in names) response.Headers[name] = new OpenApiHeaderReference(name, document);
        }
    }

    /// <summary>Claims and conflicts carry a version, which their answers give as the ETag.</summary>
    private static bool Versioned(OpenApiResponse response) =>
        response.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: nameof(ClaimDetail) or nameof(ConflictDetail) }) == true;

    /// <summary>The JSON-LD export is one JSON object: a schema.org and W3C Web Annotation context, and the claims' graph.</summary>
    private static void DescribeJsonLd(OpenApiOperation operation, OpenApiDocument document)
    {
        const string name = "ClaimsJsonLd";
        document.AddComponent<IOpenApiSchema>(name, new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "The claims as JSON-LD: with format=jsonld a schema.org Claim per claim and a W3C Web Annotation (oa:Annotation, with a " +
                          "TextPositionSelector and a TextQuoteSelector) per evidence passage; with format=claimreview a schema.org ClaimReview per claim " +
                          "(@context https://schema.org), its reviewRating on a scale of 1 to 5 from the claim's status, rank and conflicts.",
            Required = new HashSet<string> { "@context", "@graph" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["@context"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array | JsonSchemaType.String,
                    Description = "jsonld: https://schema.org/, then the Web Annotation terms used; claimreview: https://schema.org.",
                },
                ["@graph"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array,
                    Items = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object,
                        Required = new HashSet<string> { "@type", "@id" },
                        Properties = new Dictionary<string, IOpenApiSchema>
                        {
                            ["@type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Claim"), JsonValue.Create("Annotation"), JsonValue.Create("ClaimReview")] },
                            ["@id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
                        },
                    },
                },
            },
        });
        if (operation.Responses!.TryGetValue("200", out var ok) && ok.Content?.TryGetValue("application/ld+json", out var jsonLd) == true)
        {
            jsonLd.Schema = new OpenApiSchemaReference(name, document);
        }
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
                Description = "Identifies the request in the server's log: quote it when reporting a problem. The same as the X-Request-Id header.",
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>Request fields get their validators' limits; their integers without one get their type's range.</summary>
    private static async Task DeclareLimits(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        // Decimals are read by ExactDecimalConverter, and the generator describes no value a custom converter reads:
        // say what the framework says of decimals.
        if (context.JsonTypeInfo.Type == typeof(decimal) || context.JsonTypeInfo.Type == typeof(decimal?))
        {
            schema.Type = context.JsonTypeInfo.Type == typeof(decimal) ? JsonSchemaType.Number : JsonSchemaType.Number | JsonSchemaType.Null;
            schema.Format = "double";
        }
        await ContractLimits.FromValidators(schema, context, ct);
        if (context.JsonPropertyInfo?.DeclaringType is { } owner
            && context.ApplicationServices.GetService(typeof(FluentValidation.IValidator<>).MakeGenericType(owner)) is not null)
        {
            ContractLimits.TypeRange(schema);
        }
    }

    /// <summary>Declares the problem+json answers an endpoint's handler gives (404, 409, 412, 422, 428, ...).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses) builder.ProducesProblem(status);
        return builder;
    }
}
