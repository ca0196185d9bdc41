using System.Collections.Concurrent;
using System.Threading.Channels;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// List answers kept ready (db/migrations/0015_kept_answers.sql): a costly list read marked
/// <see cref="ConditionalRead.Keep"/> answers with the bytes it last sent for the same request while the database's
/// change count, the one its ETag is drawn from, is the one that answer was built at. The count and the kept answer
/// are read in one statement (<see cref="LookupSql"/>), so a kept read costs about a primary-key select.
/// <para>
/// A built answer is handed to a queue and written by one background writer, on the primary, so a read never waits
/// for a write, and reads served by standbys are kept too (the rows reach the standbys by replication). The queue is
/// bounded and drops what it cannot take: a dropped answer only costs the next read a build.
/// </para>
/// <para>
/// The app also holds the answers it last sent in memory (at most <see cref="Held"/> bytes): for those, a read asks
/// the database only for the change count, as a 304 does, and sends the bytes it holds when the count is theirs. A large
/// answer (a page of conflicts, both claims side by side, is 400 KB) then costs neither the database nor the app a copy.
/// Held answers belong to the server they were read on: after a failover that lost writes replicated asynchronously,
/// the new primary may reach a count the old one had reached with other data, which a row of the table (written after
/// those writes, and lost with them) cannot, but an answer in memory could.
/// </para>
/// </summary>
public sealed class KeptAnswers(Database database, ILogger<KeptAnswers> logger) : BackgroundService
{
    /// <summary>Larger answers are sent, not kept: the queue holds at most <see cref="Queued"/> of them in memory.</summary>
    public const int MaxBody = 512 * 1024;
    private const int Queued = 32;
    private const long Held = 48L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, Answer> _held = new();
    private long _heldBytes;

    private readonly Channel<Answer> _queue = Channel.CreateBounded<Answer>(
        new BoundedChannelOptions(Queued) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>The change count now (as a conditional read's ETag reads it) and the answer kept at that count, if any;
    /// its bytes only when the app does not hold them already (<c>@held</c>, the count of the answer it holds).</summary>
    public const string LookupSql = $"""
        select c.changes, k.content_type, case when c.changes = @held then null else k.body end as body
        from (select {ConditionalReads.ChangeCount} as changes) c
        left join kept_answers k on k.key = @key and k.changes = c.changes
        """;

    // An answer built at an older count than the one kept (a slow reader) does not replace it.
    private const string KeepSql = """
        insert into kept_answers (key, changes, content_type, body) values (@Key, @Changes, @ContentType, @Body)
        on conflict (key) do update set changes = excluded.changes, content_type = excluded.content_type, body = excluded.body
        where kept_answers.changes < excluded.changes
        """;

    /// <summary>Answers kept at an older count than now can never be served again (the count only grows).</summary>
    public const string PruneSql = $"delete from kept_answers where changes < {ConditionalReads.ChangeCount}";

    /// <summary>A row of <see cref="LookupSql"/>.</summary>
    private sealed class Row
    {
        public long Changes { get; init; }
        public string? ContentType { get; init; }
        public byte[]? Body { get; init; }
    }

    /// <summary>The change count now, and the answer kept at that count: the one held in memory, else the table's.</summary>
    public async Task<(long Changes, Answer? Kept)> FindAsync(NpgsqlConnection connection, byte[] key, CancellationToken ct)
    {
        var server = ServerOf(connection);
        var held = Holding(server, key);
        var row = await connection.QuerySingleAsync<Row>(new CommandDefinition(LookupSql, new { key, held = held?.Changes ?? -1 }, cancellationToken: ct));
        if (held is not null && held.Changes == row.Changes) return (row.Changes, held);
        if (row is not { Body: { } body, ContentType: { } type }) return (row.Changes, null);
        var kept = new Answer(key, row.Changes, type, body);
        Hold(server, kept);
        return (row.Changes, kept);
    }

    /// <param name="Key">The SHA-256 of the request's identity (<see cref="ConditionalReads"/>).</param>
    /// <param name="Changes">The change count read before the answer was built.</param>
    public sealed record Answer(byte[] Key, long Changes, string ContentType, byte[] Body);

    /// <summary>Keeps an answer built from <paramref name="server"/>: held at once, written by the background writer.</summary>
    public void Keep(string server, Answer answer)
    {
        if (answer.Body.Length > MaxBody) return;
        Hold(server, answer);
        _queue.Writer.TryWrite(answer);
    }

    /// <summary>The name of the server a connection reads, which held answers are checked against.</summary>
    public static string ServerOf(NpgsqlConnection connection) => $"{connection.Host}:{connection.Port}";

    private static string Name(string server, byte[] key) => $"{server} {Convert.ToHexString(key)}";

    /// <summary>The answer last held for this key on this server, at whatever count it was built (the caller compares).</summary>
    private Answer? Holding(string server, byte[] key) => _held.TryGetValue(Name(server, key), out var held) ? held : null;

    /// <summary>Lets go of every answer held in memory (the table's rows stay): tests use it to reach the table's.</summary>
    internal void Forget()
    {
        lock (_held)
        {
            _held.Clear();
            _heldBytes = 0;
        }
    }

    /// <summary>Holds an answer read from the table or just built, in place of the one held for its key.</summary>
    private void Hold(string server, Answer answer)
    {
        var name = Name(server, answer.Key);
        lock (_held)
        {
            var replaced = _held.TryGetValue(name, out var before) ? before : null;
            if (replaced is not null && replaced.Changes >= answer.Changes) return;
            _held[name] = answer;
            _heldBytes += answer.Body.Length - (replaced?.Body.Length ?? 0);
            if (_heldBytes <= Held) return;
            // Over the budget: let go of the oldest counts first (those behind the newest are dead) until half is free.
            foreach (var (oldName, old) in _held.OrderBy(p => p.Value.Changes).ToArray())
            {
                if (_heldBytes <= Held / 2) break;
                _held.TryRemove(oldName, out _);
                _heldBytes -= old.Body.Length;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var answer in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await using var connection = await database.DataSource.OpenConnectionAsync(stoppingToken);
                await connection.ExecuteAsync(new CommandDefinition(KeepSql, answer, cancellationToken: stoppingToken));
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                // The primary is away (a failover) or busy: the answer is built again at its next read.
                logger.LogDebug("An answer was not kept: {Message}", e.Message);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Anything else is a defect to see, but not one to stop the app for: a hosted service that throws would.
                logger.LogWarning(e, "An answer was not kept");
            }
        }
    }
}
