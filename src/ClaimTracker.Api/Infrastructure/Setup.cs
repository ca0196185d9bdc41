using System.Diagnostics;
using System.Text.Json.Serialization;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using FluentValidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scalar.AspNetCore;

namespace ClaimTracker.Api.Infrastructure;

public static class Setup
{
    public static void AddClaimTrackerServices(this WebApplicationBuilder builder)
    {
        DapperSetup.Configure();

        var services = builder.Services;
        var (settings, _, cors) = services.AddSettings(builder.Configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Database>();
        // As a hosted service the database is stopped by the host's shutdown, which waits for it.
        services.AddHostedService(sp => sp.GetRequiredService<Database>());
        // Registered after the database, so it stops first and never restarts a server the app is stopping.
        services.AddSingleton<EmbeddedSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddedSupervisor>());
        services.AddHostedService<IdempotencyKeyCleanup>();
        services.AddHostedService<ChangeCountFolding>();
        services.AddSingleton<KeptAnswers>();
        services.AddHostedService(sp => sp.GetRequiredService<KeptAnswers>());
        services.AddSingleton<Changes.ChangeStreams>();
        services.AddHostedService(sp => sp.GetRequiredService<Changes.ChangeStreams>());
        services.AddSingleton<Imports.ImportJobs>();
        services.AddSingleton(sp => sp.GetRequiredService<Database>().DataSource);
        // GET handlers read through ReadDb: the standbys, or the primary when the request's consistency token says so.
        services.AddHttpContextAccessor();
        services.AddScoped<ReadDb>();
        services.AddSingleton<ServerRejections>();
        services.AddOptions<KestrelServerOptions>().Configure<ServerRejections>((kestrel, rejections) =>
        {
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            // A connection that sends nothing is closed, one that sends its headers or body too slowly is answered 408.
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(settings.KeepAliveTimeoutSeconds);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(settings.RequestHeadersTimeoutSeconds);
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
            // Requests Kestrel refuses itself are answered as the app's own errors are.
            kestrel.ConfigureEndpointDefaults(listen => listen.Use(rejections.Wrap));
        });

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
        services.AddProtection(cors);
    }

    public static void UseClaimTrackerPipeline(this WebApplication app)
    {
        var rejections = app.Services.GetRequiredService<ServerRejections>().Listen(app.Services.GetRequiredService<DiagnosticListener>());
        app.Lifetime.ApplicationStopped.Register(rejections.Dispose);
        // First, so the rate limits and the failed-authentication throttle see the client behind a configured proxy.
        app.UseConfiguredProxies();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // Errors the framework answers with an empty body (404 no route, 405, 415) get problem+json too.
        app.UseStatusCodePages();
        app.UseCors(Protection.CorsPolicy);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseMiddleware<ConsistencyStamp>();
        // After the limits: a 304 counts as a read.
        app.UseMiddleware<ConditionalReads>();
        app.UseMiddleware<IdempotencyMiddleware>();
        // The web page (wwwroot) is static and uses the public API only.
        app.UseDefaultFiles();
        app.UseStaticFiles();

        // One document, v1, at fixed paths: any other name is simply not a route (a 404 problem).
        app.MapOpenApi("/openapi/v1.json");
        app.MapOpenApi("/openapi/v1.yaml");
        // A nonce on its inline script, and nothing from other origins (fonts, telemetry, the AI agent): see ReferencePage.
        app.MapScalarApiReference(ReferencePage.Path, o => o.WithTitle("ClaimTracker API").WithOpenApiRoutePattern("/openapi/v1.json")
            .WithNonce().DisableDefaultFonts().DisableTelemetry().DisableAgent());
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
        // A field sent twice is refused naming it, not read as its last value.
        options.AllowDuplicateProperties = false;
        // Figures are read exactly or refused: never rounded, never underflowing to 0 (see ExactDecimalConverter).
        options.Converters.Add(new ExactDecimalConverter());
        // Enums are snake_case words on the wire ("at_least"), never numbers.
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }
}

/// <summary>
/// Reads a JSON number as a decimal only when the decimal is exactly the number sent: System.Text.Json would round
/// 1.00000000000000000000000000001 to 1 and read 5e-324 as 0. Such numbers are refused, naming the field. Minus zero
/// is zero, as it is in arithmetic (PostgreSQL's numeric has no negative zero either).
/// </summary>
public sealed class ExactDecimalConverter : JsonConverter<decimal>
{
    /// <summary>What a decimal holds exactly: 28 significant digits, at most 28 of them after the decimal point.</summary>
    public const int Digits = 28;

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number) throw new JsonException("must be a number.");
        var text = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        return Parse(System.Text.Encoding.ASCII.GetString(text));
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);

    /// <summary>A JSON number (already checked by the reader), as its digits and power of ten.</summary>
    internal static decimal Parse(string number)
    {
        var mantissaEnd = number.IndexOfAny(['e', 'E']);
        var exponent = mantissaEnd < 0 ? 0L : long.TryParse(number.AsSpan(mantissaEnd + 1), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var e) ? e : throw new JsonException("has an exponent too large to be stored.");
        var mantissa = mantissaEnd < 0 ? number : number[..mantissaEnd];
        var point = mantissa.IndexOf('.');
        if (point >= 0) exponent -= mantissa.Length - point - 1;
        var digits = mantissa.Replace(".", "").TrimStart('-').TrimStart('0');
        if (digits.Length == 0) return 0m;
        var significant = digits.TrimEnd('0');
        exponent += digits.Length - significant.Length;
        if (exponent < -Digits) throw new JsonException($"has more than {Digits} digits after the decimal point, so it cannot be stored exactly.");
        if (significant.Length > Digits || (exponent > 0 && significant.Length + exponent > Digits))
        {
            throw new JsonException($"has more than {Digits} significant digits or is too large, so it cannot be stored exactly.");
        }
        return decimal.Parse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) is var value && value == 0m
            ? 0m
            : value;
    }
}
