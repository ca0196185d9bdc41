using System.Text.Json;
using ClaimTracker.Api.Curators;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// One write: a connection and its transaction, with the Idempotency-Key (when the request has one) recorded in
/// the same transaction. Handlers open it, write through it, and commit with the result they answer.
/// </summary>
public sealed class Write : IAsyncDisposable
{
    private readonly HttpContext _http;
    private readonly IdempotencyRequest? _key;

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }
    public long CuratorId { get; }

    /// <summary>This write's transaction and curator, for the steps that write through it.</summary>
    public WriteContext Context(CancellationToken ct) => new(Connection, Transaction, CuratorId, ct);

    private Write(HttpContext http, NpgsqlConnection connection, NpgsqlTransaction tx, IdempotencyRequest? key)
    {
        _http = http;
        Connection = connection;
        Transaction = tx;
        _key = key;
        CuratorId = http.User.CuratorId();
    }

    public static async Task<Write> BeginAsync(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        Write? write = null;
        try
        {
            var tx = await connection.BeginTransactionAsync(ct);
            write = new Write(http, connection, tx, http.Features.Get<IdempotencyRequest>());
            if (write._key?.Sha256 is { } sha) await write.ClaimKeyAsync(sha, ct);
            return write;
        }
        catch
        {
            // The caller's `await using` never receives the write when its key is replayed (or anything else fails
            // here): give the connection back now, or it stays checked out, idle in transaction, for ever.
            if (write is not null) await write.DisposeAsync();
            else await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Takes the key inside this transaction. A concurrent request holding it makes this insert wait for its end:
    /// if it committed, this request answers with its response instead of writing again.
    /// </summary>
    public async Task ClaimKeyAsync(byte[] sha256, CancellationToken ct)
    {
        var key = _key ?? throw new InvalidOperationException("No Idempotency-Key on this request.");
        var taken = await Connection.ExecuteAsync(new CommandDefinition("""
            insert into idempotency_keys (curator_id, key, method, path, request_sha256)
            values (@CuratorId, @Key, @method, @path, @sha256)
            on conflict (curator_id, key) do nothing
            """, new { key.CuratorId, key.Key, method = _http.Request.Method, path = _http.Request.Path.Value, sha256 }, Transaction, cancellationToken: ct));
        if (taken == 0)
        {
            var recorded = (await Recorded.FindAsync(Connection, Transaction, key.CuratorId, key.Key, ct))!;
            throw new IdempotentReplayException(recorded);
        }
    }

    public bool HasKey => _key is not null;

    /// <summary>Records the response under the request's key (if any) and commits; returns the result to answer with.</summary>
    public async Task<TResult> CommitAsync<TResult>(TResult result, CancellationToken ct) where TResult : IResult
    {
        if (_key is not null)
        {
            var options = _http.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
            var value = (result as IValueHttpResult)?.Value;
            await Connection.ExecuteAsync(new CommandDefinition("""
                update idempotency_keys set status = @status, content_type = @contentType, location = @location, etag = @etag, body = @body
                where curator_id = @CuratorId and key = @Key
                """,
                new
                {
                    _key.CuratorId, _key.Key,
                    status = (result as IStatusCodeHttpResult)?.StatusCode ?? 200,
                    contentType = value is null ? null : "application/json; charset=utf-8",
                    location = LocationOf(result),
                    etag = _http.Response.Headers.ETag.ToString() is { Length: > 0 } etag ? etag : null,
                    body = value is null ? null : JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), options),
                }, Transaction, cancellationToken: ct));
        }
        await Transaction.CommitAsync(ct);
        return result;
    }

    // Created<T> has a Location; no interface exposes it.
    private static string? LocationOf(IResult result) =>
        result.GetType().GetProperty("Location")?.GetValue(result) as string;

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
