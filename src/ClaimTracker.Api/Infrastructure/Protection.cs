using System.Security.Claims;
using System.Threading.RateLimiting;
using ClaimTracker.Api.Curators;
using Microsoft.AspNetCore.RateLimiting;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Limits and headers that protect the service: rate limits (writes per curator key, reads per client address),
/// security headers on every answer, and CORS closed unless origins are configured.
/// </summary>
public static class Protection
{
    public const string WritePolicy = "writes";
    public const string CorsPolicy = "configured-origins";

    public static void AddProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection("ClaimTracker:RateLimits");
        var enabled = limits.GetValue("Enabled", true);
        var writes = limits.GetValue("WritesPerMinute", 600);
        var reads = limits.GetValue("ReadsPerSecond", 200);

        services.AddRateLimiter(options =>
        {
            // Reads: a token bucket per client address, refilled every second; writes: a window per curator key.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                !enabled || HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method) || HttpMethods.IsDelete(http.Request.Method)
                    ? RateLimitPartition.GetNoLimiter("writes are limited per key")
                    : RateLimitPartition.GetTokenBucketLimiter($"read:{http.Connection.RemoteIpAddress}", _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = reads * 2,
                        TokensPerPeriod = reads,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    }));
            options.AddPolicy(WritePolicy, http =>
                !enabled
                    ? RateLimitPartition.GetNoLimiter("off")
                    : RateLimitPartition.GetFixedWindowLimiter(
                        $"write:{http.User.FindFirstValue(ApiKeys.CuratorIdClaim) ?? http.Connection.RemoteIpAddress?.ToString()}",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = writes, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
            options.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : 1;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(retry, 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, TypedResults.Problem(statusCode: 429, title: "Too many requests.",
                    detail: $"This client has gone over its rate limit; retry after {Math.Max(retry, 1)} s."));
            };
        });

        var origins = configuration.GetSection("ClaimTracker:Cors:Origins").Get<string[]>() ?? [];
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy =>
        {
            // Closed by default: with no origins configured, no cross-origin request is allowed.
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed");
            }
        }));
    }

    /// <summary>A write: it needs a curator key, and it counts against that key's write limit.</summary>
    public static TBuilder RequireCurator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiKeys.CuratorPolicy).RequireRateLimiting(WritePolicy);

    /// <summary>Security headers for every answer. The API reference page (/docs) loads its own scripts and styles inline.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/docs")
                ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
                : "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
            headers["X-Request-Id"] = Problems.RequestId(http);
            return Task.CompletedTask;
        });
        await next(http);
    });
}
