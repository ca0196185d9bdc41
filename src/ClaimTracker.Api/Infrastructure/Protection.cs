using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using ClaimTracker.Api.Curators;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Limits and headers that protect the service: rate limits (writes per curator key, reads per client address,
/// failed authentications per client address), security headers on every answer, and CORS closed unless origins
/// are configured.
/// </summary>
public static class Protection
{
    public const string CorsPolicy = "configured-origins";

    public static void AddProtection(this IServiceCollection services, CorsOptions cors)
    {
        services.AddSingleton<RateLimits>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<RateLimits>((options, limits) =>
        {
            options.GlobalLimiter = limits.Requests;
            options.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? RateLimits.Seconds(after) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                await Problems.WriteAsync(context.HttpContext, TypedResults.Problem(statusCode: 429, title: "Too many requests.",
                    detail: $"This client has gone over its rate limit; retry after {retry} s."));
            };
        });

        var origins = cors.Origins;
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy =>
        {
            // Closed by default: with no origins configured, no cross-origin request is allowed.
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed", RateLimits.Header, RateLimits.PolicyHeader,
                        ConsistencyToken.Header);
            }
        }));
    }

    /// <summary>
    /// X-Forwarded-For from the configured proxies only (<see cref="ForwardedHeadersSettings"/>), so that the rate limits
    /// and the failed-authentication throttle count the client behind the proxy; from any other peer it is ignored.
    /// </summary>
    public static IApplicationBuilder UseConfiguredProxies(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value;
        if (!proxies.Any) return app;
        // No limit on the hops: the header is read from the right for as long as the hop that wrote it is trusted.
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = null };
        // ASP.NET trusts loopback unless told otherwise: here only what is configured.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.KnownProxies) options.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in proxies.KnownNetworks) options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        return app.UseForwardedHeaders(options);
    }

    /// <summary>A write: it needs a curator key (its write limit is counted per key, see <see cref="RateLimits"/>).</summary>
    public static TBuilder RequireCurator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ApiKeys.CuratorPolicy);

    /// <summary>The security headers of an answer to <paramref name="path"/>, also sent by <see cref="ServerRejections"/>.</summary>
    public static IEnumerable<(string Name, string Value)> SecurityHeaders(PathString path)
    {
        yield return ("X-Content-Type-Options", "nosniff");
        yield return ("X-Frame-Options", "DENY");
        yield return ("Referrer-Policy", "no-referrer");
        yield return ("Cross-Origin-Opener-Policy", "same-origin");
        yield return ("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        yield return ("Content-Security-Policy", path.StartsWithSegments(ReferencePage.Path)
            ? ReferencePage.Policy(nonce: null)
            : "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
    }

    /// <summary>
    /// Security headers, the request id and the rate limit (RateLimit-Policy and RateLimit, as the IETF draft
    /// httpapi-ratelimit-headers writes them) on every answer.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        // With origins configured an answer depends on the request's Origin (Access-Control-Allow-Origin or none), so
        // caches must keep one copy per origin; the CORS middleware says so only for some answers.
        var varyByOrigin = app.ApplicationServices.GetRequiredService<IOptions<CorsOptions>>().Value.Origins.Length > 0;
        var limits = app.ApplicationServices.GetRequiredService<RateLimits>();
        return app.Use(async (http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                foreach (var (name, value) in SecurityHeaders(http.Request.Path)) headers[name] = value;
                if (http.Request.Path.StartsWithSegments(ReferencePage.Path)) headers.ContentSecurityPolicy = ReferencePage.Policy(http);
                headers["X-Request-Id"] = Problems.RequestId(http);
                headers.CacheControl = ConditionalReads.CacheControl(http);
                if (varyByOrigin && !headers.Vary.Any(v => v?.Split(',').Any(o => o.Trim().Equals("Origin", StringComparison.OrdinalIgnoreCase)) == true))
                {
                    headers.Append("Vary", "Origin");
                }
                limits.Describe(http);
                return Task.CompletedTask;
            });
            await next(http);
        });
    }
}

/// <summary>
/// The rate limits, each a quota per window (a second for reads, a minute for writes and for failed authentications)
/// and per client: its address, or for writes its curator key.
/// </summary>
public sealed class RateLimits
{
    public const string Header = "RateLimit";
    public const string PolicyHeader = "RateLimit-Policy";

    private readonly bool _enabled;
    private readonly Policy _reads;
    private readonly Policy _writes;
    private readonly Policy _failures;
    private readonly TimeProvider _clock;
    private readonly PartitionedRateLimiter<string> _failed;

    public sealed record Policy(string Name, int Quota, TimeSpan Window)
    {
        public string Describe() => $"\"{Name}\";q={Quota};w={(int)Window.TotalSeconds}";
    }

    public RateLimits(IOptions<RateLimitOptions> options, TimeProvider clock)
    {
        var settings = options.Value;
        _enabled = settings.Enabled;
        _reads = new Policy("reads", settings.ReadsPerSecond, TimeSpan.FromSeconds(1));
        _writes = new Policy("writes", settings.WritesPerMinute, TimeSpan.FromMinutes(1));
        _failures = new Policy("failed-authentications", settings.FailedAuthenticationsPerMinute, TimeSpan.FromMinutes(1));
        _clock = clock;
        Requests = PartitionedRateLimiter.Create<HttpContext, string>(http => _enabled
            ? RateLimitPartition.Get(Partition(http), key => Limiter(key.StartsWith("write:", StringComparison.Ordinal) ? _writes : _reads))
            : RateLimitPartition.GetNoLimiter("off"));
        _failed = PartitionedRateLimiter.Create<string, string>(address => _enabled
            ? RateLimitPartition.Get(address, _ => Limiter(_failures))
            : RateLimitPartition.GetNoLimiter("off"));
    }

    /// <summary>The limiter of every request: reads per client address, writes per curator key.</summary>
    public PartitionedRateLimiter<HttpContext> Requests { get; }

    private WindowLimiter Limiter(Policy policy) => new(policy.Quota, policy.Window, _clock);

    private static bool IsWrite(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method) || HttpMethods.IsDelete(request.Method) || HttpMethods.IsPut(request.Method);

    private static string Partition(HttpContext http) => IsWrite(http.Request)
        ? $"write:{http.User.FindFirstValue(ApiKeys.CuratorIdClaim) ?? http.Connection.RemoteIpAddress?.ToString()}"
        : $"read:{http.Connection.RemoteIpAddress}";

    /// <summary>Writes the answer's quota and what is left of it (not on answers exempt from the limits: health).</summary>
    public void Describe(HttpContext http)
    {
        if (!_enabled || http.GetEndpoint()?.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null) return;
        var policy = IsWrite(http.Request) ? _writes : _reads;
        if (Requests.GetStatistics(http) is not WindowLimiter.Statistics window) return;
        http.Response.Headers[PolicyHeader] = policy.Describe();
        http.Response.Headers[Header] = $"\"{policy.Name}\";r={Math.Max(window.CurrentAvailablePermits, 0)};t={Seconds(window.Reset)}";
    }

    /// <summary>False when <paramref name="address"/> has failed to authenticate too often this minute.</summary>
    public bool MayAuthenticate(IPAddress? address, out int retryAfter, out bool firstRefusal)
    {
        using var lease = _failed.AttemptAcquire(Key(address), 0);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Seconds(after) : 0;
        firstRefusal = !lease.IsAcquired && _failed.GetStatistics(Key(address))?.TotalFailedLeases == 1;
        return lease.IsAcquired;
    }

    /// <summary>Counts a failed authentication (a wrong or revoked key) against the client's address.</summary>
    public void AuthenticationFailed(IPAddress? address) => _failed.AttemptAcquire(Key(address)).Dispose();

    public int FailedAuthenticationsPerMinute => _failures.Quota;

    private static string Key(IPAddress? address) => address?.ToString() ?? "unknown";

    public static int Seconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}

/// <summary>
/// A quota per window: a window opens with the first request after the last one closed and lasts its length, so an
/// answer can say exactly how much is left and when the window ends. A partition with a window open is never
/// idle, so disposing idle partitions never forgets a count.
/// </summary>
public sealed class WindowLimiter(int quota, TimeSpan window, TimeProvider clock) : RateLimiter
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _opened;
    private DateTimeOffset _closed = clock.GetUtcNow();
    private int _used;
    private long _failed;
    private long _granted;

    /// <summary>The statistics of the current window, with the time until it ends.</summary>
    public sealed class Statistics : RateLimiterStatistics
    {
        public TimeSpan Reset { get; init; }
    }

    private void Roll(DateTimeOffset now)
    {
        if (_opened is not { } opened || now < opened + window) return;
        _opened = null;
        _closed = opened + window;
        _used = 0;
        _failed = 0;
    }

    private TimeSpan Reset(DateTimeOffset now) => _opened is { } opened ? opened + window - now : window;

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var now = clock.GetUtcNow();
                Roll(now);
                return _opened is null ? now - _closed : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            Roll(now);
            return new Statistics
            {
                CurrentAvailablePermits = quota - _used,
                CurrentQueuedCount = 0,
                TotalFailedLeases = _failed,
                TotalSuccessfulLeases = _granted,
                Reset = Reset(now),
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            Roll(now);
            // Zero permits asks whether any are left, without opening a window or taking one.
            if (permitCount == 0 ? _used < quota : _used + permitCount <= quota)
            {
                if (permitCount > 0) _opened ??= now;
                _used += permitCount;
                _granted++;
                return Lease.Granted;
            }
            _failed++;
            return new Lease(false, Reset(now));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}

/// <summary>
/// The API reference page (/docs, Scalar) runs on the origin that keeps the curator key, so its policy has no
/// 'unsafe-inline'. Its one inline script carries a nonce Scalar draws for each answer; the three stylesheets its
/// script injects are allowed by their SHA-256 (Scalar 2.19.0's, without its web fonts; Browser/ReferencePageTests
/// fails when an upgrade changes them). The few inline style attributes it sets are refused, which changes nothing
/// visible. Fonts, images, scripts and requests come from this origin only, so no style can send anything away.
/// </summary>
public static class ReferencePage
{
    public const string Path = "/docs";

    private static readonly string[] StyleHashes =
    [
        "St8O8YusCkYeC9X2ma3nlCP1u4+35DgBPOzt1kBwxsM=",
        "l/2OpPg0d+2VLTLgwjf5mQo2CYwHDEqdj5TjbfEyVJI=",
        "T13Uev3xCax2N28XaoAE8DOzQZKvPp7ZQVAi1iRREjo=",
    ];

    public static string Policy(string? nonce) =>
        "default-src 'self'; script-src 'self'" + (nonce is null ? "" : $" 'nonce-{nonce}'") +
        "; style-src 'self'" + string.Concat(StyleHashes.Select(h => $" 'sha256-{h}'")) +
        "; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>The policy of an answer under /docs: with the nonce Scalar put on the page's inline script, if any.</summary>
    public static string Policy(HttpContext http) =>
        Policy(http.Items.TryGetValue(Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey, out var nonce) ? nonce as string : null);
}
