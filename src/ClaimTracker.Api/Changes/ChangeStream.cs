using System.Text;
using System.Text.Json;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Npgsql;

namespace ClaimTracker.Api.Changes;

/// <summary>
/// The change feed pushed as server-sent events. Every stream reads the same feed as GET /changes, after its own cursor,
/// so it never skips or repeats a change; the event id is that cursor, and a client that reconnects with Last-Event-ID
/// (as EventSource does by itself) resumes exactly after the last change it received.
/// </summary>
public static class ChangeStream
{
    public const string MediaType = "text/event-stream";
    public const string LastEventIdHeader = "Last-Event-ID";
    private const int Page = 200;

    public static void Map(RouteGroupBuilder group) =>
        group.MapGet("/stream", Handle)
            .WithName("StreamChanges")
            .Produces<string>(200, MediaType)
            .ProducesProblems(503)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = LastEventIdHeader,
                    In = ParameterLocation.Header,
                    Description = "The id of the last event received, e.g. a cursor such as " + Cursor<ChangeFeed.Position>.Encode(new ChangeFeed.Position(0, 0)) +
                                  ": the stream resumes after it (EventSource sends it by itself when it reconnects). It takes the place of since.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 4_096, Pattern = "^[A-Za-z0-9_-]+$" },
                    Example = System.Text.Json.Nodes.JsonValue.Create(Cursor<ChangeFeed.Position>.Encode(new ChangeFeed.Position(0, 0))),
                });
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
                {
                    response.Description = EventsDescription;
                }
                return Task.CompletedTask;
            })
            .WithSummary("The change feed as server-sent events")
            .WithDescription("A stream that stays open (text/event-stream): a change event for every claim created, revised or retracted, in the feed's order, its id the cursor to resume from; a conflict event when a conflict opens or reopens while the stream is open; and a comment line as a heartbeat after 15 s of silence. Without since or Last-Event-ID it starts at the newest change; with either, right after it. subject and property watch the claims about one subject or of one property. The server looks for news once a second (ClaimTracker:Streams:PollMilliseconds) while a stream is open; at most 100 streams at once (ClaimTracker:Streams:MaxConcurrent), past that 503 with Retry-After.");

    private const string EventsDescription = """
        Server-sent events, each "event:" and "data:" lines and a blank line. event: change, with "id:" the cursor of the change and data one
        feed item as GET /changes gives it ({"claimId":1,"revision":2,"action":"revised","reason":"...","curator":"Ada","at":"..."}).
        event: conflict, data {"id":12,"href":"/conflicts/12"}: a conflict opened or reopened (about the watched subject or property, if any).
        Lines starting with ":" are heartbeats. The first line is "retry: 3000", the reconnection delay in milliseconds.
        """;

    /// <param name="since">Start after this cursor (a change event's id, or the nextCursor of GET /changes); leave out to start at the newest change.</param>
    /// <param name="subject">Only changes and conflicts of claims about this subject: its id, name or alias, e.g. US forces in Iraq.</param>
    /// <param name="property">Only changes and conflicts of claims of this property: its key, e.g. troop_count.</param>
    public static async Task<Results<EmptyHttpResult, ValidationProblem, ProblemHttpResult>> Handle(
        [FromQuery] Param<Cursor<ChangeFeed.Position>>? since, [FromQuery] string? subject, [FromQuery] string? property,
        HttpContext http, ChangeStreams streams, NpgsqlDataSource db, IHostApplicationLifetime lifetime, IOptions<StreamOptions> options,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken requestAborted)
    {
        ChangeFeed.Position? after = since?.Value.Position;
        var lastEventId = http.Request.Headers[LastEventIdHeader].ToString();
        if (lastEventId.Length > 0)
        {
            if (lastEventId.Length > 4_096 || !Cursor<ChangeFeed.Position>.TryRead(lastEventId, out var resumed))
            {
                return Problems.BadParameter(LastEventIdHeader, "must be the id of an event of this stream (a cursor).");
            }
            after = resumed.Position;
        }
        ChangeFilter filter;
        await using (var connection = await db.OpenConnectionAsync(requestAborted))
        {
            var (found, problem) = await ChangeFeed.FilterAsync(connection, subject, property, requestAborted);
            if (problem is not null) return problem;
            filter = found!;
            after ??= await ChangeFeed.HeadAsync(connection, requestAborted) ?? new ChangeFeed.Position(0, 0);
        }

        if (!streams.TryEnter())
        {
            http.Response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "Too many open streams.",
                detail: $"This server keeps at most {options.Value.MaxConcurrent} change streams open; retry after 5 s, or poll GET /changes.");
        }
        try
        {
            // The app's shutdown ends every stream, or the host would wait for them.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
            var ct = stop.Token;
            var tick = await streams.ReadyAsync(ct);

            var response = http.Response;
            response.ContentType = MediaType;
            // Proxies that buffer answers (nginx) would hold the events back.
            response.Headers["X-Accel-Buffering"] = "no";
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var writer = new EventWriter(response, json.Value.SerializerOptions);
            await writer.WriteAsync("retry: 3000\n\n", ct);

            var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
            var position = await SendChangesAsync(db, writer, after, filter, ct);
            var head = tick.Head;
            while (!ct.IsCancellationRequested)
            {
                var quiet = heartbeat - writer.SinceLastWrite;
                if (quiet <= TimeSpan.Zero)
                {
                    await writer.WriteAsync(": heartbeat\n\n", ct);
                    continue;
                }
                ChangeStreams.Tick next;
                try
                {
                    next = await tick.Next.WaitAsync(quiet, ct);
                }
                catch (TimeoutException)
                {
                    continue;
                }
                tick = next;
                // Only a tick that saw the feed move makes this stream read it.
                if (tick.Head != head)
                {
                    head = tick.Head;
                    position = await SendChangesAsync(db, writer, position, filter, ct);
                }
                if (tick.Opened.Length > 0) await SendConflictsAsync(db, writer, tick.Opened, filter, ct);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away or the app is stopping: the stream simply ends.
        }
        catch (IOException)
        {
            // The connection broke while an event was being written.
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Data.DataException)
        {
            // The database went away mid-stream: the stream ends, and the client reconnects with its Last-Event-ID.
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ChangeStream))
                .LogInformation(e, "A change stream ended: the database could not be read.");
        }
        finally
        {
            streams.Leave();
        }
        return TypedResults.Empty;
    }

    private static async Task<ChangeFeed.Position> SendChangesAsync(
        NpgsqlDataSource db, EventWriter writer, ChangeFeed.Position position, ChangeFilter filter, CancellationToken ct)
    {
        while (true)
        {
            List<ChangeFeed.Row> rows;
            // A connection only for the read: an open stream holds none, so streams never starve the pool.
            await using (var connection = await db.OpenConnectionAsync(ct))
            {
                rows = await ChangeFeed.ReadAsync(connection, position, Page, filter, ct);
            }
            foreach (var row in rows)
            {
                position = row.Position;
                await writer.EventAsync("change", Cursor<ChangeFeed.Position>.Encode(position), row.ToChange(), ct);
            }
            if (rows.Count < Page) return position;
        }
    }

    private static async Task SendConflictsAsync(NpgsqlDataSource db, EventWriter writer, long[] opened, ChangeFilter filter, CancellationToken ct)
    {
        var ids = opened;
        if (filter.SubjectId is not null || filter.PropertyId is not null)
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            ids = [.. await connection.QueryAsync<long>(new CommandDefinition("""
                select f.id from conflicts f
                where f.id = any(@opened) and exists (select 1 from claims k where k.id in (f.claim_a, f.claim_b)
                    and (@SubjectId::bigint is null or k.subject_id = @SubjectId) and (@PropertyId::bigint is null or k.property_id = @PropertyId))
                order by f.id
                """, new { opened, filter.SubjectId, filter.PropertyId }, cancellationToken: ct))];
        }
        foreach (var id in ids) await writer.EventAsync("conflict", null, new { id, href = $"/conflicts/{id}" }, ct);
    }

    /// <summary>Writes events and flushes each at once, noting when the stream last said anything.</summary>
    private sealed class EventWriter(HttpResponse response, JsonSerializerOptions json)
    {
        private long _last = Environment.TickCount64;

        public TimeSpan SinceLastWrite => TimeSpan.FromMilliseconds(Environment.TickCount64 - _last);

        public async Task WriteAsync(string text, CancellationToken ct)
        {
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), ct);
            await response.Body.FlushAsync(ct);
            _last = Environment.TickCount64;
        }

        public Task EventAsync(string type, string? id, object data, CancellationToken ct) =>
            // JSON on one line holds no line break, so one data line carries it.
            WriteAsync((id is null ? "" : $"id: {id}\n") + $"event: {type}\ndata: {JsonSerializer.Serialize(data, json)}\n\n", ct);
    }
}

/// <summary>
/// What every open stream waits on: once per poll interval, while any stream is open, one look at the feed's newest
/// visible change and at the set of open conflicts, published as a tick to all streams at once (two index look-ups a
/// second, however many streams are open; none while none is). Ticks form a chain, so a stream busy writing misses none.
/// Polling, not LISTEN/NOTIFY: a change may only be shown once every older transaction has ended, which no
/// notification says, so a reader has to look again anyway.
/// </summary>
public sealed class ChangeStreams(Database database, IOptions<StreamOptions> options, ILogger<ChangeStreams> logger) : BackgroundService
{
    /// <summary>At most this many conflict ids are announced in one tick; a larger batch (an import) is cut.</summary>
    public const int MaxOpenedPerTick = 100;

    public sealed class Tick(ChangeFeed.Position? head, long[] opened)
    {
        private readonly TaskCompletionSource<Tick> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ChangeFeed.Position? Head { get; } = head;

        /// <summary>Conflicts open now that were not open at the tick before.</summary>
        public long[] Opened { get; } = opened;

        public Task<Tick> Next => _next.Task;

        internal void Publish(Tick next) => _next.TrySetResult(next);
    }

    private readonly SemaphoreSlim _look = new(1, 1);
    private int _streams;
    private Tick? _last;
    private HashSet<long>? _open;

    public int Open => Volatile.Read(ref _streams);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _streams) <= options.Value.MaxConcurrent) return true;
        Interlocked.Decrement(ref _streams);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _streams);

    /// <summary>The latest tick; after a time with no stream open, a fresh look is taken first, so nothing before it is announced.</summary>
    public async Task<Tick> ReadyAsync(CancellationToken ct)
    {
        await _look.WaitAsync(ct);
        try
        {
            if (_last is null || _open is null) await LookAsync(announce: false, ct);
            return _last!;
        }
        finally
        {
            _look.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds));
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await _look.WaitAsync(stoppingToken);
                try
                {
                    if (Open == 0)
                    {
                        // Nobody listens: look at nothing, and forget what was open.
                        _open = null;
                        continue;
                    }
                    await LookAsync(announce: true, stoppingToken);
                    if (failing) logger.LogInformation("The change streams' look at the feed works again.");
                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Whatever the failure, the ticker lives on: were it to end, every open stream would wait forever
                    // (and a background service that throws stops the host). Said once per outage, where it is seen.
                    if (!failing) logger.LogWarning(e, "The change streams' look at the feed failed; open streams wait, and it is tried again every tick.");
                    failing = true;
                }
                finally
                {
                    _look.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task LookAsync(bool announce, CancellationToken ct)
    {
        // The data source is the database's once it is open, which the first stream comes after.
        await using var connection = await database.DataSource.OpenConnectionAsync(ct);
        var head = await ChangeFeed.HeadAsync(connection, ct);
        var open = (await connection.QueryAsync<long>(new CommandDefinition(
            "select id from conflicts where status = 'open'", cancellationToken: ct))).ToHashSet();
        var opened = announce && _open is { } before ? open.Where(id => !before.Contains(id)).Order().Take(MaxOpenedPerTick).ToArray() : [];
        _open = open;
        var tick = new Tick(head, opened);
        var previous = _last;
        _last = tick;
        previous?.Publish(tick);
    }
}
