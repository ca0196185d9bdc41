using System.ComponentModel.DataAnnotations;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>The "ClaimTracker" section: every default is here, and nowhere else.</summary>
public sealed class ClaimTrackerOptions
{
    public const string Section = "ClaimTracker";

    /// <summary>Where the embedded server keeps its data (postgres/) and the development key.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = ".data";

    /// <summary>Load the seed corpus at start-up (articles already present are skipped).</summary>
    public bool Seed { get; set; } = true;

    /// <summary>Serve only the OpenAPI document: no database is started or opened.</summary>
    public bool SkipDatabase { get; set; }

    /// <summary>The server cancels any query running longer (answered as 503); 0 turns the limit off.</summary>
    [Range(0, 3_600)]
    public int StatementTimeoutSeconds { get; set; } = 10;

    /// <summary>Larger request bodies are refused with 413.</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>The same, for POST /import.</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxImportBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>A connection that sends nothing for this long is closed.</summary>
    [Range(1, 3_600)]
    public int KeepAliveTimeoutSeconds { get; set; } = 30;

    /// <summary>A request whose headers take longer than this to arrive is answered 408.</summary>
    [Range(1, 3_600)]
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;

    /// <summary>A search sorted by relevance ranks at most this many of the newest matches (the answer says how many).</summary>
    [Range(1, 10_000_000)]
    public int RelevanceCandidates { get; set; } = 10_000;
}

/// <summary>The "ClaimTracker:EmbeddedServer" section: the server the app runs when no connection string is set.</summary>
public sealed class EmbeddedServerOptions
{
    public const string Section = "ClaimTracker:EmbeddedServer";

    /// <summary>How long start-up waits for the server, and how long it may stay down before the app says it is not live.</summary>
    [Range(1, 3_600)]
    public int RecoverySeconds { get; set; } = 30;
}

/// <summary>The "ClaimTracker:RateLimits" section.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "ClaimTracker:RateLimits";

    /// <summary>false turns both limits off (benchmarks).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Reads per client address per second (bursts to twice that); over it, 429.</summary>
    [Range(1, int.MaxValue)]
    public int ReadsPerSecond { get; set; } = 200;

    /// <summary>Writes per curator key per minute; over it, 429.</summary>
    [Range(1, int.MaxValue)]
    public int WritesPerMinute { get; set; } = 600;

    /// <summary>Failed authentications per client address per minute; over it, 429 (a valid key from that address too, for the rest of the minute).</summary>
    [Range(1, int.MaxValue)]
    public int FailedAuthenticationsPerMinute { get; set; } = 20;
}

/// <summary>The "ClaimTracker:Cors" section.</summary>
public sealed class CorsOptions
{
    public const string Section = "ClaimTracker:Cors";

    /// <summary>Browser origins allowed to call the API; none means CORS is closed.</summary>
    public string[] Origins { get; set; } = [];
}

/// <summary>
/// The "ClaimTracker:ForwardedHeaders" section: the reverse proxies whose X-Forwarded-For is believed. With none (the
/// default) the header is ignored and the client is the connection's address; behind a proxy, every client would
/// otherwise share the proxy's address and its rate limits.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "ClaimTracker:ForwardedHeaders";

    /// <summary>Addresses of the proxies in front of the app, e.g. 10.0.0.5 or ::1.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. 10.0.0.0/24.</summary>
    public string[] KnownNetworks { get; set; } = [];

    public bool Any => KnownProxies.Length > 0 || KnownNetworks.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !System.Net.IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"\"{proxy}\" is not an IP address.", [nameof(KnownProxies)]);
        }
        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"\"{network}\" is not a network in CIDR notation (address/prefix length).", [nameof(KnownNetworks)]);
        }
    }
}

/// <summary>The "ClaimTracker:Streams" section: the push feed GET /changes/stream.</summary>
public sealed class StreamOptions
{
    public const string Section = "ClaimTracker:Streams";

    /// <summary>How many streams may be open at once; one more is answered 503 with Retry-After.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrent { get; set; } = 100;

    /// <summary>A stream that has sent nothing for this long sends a comment line, so that proxies keep the connection.</summary>
    [Range(1, 3_600)]
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>How often the server looks for new changes and newly opened conflicts while any stream is open.</summary>
    [Range(50, 60_000)]
    public int PollMilliseconds { get; set; } = 1_000;
}

/// <summary>A setting that is not a value of its type, or is out of range; start-up stops with it.</summary>
public sealed class SettingsException(string message) : Exception(message);

public static class Settings
{
    /// <summary>Binds each section once, checks it at start-up, and reads it now for the services configured from it.</summary>
    public static (ClaimTrackerOptions App, RateLimitOptions Limits, CorsOptions Cors) AddSettings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClaimTrackerOptions>().Bind(configuration.GetSection(ClaimTrackerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CorsOptions>().Bind(configuration.GetSection(CorsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddedServerOptions>().Bind(configuration.GetSection(EmbeddedServerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersSettings>().Bind(configuration.GetSection(ForwardedHeadersSettings.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StreamOptions>().Bind(configuration.GetSection(StreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        Read<EmbeddedServerOptions>(configuration, EmbeddedServerOptions.Section);
        Read<ForwardedHeadersSettings>(configuration, ForwardedHeadersSettings.Section);
        Read<StreamOptions>(configuration, StreamOptions.Section);
        return (Read<ClaimTrackerOptions>(configuration, ClaimTrackerOptions.Section),
                Read<RateLimitOptions>(configuration, RateLimitOptions.Section),
                Read<CorsOptions>(configuration, CorsOptions.Section));
    }

    /// <summary>A section bound and checked, or a <see cref="SettingsException"/> naming the setting and the reason.</summary>
    public static T Read<T>(IConfiguration configuration, string section) where T : class, new()
    {
        var options = new T();
        var values = configuration.GetSection(section);
        // Each scalar is converted here first, so that a value that is not of its type is named with its key.
        foreach (var property in typeof(T).GetProperties().Where(p => p.CanWrite && p.PropertyType != typeof(string[])))
        {
            var text = values[property.Name];
            if (text is null) continue;
            var converter = System.ComponentModel.TypeDescriptor.GetConverter(property.PropertyType);
            if (!converter.IsValid(text))
            {
                throw new SettingsException($"The setting {section}:{property.Name} is not valid: \"{text}\" is not {Kind(property.PropertyType)}.");
            }
        }
        values.Bind(options);
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            var failure = results[0];
            throw new SettingsException($"The setting {section}:{failure.MemberNames.FirstOrDefault()} is not valid: {failure.ErrorMessage}");
        }
        return options;
    }

    private static string Kind(Type type) =>
        type == typeof(bool) ? "true or false" : type == typeof(int) || type == typeof(long) ? "a whole number" : $"a {type.Name}";
}
