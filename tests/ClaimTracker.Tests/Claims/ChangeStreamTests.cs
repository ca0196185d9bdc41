using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using ClaimTracker.Api.Changes;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ClaimTracker.Tests.Claims;

/// <summary>One server-sent event, or a comment line (a heartbeat).</summary>
public sealed record ServerEvent(string? Id, string? Type, string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement.Clone();
}

/// <summary>
/// A text/event-stream read as EventSource reads it: fields until a blank line make an event. Each stream has a
/// connection of its own, read by one loop from the start, and closing it closes that connection at once: a pooled
/// client would first try to read the never-ending answer to its end (for up to 2 s) before dropping it, and the server
/// would hold the stream's place meanwhile.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _client;
    private readonly HttpResponseMessage _response;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reading;

    private EventStream(HttpClient client, HttpResponseMessage response, Stream body)
    {
        _client = client;
        _response = response;
        // One reader from start to end: a line is never cut by a read that timed out.
        _reading = Task.Run(async () =>
        {
            try
            {
                using var reader = new StreamReader(body);
                while (await reader.ReadLineAsync(_stop.Token) is { } line) await _lines.Writer.WriteAsync(line, _stop.Token);
                _lines.Writer.TryComplete();
            }
            catch (Exception e)
            {
                _lines.Writer.TryComplete(_stop.IsCancellationRequested ? null : e);
            }
        });
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Opens a stream and checks that it is one (200, text/event-stream): a refusal fails here, with its body.</summary>
    public static async Task<EventStream> OpenAsync(Uri server, string url, string? lastEventId = null)
    {
        var (stream, status, body) = await TryOpenAsync(server, url, lastEventId);
        Assert.True(stream is not null, $"GET {url} answered {(int)status}, not a stream: {body}");
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        return stream;
    }

    public static async Task<(EventStream? Stream, HttpStatusCode Status, string Body)> TryOpenAsync(Uri server, string url, string? lastEventId = null)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, ResponseDrainTimeout = TimeSpan.Zero, PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = server,
        };
        try
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            // Headers only: the answer of a stream never ends.
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync();
                response.Dispose();
                client.Dispose();
                return (null, response.StatusCode, body);
            }
            return (new EventStream(client, response, await response.Content.ReadAsStreamAsync()), response.StatusCode, "");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>The next event (comments too when asked), or null when none comes within the time or the stream ended.</summary>
    public async Task<ServerEvent?> NextAsync(TimeSpan within, bool comments = false)
    {
        using var timeout = new CancellationTokenSource(within);
        string? id = null, type = null, data = null;
        try
        {
            while (await _lines.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (line.Length == 0)
                    {
                        if (type is not null || data is not null) return new ServerEvent(id, type, data, null);
                        continue;
                    }
                    if (line.StartsWith(':'))
                    {
                        if (comments) return new ServerEvent(null, null, null, line[1..].Trim());
                        continue;
                    }
                    var colon = line.IndexOf(':');
                    var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
                    switch (field)
                    {
                        case "id": id = value; break;
                        case "event": type = value; break;
                        case "data": data = data is null ? value : data + "\n" + value; break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }
        return null;
    }

    /// <summary>The next change event, skipping others, or null when none comes within the time.</summary>
    public async Task<ServerEvent?> NextChangeAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await NextAsync(deadline - DateTime.UtcNow) is { Type: "change" } change) return change;
        }
        return null;
    }

    /// <summary>Change events until <paramref name="count"/> have come (other events skipped), failing after the time.</summary>
    public async Task<List<ServerEvent>> ChangesAsync(int count, TimeSpan within)
    {
        var changes = new List<ServerEvent>();
        var deadline = DateTime.UtcNow + within;
        while (changes.Count < count && DateTime.UtcNow < deadline)
        {
            if (await NextChangeAsync(deadline - DateTime.UtcNow) is { } change) changes.Add(change);
        }
        Assert.True(changes.Count == count, $"{changes.Count} of {count} change events came within {within.TotalSeconds} s.");
        return changes;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        // Closes the connection itself, which the server sees as the end of the stream.
        _client.Dispose();
        try { await _reading; } catch (OperationCanceledException) { }
        _stop.Dispose();
    }
}

public static class ChangeStreamServer
{
    /// <summary>Waits until the server holds no stream open (each closes once the server sees its connection end).</summary>
    public static async Task AllStreamsClosedAsync(this ApiFactory api)
    {
        var streams = api.Services.GetRequiredService<ChangeStreams>();
        for (var wait = 0; wait < 100 && streams.Open > 0; wait++) await Task.Delay(100);
        Assert.True(streams.Open == 0, $"{streams.Open} streams still open 10 s after their clients closed them.");
    }
}

/// <summary>
/// The change feed pushed as server-sent events: in order, resumable, filtered and kept alive. A change shows only once
/// every older transaction in the whole PostgreSQL server has ended, so this class has a server of its own: another
/// class's long transaction (on the run's shared server) would otherwise hold its changes back.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ChangeStreamTests(ChangeStreamTests.Factory api) : IClassFixture<ChangeStreamTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        private readonly PostgresServer _own;

        public Factory() : this(new PostgresServer()) { }

        private Factory(PostgresServer own) : base(own) => _own = own;

        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:Streams:HeartbeatSeconds", "1"),
            ("ClaimTracker:Streams:PollMilliseconds", "100"),
        ];

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await _own.DisposeAsync();
        }
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Uri Server => api.CreateDefaultClient().BaseAddress!;

    private static async Task ReviseAsync(World world, long id, int version, string reason)
    {
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/claims/{id}") { Content = Http.Json($$"""{"reason":"{{reason}}","note":"{{reason}}"}""") };
        patch.Headers.TryAddWithoutValidation("If-Match", $"\"v{version}\"");
        await (await world.Curator.SendAsync(patch)).ReadJsonAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_stream_pushes_every_change_in_order_and_resumes_right_after_the_last_event_id()
    {
        var world = await World.CreateAsync(api);
        long first;
        List<ServerEvent> seen;
        await using (var stream = await EventStream.OpenAsync(Server, $"/changes/stream?subject={world.SubjectId}"))
        {
            Assert.Equal("no-store", stream.Response.Headers.CacheControl?.ToString());
            // Not a conditional read: an ETag would let a cache answer a stream with an old one.
            Assert.Null(stream.Response.Headers.ETag);
            first = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
            await ReviseAsync(world, first, 1, "checked");
            await ReviseAsync(world, first, 2, "checked again");
            seen = await stream.ChangesAsync(3, Patience);
        }
        Assert.Equal([("created", 1), ("revised", 2), ("revised", 3)],
            seen.Select(e => (e.Json.GetProperty("action").GetString(), e.Json.GetProperty("revision").GetInt32())));
        Assert.All(seen, e => Assert.Equal(first, e.Json.GetProperty("claimId").GetInt64()));
        Assert.Equal(3, seen.Select(e => e.Id).Distinct().Count());

        // Gone for a while: two changes happen meanwhile, then the client comes back with the id of the second event.
        var second = (await world.CreateClaimAsync(("evidence", world.Evidence("2,500 exactly")))).GetProperty("id").GetInt64();
        await ReviseAsync(world, second, 1, "checked");
        await using (var resumed = await EventStream.OpenAsync(Server, $"/changes/stream?subject={world.SubjectId}", lastEventId: seen[1].Id))
        {
            var after = await resumed.ChangesAsync(3, Patience);
            Assert.Equal([(first, 3), (second, 1), (second, 2)],
                after.Select(e => (e.Json.GetProperty("claimId").GetInt64(), e.Json.GetProperty("revision").GetInt32())));
            Assert.Equal(seen[2].Id, after[0].Id);
            // Nothing repeated, nothing more.
            Assert.Null(await resumed.NextChangeAsync(TimeSpan.FromSeconds(1.5)));
        }

        // since= is the same resumption, for clients that cannot set the header; without either the stream starts now.
        await using (var since = await EventStream.OpenAsync(Server, $"/changes/stream?subject={world.SubjectId}&since={seen[2].Id}"))
        {
            Assert.Equal(second, (await since.ChangesAsync(1, Patience))[0].Json.GetProperty("claimId").GetInt64());
        }
        await using (var now = await EventStream.OpenAsync(Server, $"/changes/stream?subject={world.SubjectId}"))
        {
            Assert.Null(await now.NextChangeAsync(TimeSpan.FromSeconds(1.5)));
        }
    }

    [Fact]
    public async Task A_watch_on_a_subject_and_property_sends_only_their_changes_and_conflicts_as_they_open()
    {
        var world = await World.CreateAsync(api);
        var elsewhere = await World.CreateAsync(api);
        await using var stream = await EventStream.OpenAsync(Server, $"/changes/stream?subject={Uri.EscapeDataString(world.Subject)}&property=troop_count");

        await elsewhere.CreateClaimAsync();
        await world.CreateClaimAsync(("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }), ("evidence", world.Evidence("Seven US troops were wounded")));
        var a = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        var b = await world.CreateClaimAsync(("value", new { kind = "quantity", amount = 3000, statedAs = "3,000 US troops" }),
            ("assertedBy", world.Asserter), ("evidence", world.Evidence("3,000 US troops remained")));
        var conflictId = b.GetProperty("conflicts")[0].GetProperty("id").GetInt64();

        var changes = new List<long>();
        long? conflict = null;
        var deadline = DateTime.UtcNow + Patience;
        while ((changes.Count < 2 || conflict is null) && DateTime.UtcNow < deadline)
        {
            switch (await stream.NextAsync(deadline - DateTime.UtcNow))
            {
                case { Type: "change" } e: changes.Add(e.Json.GetProperty("claimId").GetInt64()); break;
                case { Type: "conflict" } e:
                    conflict = e.Json.GetProperty("id").GetInt64();
                    Assert.Equal($"/conflicts/{conflict}", e.Json.GetProperty("href").GetString());
                    break;
            }
        }
        Assert.Equal([a, b.GetProperty("id").GetInt64()], changes);
        Assert.Equal(conflictId, conflict);
    }

    [Fact]
    public async Task A_quiet_stream_sends_heartbeats()
    {
        await using var stream = await EventStream.OpenAsync(Server, "/changes/stream?property=deadline");
        var heartbeats = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (heartbeats < 2 && DateTime.UtcNow < deadline)
        {
            if (await stream.NextAsync(TimeSpan.FromSeconds(3), comments: true) is { Comment: "heartbeat" }) heartbeats++;
        }
        Assert.Equal(2, heartbeats);
    }

    [Theory]
    [InlineData("/changes/stream?subject=nobody-at-all-here", null, "subject")]
    [InlineData("/changes/stream?property=troop_colour", null, "property")]
    [InlineData("/changes/stream?since=not-a-cursor", null, "since")]
    [InlineData("/changes/stream", "not-a-cursor", "Last-Event-ID")]
    [InlineData("/changes?subject=nobody-at-all-here", null, "subject")]
    public async Task A_stream_or_feed_asked_for_what_does_not_exist_is_a_400_naming_it(string url, string? lastEventId, string field)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        await (await api.CreateClient().SendAsync(request)).ReadProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task The_polled_feed_takes_the_same_watches()
    {
        var world = await World.CreateAsync(api);
        var id = (await world.CreateClaimAsync()).GetProperty("id").GetInt64();
        await world.CreateClaimAsync(("property", "wounded"), ("value", new { kind = "quantity", amount = 7 }), ("evidence", world.Evidence("Seven US troops were wounded")));
        var found = new List<long>();
        for (var poll = 0; poll < 300 && found.Count == 0; poll++)
        {
            var page = await api.CreateClient().GetJsonAsync($"/changes?subject={world.SubjectId}&property=troop_count&limit=200");
            found.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("claimId").GetInt64()));
            if (found.Count == 0) await Task.Delay(100);
        }
        Assert.Equal([id], found);
    }
}

/// <summary>The bound on open streams: past it a 503 with Retry-After, and a stream whose client leaves frees its place.</summary>
public sealed class ChangeStreamLimitTests(ChangeStreamLimitTests.Factory api) : IClassFixture<ChangeStreamLimitTests.Factory>
{
    public const int MaxStreams = 2;

    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:Streams:MaxConcurrent", MaxStreams.ToString()),
            ("ClaimTracker:Streams:HeartbeatSeconds", "1"),
            ("ClaimTracker:Streams:PollMilliseconds", "100"),
        ];
    }

    private Uri Server => api.CreateDefaultClient().BaseAddress!;

    [Fact]
    public async Task Streams_past_the_limit_are_refused_with_503_and_a_closed_one_frees_its_place()
    {
        await api.AllStreamsClosedAsync();
        var open = new List<EventStream>();
        try
        {
            for (var i = 0; i < MaxStreams; i++) open.Add(await EventStream.OpenAsync(Server, "/changes/stream"));
            var refused = await api.CreateClient().GetAsync("/changes/stream");
            var problem = await refused.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("at most 2", problem.GetProperty("detail").GetString());
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);

            // The server sees the connection end and lets the place go.
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            var streams = api.Services.GetRequiredService<ChangeStreams>();
            for (var wait = 0; wait < 100 && streams.Open >= MaxStreams; wait++) await Task.Delay(100);
            Assert.Equal(MaxStreams - 1, streams.Open);
            open.Add(await EventStream.OpenAsync(Server, "/changes/stream"));
        }
        finally
        {
            foreach (var stream in open) await stream.DisposeAsync();
        }
        await api.AllStreamsClosedAsync();
    }

    [Fact]
    public async Task A_stream_holds_one_place_while_open_and_frees_it_when_the_client_leaves()
    {
        await api.AllStreamsClosedAsync();
        var (stream, status, body) = await EventStream.TryOpenAsync(Server, "/changes/stream?property=deadline");
        Assert.True(stream is not null, $"answered {(int)status}: {body}");
        await using (stream)
        {
            Assert.Equal(1, api.Services.GetRequiredService<ChangeStreams>().Open);
            Assert.Equal("heartbeat", (await stream.NextAsync(TimeSpan.FromSeconds(5), comments: true))?.Comment);
        }
        await api.AllStreamsClosedAsync();
    }
}
