using System.Text.Json.Serialization;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Scalar.AspNetCore;

namespace ClaimTracker.Api.Infrastructure;

public static class Setup
{
    public static void AddClaimTrackerServices(this WebApplicationBuilder builder)
    {
        DapperSetup.Configure();

        var services = builder.Services;
        var (settings, limits, cors) = services.AddSettings(builder.Configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Database>();
        // As a hosted service the database is stopped by the host's shutdown, which waits for it.
        services.AddHostedService(sp => sp.GetRequiredService<Database>());
        // Registered after the database, so it stops first and never restarts a server the app is stopping.
        services.AddSingleton<EmbeddedSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSupervisor>());
        services.AddHostedService<IdempotencyKeyCleanup>();
        services.AddSingleton(sp => sp.GetRequiredService<Database>().DataSource);
        services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(o =>
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes);

        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.AddRequestId);
        services.AddExceptionHandler<ProblemMapping>();
        // Binding failures become exceptions so ProblemMapping can name the parameter, in every environment.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => Json.Configure(o.SerializerOptions));
        services.AddValidatorsFromAssemblyContaining<Program>(ServiceLifetime.Singleton, includeInternalTypes: true);

        services.AddAuthentication(ApiKeys.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeys.Scheme, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeys.CuratorPolicy, p => p.AddAuthenticationSchemes(ApiKeys.Scheme).RequireAuthenticatedUser());

        services.AddOpenApi(options => OpenApi.Configure(options));
        services.AddProtection(limits, cors);
    }

    public static void UseClaimTrackerPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // Errors the framework answers with an empty body (404 no route, 405, 415) get problem+json too.
        app.UseStatusCodePages();
        app.UseCors(Protection.CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<IdempotencyMiddleware>();
        // The web page (wwwroot) is static and uses the public API only.
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // One document, v1, at fixed paths: any other name is simply not a route (a 404 problem).
        app.MapOpenApi("/openapi/v1.json");
        app.MapOpenApi("/openapi/v1.yaml");
        app.MapScalarApiReference("/docs", o => o.WithTitle("ClaimTracker API").WithOpenApiRoutePattern("/openapi/v1.json"));
    }
}

public static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        // Strict reading: unknown fields, missing required fields, nulls in non-nullable fields and numbers sent as
        // strings are all refused with a 400 that names the field, instead of being silently dropped or defaulted.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.PropertyNameCaseInsensitive = false;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        // Enums are snake_case words on the wire ("at_least"), never numbers.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }
}
