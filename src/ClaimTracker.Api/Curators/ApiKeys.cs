using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Curators;

/// <summary>Curator API keys: random, shown once, stored as their SHA-256 only.</summary>
public static class ApiKeys
{
    public const string Scheme = "ApiKey";
    public const string CuratorPolicy = "curator";
    public const string CuratorIdClaim = "curator_id";

    public sealed record CreatedKey(long CuratorId, string Curator, string Key, string Prefix);

    public static string NewKey() => "ct_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>The curator's id by name, made on first use.</summary>
    public static Task<long> EnsureCuratorAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string name, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into curators (name) values (@name)
            on conflict (name) do update set name = excluded.name
            returning id
            """, new { name }, tx, cancellationToken: ct));

    public static async Task<CreatedKey> CreateAsync(NpgsqlDataSource db, string curatorName, CancellationToken ct = default)
    {
        var key = NewKey();
        var prefix = key[..10];
        await using var connection = await db.OpenConnectionAsync(ct);
        var curatorId = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            with curator as (
                insert into curators (name) values (@curatorName)
                on conflict (name) do update set name = excluded.name
                returning id
            )
            insert into api_keys (curator_id, key_hash, key_prefix)
            select id, @hash, @prefix from curator
            returning curator_id
            """, new { curatorName, hash = Hash(key), prefix }, cancellationToken: ct));
        return new CreatedKey(curatorId, curatorName, key, prefix);
    }

    /// <returns>How many keys were revoked (0 when the prefix matched no live key).</returns>
    public static async Task<int> RevokeAsync(NpgsqlDataSource db, string prefix, CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            "update api_keys set revoked_at = now() where key_prefix = @prefix and revoked_at is null",
            new { prefix }, cancellationToken: ct));
    }

    public static long CuratorId(this ClaimsPrincipal user) =>
        long.Parse(user.FindFirstValue(CuratorIdClaim) ?? throw new InvalidOperationException("Endpoint is missing RequireAuthorization."));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// Reads <c>Authorization: Bearer &lt;key&gt;</c> and answers failures with problem+json. Wrong and revoked keys count
/// against the client's address: past <see cref="RateLimits.FailedAuthenticationsPerMinute"/> in a minute, requests
/// from that address that carry a key are answered 429 until the minute ends, without looking the key up. Valid
/// keys never count.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource db,
    IProblemDetailsService problems,
    RateLimits limits)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private sealed record Throttled(int RetryAfter);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        var address = Context.Connection.RemoteIpAddress;
        if (!limits.MayAuthenticate(address, out var retryAfter, out var first))
        {
            if (first)
            {
                Logger.LogWarning("Failed authentications from {Address} are over the limit of {Limit} a minute; its keys are refused for {RetryAfter} s",
                    address, limits.FailedAuthenticationsPerMinute, retryAfter);
            }
            Context.Features.Set(new Throttled(retryAfter));
            return AuthenticateResult.Fail("Too many failed authentications from this address.");
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            limits.AuthenticationFailed(address);
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");
        }

        var key = header["Bearer ".Length..].Trim();
        await using var connection = await db.OpenConnectionAsync(Context.RequestAborted);
        var curator = await connection.QuerySingleOrDefaultAsync<(long Id, string Name)?>(new CommandDefinition("""
            select c.id, c.name
            from api_keys k join curators c on c.id = k.curator_id
            where k.key_hash = @hash and k.revoked_at is null
            """, new { hash = ApiKeys.Hash(key) }, cancellationToken: Context.RequestAborted));
        if (curator is not { } found)
        {
            limits.AuthenticationFailed(address);
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ApiKeys.CuratorIdClaim, found.Id.ToString()), new Claim(ClaimTypes.Name, found.Name)], ApiKeys.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeys.Scheme));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (Context.Features.Get<Throttled>() is { } throttled)
        {
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Response.Headers.RetryAfter = throttled.RetryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Logger.LogInformation("Refused a key from {Address}: too many failed authentications", Context.Connection.RemoteIpAddress);
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = Context,
                ProblemDetails =
                {
                    Status = 429,
                    Title = "Too many failed authentications.",
                    Detail = $"This address has sent too many wrong or revoked keys; retry after {throttled.RetryAfter} s.",
                },
            });
            return;
        }
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = 401,
                Title = "A curator API key is required.",
                Detail = result.Failure?.Message ?? "Writes need 'Authorization: Bearer <api key>'. Reads are open.",
            },
        });
    }
}
