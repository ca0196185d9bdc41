using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text;
using ClaimTracker.Api.Curators;
using Dapper;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Idempotency-Key on POST. The middleware answers a retry whose key is already recorded: the stored response when
/// the request is the same, 422 when it is not. Otherwise the write itself records the key, in its own transaction
/// (<see cref="Write"/>), so a write and its key commit together or not at all: a crash can lose neither without
/// the other, and a retry after one never writes twice.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";

    public async Task InvokeAsync(HttpContext http, NpgsqlDataSource db)
    {
        var key = http.Request.Headers[Header].ToString();
        if (!HttpMethods.IsPost(http.Request.Method) || key.Length == 0 || http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }
        if (key.Length > 255 || key.Any(c => c < 0x21 || c > 0x7E))
        {
            await Problems.WriteAsync(http, Problems.Invalid(Header, "must be 1 to 255 visible ASCII characters."));
            return;
        }

        var curatorId = http.User.CuratorId();
        // Imports are streamed, not buffered: the import hashes what it reads (see ImportEndpoints).
        var streamed = http.GetEndpoint()?.Metadata.GetMetadata<StreamedBodyMetadata>() is not null;
        byte[]? hash = streamed ? null : await HashAsync(http.Request);
        var recorded = await Recorded.FindAsync(db, curatorId, key, http.RequestAborted);
        if (recorded is { Status: not null } && hash is not null)
        {
            await recorded.AnswerAsync(http, hash);
            return;
        }

        http.Features.Set(new IdempotencyRequest(curatorId, key, hash));
        try
        {
            await next(http);
        }
        catch (IdempotentReplayException replay) when (!http.Response.HasStarted)
        {
            // Another request with this key committed while this one waited for it.
            http.Response.Clear();
            await replay.Recorded.AnswerAsync(http, hash ?? replay.Recorded.RequestSha256);
        }
    }

    private static async Task<byte[]> HashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0) sha.AppendData(buffer, 0, read);
        request.Body.Position = 0;
        return sha.GetHashAndReset();
    }
}

/// <summary>Marks an endpoint whose body is streamed and hashed by the endpoint itself.</summary>
public sealed class StreamedBodyMetadata;

/// <summary>The key and request hash of the current POST, for the write to record.</summary>
public sealed record IdempotencyRequest(long CuratorId, string Key, byte[]? Sha256);

public sealed class IdempotentReplayException(Recorded recorded) : Exception("The request was already carried out under this Idempotency-Key.")
{
    public Recorded Recorded { get; } = recorded;
}

/// <summary>A recorded key with the response it gave.</summary>
public sealed class Recorded
{
    public byte[] RequestSha256 { get; init; } = [];
    public string Method { get; init; } = "";
    public string Path { get; init; } = "";
    public int? Status { get; init; }
    public string? ContentType { get; init; }
    public string? Location { get; init; }
    public string? Etag { get; init; }
    public byte[]? Body { get; init; }

    public static async Task<Recorded?> FindAsync(NpgsqlDataSource db, long curatorId, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await FindAsync(connection, null, curatorId, key, ct);
    }

    public static Task<Recorded?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, long curatorId, string key, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Recorded>(new CommandDefinition("""
            select request_sha256, method, path, status, content_type, location, etag, body
            from idempotency_keys where curator_id = @curatorId and key = @key
            """, new { curatorId, key }, tx, cancellationToken: ct));

    public async Task AnswerAsync(HttpContext http, byte[] requestSha256)
    {
        if (!RequestSha256.AsSpan().SequenceEqual(requestSha256))
        {
            await Problems.WriteAsync(http, Problems.Unprocessable(IdempotencyMiddleware.Header,
                $"was already used for another request ({Method} {Path}); use a new key for a new request."));
            return;
        }
        http.Response.StatusCode = Status!.Value;
        if (ContentType is not null) http.Response.ContentType = ContentType;
        if (Location is not null) http.Response.Headers.Location = Location;
        if (Etag is not null) http.Response.Headers.ETag = Etag;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (Body is { Length: > 0 }) await http.Response.SendAsync(Body, http.RequestAborted);
    }
}

/// <summary>
/// Deletes keys older than two days, every hour: the promise is at least 24 hours. Every app instance runs this timer,
/// and the one that takes the advisory lock first does the work; the others skip that hour's turn.
/// </summary>
public sealed class IdempotencyKeyCleanup(NpgsqlDataSource db, ILogger<IdempotencyKeyCleanup> logger, IOptions<ClaimTrackerOptions> options) : BackgroundService
{
    public const long AdvisoryLockKey = 0x436C_6169_6D49_6B; // "ClaimIk"

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SkipDatabase) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        do
        {
            try
            {
                var deleted = await RunOnceAsync(db, stoppingToken);
                if (deleted > 0) logger.LogInformation("Deleted {Count} idempotency keys older than 48 hours", deleted);
                else if (deleted is null) logger.LogDebug("Idempotency key cleanup skipped: another instance holds its lock");
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Idempotency key cleanup failed: {Message}", e.Message);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>How many keys were deleted, or null when another instance holds the lock (it is deleting them).</returns>
    public static async Task<int?> RunOnceAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Held until the transaction ends, so a crashed instance never keeps it.
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select pg_try_advisory_xact_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, tx, cancellationToken: ct)))
        {
            return null;
        }
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "delete from idempotency_keys where created_at < now() - interval '48 hours'", transaction: tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return deleted;
    }
}
