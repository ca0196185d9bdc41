using System.Data;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// A position in the database's history: the cluster (PostgreSQL's system identifier, the same on a primary and every
/// standby made from it) and a WAL position at or after a write's commit. Every write answer carries one in
/// <see cref="Header"/>; a read that sends it back is served only by a server that has replayed that far.
/// </summary>
public readonly partial record struct ConsistencyToken(ulong System, ulong Position)
{
    public const string Header = "ClaimTracker-Consistency";

    public const string Example = "7437311437185884183-0/1A2B3C8";

    /// <summary>What the contract says the header holds; <see cref="TryParse"/> reads exactly this.</summary>
    public const string Pattern = "^[0-9]{1,20}-[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}$";

    public const int MaxLength = 38;

    public override string ToString() =>
        $"{System.ToString(CultureInfo.InvariantCulture)}-{new NpgsqlLogSequenceNumber(Position)}";

    public static bool TryParse(string? text, out ConsistencyToken token)
    {
        token = default;
        if (text is null || text.Length > MaxLength || !Shape().IsMatch(text)) return false;
        var dash = text.IndexOf('-');
        if (!ulong.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var system)) return false;
        if (!NpgsqlLogSequenceNumber.TryParse(text.AsSpan(dash + 1), out var position)) return false;
        token = new ConsistencyToken(system, (ulong)position);
        return true;
    }

    /// <summary>Where <paramref name="connection"/>'s server is: its cluster, whether it is a standby, and how far it has replayed (or written, on a primary).</summary>
    internal static async Task<(ConsistencyToken At, bool Standby)> OfServerAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var (system, standby, position) = await connection.QuerySingleAsync<(long, bool, string)>(new CommandDefinition("""
            select system_identifier, pg_is_in_recovery(),
                   (case when pg_is_in_recovery() then coalesce(pg_last_wal_replay_lsn(), '0/0') else pg_current_wal_insert_lsn() end)::text
            from pg_control_system()
            """, cancellationToken: ct));
        return (new ConsistencyToken(unchecked((ulong)system), (ulong)NpgsqlLogSequenceNumber.Parse(position)), standby);
    }

    [GeneratedRegex(Pattern)]
    private static partial Regex Shape();
}

/// <summary>A token the cluster cannot serve: malformed, from another cluster, or beyond the primary's position.</summary>
public sealed class ConsistencyTokenException(string reason) : Exception(reason);

/// <summary>
/// The connections of a read (a GET handler): from the standbys, balanced, when the request sends no
/// <see cref="ConsistencyToken"/>; with one, from a standby that has replayed the token's position, else from the
/// primary. A read never waits for a standby to catch up: the primary always can serve it at once, and the reads that
/// send a token are the few made right after their own client's writes. With one host every read goes to it.
/// </summary>
public sealed class ReadDb(Database database, IHttpContextAccessor accessor, ILogger<ReadDb> logger) : IAsyncDisposable
{
    private bool _read;
    private ConsistencyToken? _token;
    private string? _malformed;
    private NpgsqlConnection? _prepared;

    private void ReadToken()
    {
        if (_read) return;
        _read = true;
        var values = accessor.HttpContext?.Request.Headers[ConsistencyToken.Header] ?? default;
        if (values.Count == 0) return;
        if (values.Count == 1 && ConsistencyToken.TryParse(values[0], out var token)) _token = token;
        else _malformed = $"must be one value as this API sends it in the {ConsistencyToken.Header} header of a write's answer, e.g. {ConsistencyToken.Example}.";
    }

    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct)
    {
        if (_prepared is { } ready)
        {
            _prepared = null;
            return ready;
        }
        ReadToken();
        if (_malformed is not null) throw new ConsistencyTokenException(_malformed);
        if (_token is not { } token) return await database.ReadSource.OpenConnectionAsync(ct);
        var (connection, refusal) = await OpenAtAsync(token, ct);
        return connection ?? throw new ConsistencyTokenException(refusal!);
    }

    /// <summary>
    /// Gives back a connection opened by <see cref="OpenConnectionAsync"/> before the handler ran (the ETag's look at the
    /// change counts): the handler's first connection is then the same, on the same server, so its answer is never
    /// older than the ETag it is sent with.
    /// </summary>
    internal void Keep(NpgsqlConnection connection) => _prepared = connection;

    /// <summary>
    /// Before the handler runs: the reason the request's token cannot be served, or null. A connection opened to check
    /// the token is the one the handler's first <see cref="OpenConnectionAsync"/> gets.
    /// </summary>
    internal async Task<string?> PrepareAsync(CancellationToken ct)
    {
        ReadToken();
        if (_malformed is not null) return _malformed;
        if (_token is not { } token || _prepared is not null) return null;
        var (connection, refusal) = await OpenAtAsync(token, ct);
        _prepared = connection;
        return refusal;
    }

    private async Task<(NpgsqlConnection? Connection, string? Refusal)> OpenAtAsync(ConsistencyToken token, CancellationToken ct)
    {
        if (database.HasStandbys)
        {
            NpgsqlConnection? standby = null;
            try
            {
                standby = await database.ReadSource.OpenConnectionAsync(ct);
                var (at, isStandby) = await ConsistencyToken.OfServerAsync(standby, ct);
                // A standby only moves forward: once it has replayed the position, every query on it sees the write.
                if (at.System == token.System && at.Position >= token.Position)
                {
                    var served = standby;
                    standby = null;
                    return (served, null);
                }
                // No standby answered and the read source fell back to the primary: its answer is final.
                if (!isStandby || at.System != token.System) return (null, Refusal(token, at));
            }
            catch (Exception e) when (IsLostServer(e) && !ct.IsCancellationRequested)
            {
                logger.LogInformation("A standby failed while a read's consistency token was checked ({Message}); the primary serves it", e.Message);
            }
            finally
            {
                if (standby is not null) await standby.DisposeAsync();
            }
        }

        var primary = await database.DataSource.OpenConnectionAsync(ct);
        try
        {
            var (here, _) = await ConsistencyToken.OfServerAsync(primary, ct);
            if (here.System == token.System && here.Position >= token.Position) return (primary, null);
            await primary.DisposeAsync();
            return (null, Refusal(token, here));
        }
        catch
        {
            await primary.DisposeAsync();
            throw;
        }
    }

    private static string Refusal(ConsistencyToken token, ConsistencyToken server) => token.System != server.System
        ? "was issued by another database cluster than this API's; send a token from this API's own answers, or none."
        : $"names a position beyond the newest this database has ({new NpgsqlLogSequenceNumber(server.Position)}): it was issued " +
          "by another cluster, or the write it follows was lost when the primary failed over; send a newer token, or none.";

    /// <summary>The server of a connection went away (a standby killed or stopped): another server can answer the same read.</summary>
    internal static bool IsLostServer(Exception e) => e switch
    {
        DataException { InnerException: { } inner } => IsLostServer(inner),
        PostgresException pg => pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow,
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => false,
    };

    /// <summary>
    /// The filter of every endpoint whose handler reads through a <see cref="ReadDb"/> (added by
    /// <see cref="Validation.WithValidation{TBuilder}"/>): a token that cannot be served is a 400 naming the header,
    /// and a read whose standby died under it is run once more, on another server, before anything was answered.
    /// </summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var index = Array.FindIndex(context.MethodInfo.GetParameters(), p => p.ParameterType == typeof(ReadDb));
        if (index < 0) return next;
        return async invocation =>
        {
            var reads = invocation.GetArgument<ReadDb>(index);
            var ct = invocation.HttpContext.RequestAborted;
            if (await reads.PrepareAsync(ct) is { } refusal) return Problems.Invalid(ConsistencyToken.Header, refusal);
            try
            {
                return await next(invocation);
            }
            catch (Exception e) when (reads.MayRetry(e) && !invocation.HttpContext.Response.HasStarted && !ct.IsCancellationRequested)
            {
                await reads.DisposeAsync();
                if (await reads.PrepareAsync(ct) is { } again) return Problems.Invalid(ConsistencyToken.Header, again);
                return await next(invocation);
            }
        };
    }

    // Npgsql has marked the lost server offline: the second try goes to another standby, or to the primary.
    private bool MayRetry(Exception e)
    {
        if (!database.HasStandbys || !IsLostServer(e)) return false;
        logger.LogInformation("A read lost its database server ({Message}); it runs once more on another", e.Message);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_prepared is { } unused)
        {
            _prepared = null;
            await unused.DisposeAsync();
        }
    }
}

/// <summary>
/// Gives every successful write answer its <see cref="ConsistencyToken"/>: the primary's WAL insert position once the
/// write has committed (its commit record ends at or before it). A replayed Idempotency-Key answer gets one too.
/// </summary>
public sealed class ConsistencyStamp(RequestDelegate next)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public Task InvokeAsync(HttpContext http, Database database, ILogger<ConsistencyStamp> logger)
    {
        var method = http.Request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method) || HttpMethods.IsPut(method))) return next(http);
        http.Response.OnStarting(async () =>
        {
            if (http.Response.StatusCode is < 200 or >= 300) return;
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            patience.CancelAfter(Patience);
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(patience.Token);
                var (at, _) = await ConsistencyToken.OfServerAsync(connection, patience.Token);
                http.Response.Headers[ConsistencyToken.Header] = at.ToString();
            }
            catch (Exception e) when (e is NpgsqlException or DataException or OperationCanceledException or TimeoutException)
            {
                // The write has committed and its answer stands; a read after it may be served by a standby behind it.
                logger.LogWarning("A write's answer goes without its {Header}: the primary did not say its position ({Message})", ConsistencyToken.Header, e.Message);
            }
        });
        return next(http);
    }
}
