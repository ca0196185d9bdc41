using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>Which row's version an answer's ETag starts with, for If-Match.</summary>
public enum VersionedBy { None, Claim, Conflict }

/// <summary>
/// Marks a read whose answers carry an ETag and honour If-None-Match (see <see cref="ConditionalReads"/>).
/// </summary>
/// <param name="Version">The ETag starts with this resource's version ("v3-..."), which If-Match compares.</param>
/// <param name="Today">The answer depends on today's date (deadlines are judged as of today by default).</param>
/// <param name="RunningTransactions">The answer is cut below the oldest transaction still running (the change feed),
/// so it changes when such a transaction ends, even one that rolls back.</param>
/// <param name="Keep">The answer is costly to build and is kept ready under its change count (<see cref="KeptAnswers"/>).</param>
public sealed record ConditionalRead(VersionedBy Version = VersionedBy.None, bool Today = false, bool RunningTransactions = false, bool Keep = false);

/// <summary>
/// Conditional reads. A read's ETag is a hash of what its answer is a function of: the database's change count (the
/// transactions that changed any table an answer reads, counted in those transactions by db/migrations'
/// count_change trigger), the build, the request's host, path and normalised query, and (for some reads) today's date
/// or the oldest running transaction. The count is read before the answer is, so an ETag never claims an answer
/// fresher than it is. If-None-Match naming the current ETag gets a 304 after that one query, without the handler.
/// Claims and conflicts keep their version first in the ETag ("v3-1f0c..."), so the ETag read is what If-Match takes.
/// Reads marked to keep read their kept answer with the count (<see cref="KeptAnswers"/>) and, when it is current,
/// send it without the handler.
/// </summary>
public sealed class ConditionalReads(RequestDelegate next, TimeProvider clock, IOptions<ClaimTrackerOptions> options)
{
    private const string NoStore = "no-store";
    private const string Revalidate = "no-cache";
    private const string Public = "public, max-age=300";

    /// <summary>The documents of the contract, which change only with the build.</summary>
    private static readonly PathString Documents = "/openapi";

    private readonly string _build = Build(options.Value);

    /// <summary>The database's change count, which every ETag and kept answer is drawn from (0010_conditional_reads.sql).</summary>
    public const string ChangeCount = "(select sum(changes) from change_counts)::bigint";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method))
        {
            await next(http);
            return;
        }
        if (http.GetEndpoint()?.Metadata.GetMetadata<ConditionalRead>() is { } read)
        {
            await ReadAsync(http, read);
        }
        else if (http.Request.Path.StartsWithSegments(Documents))
        {
            await DocumentAsync(http);
        }
        else
        {
            await next(http);
        }
    }

    private async Task ReadAsync(HttpContext http, ConditionalRead read)
    {
        var tagged = await TagAsync(http, read);
        if (tagged is null)
        {
            await next(http);
            return;
        }
        var tag = tagged.Tag;
        if (Matches(http.Request, tag))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            http.Response.Headers.ETag = tag;
            return;
        }
        if (tagged.Kept is { } kept)
        {
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.Headers.ETag = tag;
            http.Response.ContentType = kept.ContentType;
            http.Response.ContentLength = kept.Body.Length;
            await http.Response.SendAsync(kept.Body, http.RequestAborted);
            return;
        }
        // Replaces a claim's or conflict's own "v3", which the handler sets for its writes' sake.
        http.Response.OnStarting(() =>
        {
            if (http.Response.StatusCode == StatusCodes.Status200OK) http.Response.Headers.ETag = tag;
            return Task.CompletedTask;
        });
        if (tagged.Key is not { } key)
        {
            await next(http);
            return;
        }

        // A read to keep: its answer is written to a buffer, sent from there, and handed to the writer of kept answers.
        using var buffer = await BufferedAsync(http);
        // An empty answer (a 404 with no body yet) is left open: the problem details written after this give it its body.
        if (buffer.Length == 0) return;
        var answer = buffer.ToArray();
        if (http.Response.StatusCode == StatusCodes.Status200OK && http.Response.ContentType is { } contentType)
        {
            http.RequestServices.GetRequiredService<KeptAnswers>().Keep(tagged.Server!, new KeptAnswers.Answer(key, tagged.Changes, contentType, answer));
        }
        http.Response.ContentLength = answer.Length;
        await http.Response.SendAsync(answer, http.RequestAborted);
    }

    /// <param name="Tag">The ETag the answer will have.</param>
    /// <param name="Changes">The change count the tag was drawn from.</param>
    /// <param name="Key">For a read to keep, the key of its kept answer.</param>
    /// <param name="Kept">For a read to keep, its answer kept at the count now, if any.</param>
    /// <param name="Server">The server the count was read on, and the handler reads.</param>
    private sealed record Tagged(string Tag, long Changes, byte[]? Key, KeptAnswers.Answer? Kept, string? Server);

    /// <returns>Null when the resource the route names does not exist, or no server could say (the handler answers).</returns>
    private async Task<Tagged?> TagAsync(HttpContext http, ConditionalRead read)
    {
        long? id = null;
        if (read.Version != VersionedBy.None)
        {
            if (!long.TryParse(http.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed)) return null;
            id = parsed;
        }
        var version = read.Version switch
        {
            VersionedBy.Claim => "(select version from claims where id = @id)",
            VersionedBy.Conflict => "(select version from conflicts where id = @id)",
            _ => "null::int",
        };
        var oldest = read.RunningTransactions ? "pg_snapshot_xmin(pg_current_snapshot())::text::bigint" : "null::bigint";
        var sql = $"select {ChangeCount} as changes, {version} as version, {oldest} as oldest";

        // What the answer is a function of besides the data; a kept answer's key.
        var identity = new StringBuilder()
            .Append(_build).Append('\n')
            .Append(http.Request.Scheme).Append("://").Append(http.Request.Host.Value).Append(http.Request.Path.Value).Append('\n')
            .Append(NormalQuery(http.Request.QueryString)).Append('\n')
            .Append(read.Today ? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).ToString("O", CultureInfo.InvariantCulture) : "")
            .ToString();
        // A browser revalidates with If-None-Match: after a write its tag is old, and the answer another reader built
        // since is what it gets.
        var keep = read.Keep && !read.RunningTransactions && read.Version == VersionedBy.None;
        byte[]? key = keep ? SHA256.HashData(Encoding.UTF8.GetBytes(identity)) : null;

        // The counts are read on the connection the handler then gets: with standbys, on the server that will answer
        // (one may be a moment behind the primary), so the tag is never newer than the answer; and one connection per
        // request instead of two.
        State state;
        KeptAnswers.Answer? kept = null;
        string? server = null;
        var reads = http.RequestServices.GetRequiredService<ReadDb>();
        if (await reads.PrepareAsync(http.RequestAborted) is not null) return null; // the handler answers the 400
        NpgsqlConnection? connection = null;
        try
        {
            connection = await reads.OpenConnectionAsync(http.RequestAborted);
            server = KeptAnswers.ServerOf(connection);
            if (read.Version == VersionedBy.Claim && http.Request.Headers.IfNoneMatch.Count == 0)
            {
                // A claim's counts come with its kept answer, in one statement; the handler takes the look-up from there.
                var found = await Claims.ClaimDocuments.FindTaggedAsync(http, connection, id!.Value, http.RequestAborted);
                state = new State { Changes = found.Changes, Version = found.Found ? found.Version : null };
            }
            else if (key is not null)
            {
                (var changes, kept) = await http.RequestServices.GetRequiredService<KeptAnswers>().FindAsync(connection, key, http.RequestAborted);
                state = new State { Changes = changes };
            }
            else
            {
                state = await connection.QuerySingleAsync<State>(new CommandDefinition(sql, new { id }, cancellationToken: http.RequestAborted));
            }
        }
        catch (Exception e) when (ReadDb.IsLostServer(e))
        {
            // The standby went away: the answer goes untagged, and the handler reads from another server.
            if (connection is not null) await connection.DisposeAsync();
            return null;
        }
        if (kept is not null) await connection.DisposeAsync(); // served as kept: the handler does not run
        else reads.Keep(connection);
        if (read.Version != VersionedBy.None && state.Version is null) return null;

        var text = new StringBuilder(identity).Append('\n')
            .Append(state.Changes).Append('\n')
            .Append(state.Oldest).Append('\n')
            .Append(state.Version);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())).AsSpan(0, 8));
        var tag = state.Version is { } v ? $"\"v{v}-{hash}\"" : $"\"{hash}\"";
        return new Tagged(tag, state.Changes, key, kept, server);
    }

    private sealed class State
    {
        public long Changes { get; init; }
        public int? Version { get; init; }
        public long? Oldest { get; init; }
    }

    /// <summary>
    /// The contract's documents (generated, and the same for one build): their ETag is their hash, so a 304 saves the
    /// transfer, and Cache-Control lets clients keep them a few minutes.
    /// </summary>
    private async Task DocumentAsync(HttpContext http)
    {
        using var buffer = await BufferedAsync(http);
        if (http.Response.StatusCode == StatusCodes.Status200OK)
        {
            var tag = $"\"{Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)).AsSpan(0, 8))}\"";
            http.Response.Headers.ETag = tag;
            if (Matches(http.Request, tag))
            {
                http.Response.StatusCode = StatusCodes.Status304NotModified;
                http.Response.ContentLength = null;
                return;
            }
        }
        // An empty answer (a 404 with no body yet) is left open: the problem details written after this give it its body.
        if (buffer.Length == 0) return;
        http.Response.ContentLength = buffer.Length;
        buffer.Position = 0;
        await buffer.CopyToAsync(http.Response.Body, http.RequestAborted);
    }

    /// <summary>Runs the rest of the pipeline with the answer's body written to memory, and the body put back.</summary>
    private async Task<MemoryStream> BufferedAsync(HttpContext http)
    {
        var body = http.Response.Body;
        var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
            return buffer;
        }
        catch
        {
            await buffer.DisposeAsync();
            throw;
        }
        finally
        {
            http.Response.Body = body;
        }
    }

    /// <summary>If-None-Match names the tag (weak comparison, as RFC 9110 has it for GET). "*" is left to the handler.</summary>
    private static bool Matches(HttpRequest request, string tag)
    {
        foreach (var value in request.Headers.IfNoneMatch)
        {
            if (value is null) continue;
            var rest = value.AsSpan();
            while (rest.IndexOf('"') is var open and >= 0)
            {
                var close = rest[(open + 1)..].IndexOf('"');
                if (close < 0) break;
                if (rest.Slice(open, close + 2).SequenceEqual(tag)) return true;
                rest = rest[(open + close + 2)..];
            }
        }
        return false;
    }

    /// <summary>The query with its names in order (lower case, as binding reads them), each name's values in the order sent.</summary>
    internal static string NormalQuery(QueryString query)
    {
        var values = QueryHelpers.ParseQuery(query.Value);
        return string.Join("&", values
            .GroupBy(p => p.Key.ToLowerInvariant(), p => p.Value)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.SelectMany(v => v).Select(v => $"{Uri.EscapeDataString(g.Key)}={Uri.EscapeDataString(v ?? "")}")));
    }

    /// <summary>What answers depend on besides the data: the build (its code and rule files) and the settings that shape answers.</summary>
    private static string Build(ClaimTrackerOptions settings) =>
        $"{typeof(ConditionalReads).Assembly.ManifestModule.ModuleVersionId:N} relevance={settings.RelevanceCandidates}";

    /// <summary>
    /// How long an answer may be kept. Reads of the database are kept but revalidated each time (no-cache, with their
    /// ETag); the contract's documents and the web page's scripts, styles and images a few minutes; anything sent with
    /// a key, every write and every error is never stored.
    /// </summary>
    public static string CacheControl(HttpContext http)
    {
        var (request, status) = (http.Request, http.Response.StatusCode);
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || status >= 400 || request.Headers.Authorization.Count > 0)
        {
            return NoStore;
        }
        var endpoint = http.GetEndpoint();
        if (endpoint?.Metadata.GetMetadata<ConditionalRead>() is not null) return Revalidate;
        var path = request.Path.Value ?? "";
        if (request.Path.StartsWithSegments(Documents)) return Public;
        var asset = Path.HasExtension(path) && !path.EndsWith(".html", StringComparison.OrdinalIgnoreCase);
        // The reference page carries a nonce drawn for each answer; its scripts are assets.
        if (request.Path.StartsWithSegments(ReferencePage.Path)) return asset ? Public : NoStore;
        // Static files have no endpoint: the page is revalidated (so a new release is seen at once), its assets kept.
        if (endpoint is null) return asset ? Public : Revalidate;
        return NoStore;
    }
}

/// <summary>
/// Folds the change counts of backends that have gone into one row (see 0010_conditional_reads.sql), hourly, once
/// there are more rows than a few connection pools' worth: every ETag sums them. And deletes the kept answers that can
/// no longer be served (0015_kept_answers.sql).
/// </summary>
public sealed class ChangeCountFolding(NpgsqlDataSource db, ILogger<ChangeCountFolding> logger, IOptions<ClaimTrackerOptions> options) : BackgroundService
{
    private const int Rows = 256;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SkipDatabase) return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = await db.OpenConnectionAsync(stoppingToken);
                await connection.ExecuteAsync(new CommandDefinition(
                    "select fold_change_counts() where (select count(*) from change_counts) > @rows", new { rows = Rows }, cancellationToken: stoppingToken));
                await connection.ExecuteAsync(new CommandDefinition(KeptAnswers.PruneSql, cancellationToken: stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Folding the change counts or pruning kept answers failed: {Message}", e.Message);
            }
        }
    }
}

public static class ConditionalReadConventions
{
    /// <summary>The reads of this group or endpoint answer with an ETag and honour If-None-Match; with <paramref name="keep"/>,
    /// their answers are kept ready (<see cref="KeptAnswers"/>).</summary>
    public static TBuilder WithConditionalReads<TBuilder>(this TBuilder builder, VersionedBy version = VersionedBy.None,
        bool today = false, bool runningTransactions = false, bool keep = false) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ConditionalRead(version, today, runningTransactions, keep));
}
