using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Claims;

/// <summary>One server-sent event, or a comment line (a heartbeat).</summary>
public sealed record ServerEvent(string? Id, string? Type, string? Data, string? Comment)
{
    public JsonElement Json => JsonDocument.Parse(Data!).RootElement.Clone();
}

/// <summary>A text/event-stream read as EventSource reads it: fields until a blank line make an event.</summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    public static async Task<EventStream> OpenAsync(HttpClient client, string url, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next event (comments too when asked), or null when none comes within the time.</summary>
    public async Task<ServerEvent?> NextAsync(TimeSpan within, bool comments = false)
    {
        using var timeout = new CancellationTokenSource(within);
        string? id = null, type = null, data = null;
        try
        {
            while (await _reader.ReadLineAsync(timeout.Token) is { } line)
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
        catch (OperationCanceledException)
        {
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
            if (await NextAsync(deadline - DateTime.UtcNow) is { Type: "change" } change) changes.Add(change);
        }
        Assert.True(changes.Count == count, $"{changes.Count} of {count} change events came within {within.TotalSeconds} s.");
        return changes;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>The change feed pushed as server-sent events: in order, resumable, filtered, kept alive and bounded.</summary>
public sealed class ChangeStreamTests(ChangeStreamTests.Factory api) : IClassFixture<ChangeStreamTests.Factory>
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

    // A change shows once every older transaction in the server has ended (another class's import, say): be patient.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Streams never end: read them with a client that does not wait for the end of the answer to check it.
    private HttpClient Raw() => api.CreateDefaultClient();

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
        await using (var stream = await EventStream.OpenAsync(Raw(), $"/changes/stream?subject={world.SubjectId}"))
        {
            Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
            Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
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
        await using (var resumed = await EventStream.OpenAsync(Raw(), $"/changes/stream?subject={world.SubjectId}", lastEventId: seen[1].Id))
        {
            var after = await resumed.ChangesAsync(3, Patience);
            Assert.Equal([(first, 3), (second, 1), (second, 2)],
                after.Select(e => (e.Json.GetProperty("claimId").GetInt64(), e.Json.GetProperty("revision").GetInt32())));
            Assert.Equal(seen[2].Id, after[0].Id);
            // Nothing repeated, nothing more.
            Assert.Null(await NextChangeAsync(resumed, TimeSpan.FromSeconds(1.5)));
        }

        // since= is the same resumption, for clients that cannot set the header; without either the stream starts now.
        await using (var since = await EventStream.OpenAsync(Raw(), $"/changes/stream?subject={world.SubjectId}&since={seen[2].Id}"))
        {
            Assert.Equal(second, (await since.ChangesAsync(1, Patience))[0].Json.GetProperty("claimId").GetInt64());
        }
        await using (var now = await EventStream.OpenAsync(Raw(), $"/changes/stream?subject={world.SubjectId}"))
        {
            Assert.Null(await NextChangeAsync(now, TimeSpan.FromSeconds(1.5)));
        }
    }

    private static async Task<ServerEvent?> NextChangeAsync(EventStream stream, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (await stream.NextAsync(deadline - DateTime.UtcNow) is { Type: "change" } change) return change;
        }
        return null;
    }

    [Fact]
    public async Task A_watch_on_a_subject_and_property_sends_only_their_changes_and_conflicts_as_they_open()
    {
        var world = await World.CreateAsync(api);
        var elsewhere = await World.CreateAsync(api);
        await using var stream = await EventStream.OpenAsync(Raw(), $"/changes/stream?subject={Uri.EscapeDataString(world.Subject)}&property=troop_count");

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
        await using var stream = await EventStream.OpenAsync(Raw(), "/changes/stream?property=deadline");
        var heartbeats = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (heartbeats < 2 && DateTime.UtcNow < deadline)
        {
            if (await stream.NextAsync(TimeSpan.FromSeconds(3), comments: true) is { Comment: "heartbeat" }) heartbeats++;
        }
        Assert.Equal(2, heartbeats);
    }

    [Fact]
    public async Task Streams_past_the_limit_are_refused_with_503_and_a_closed_one_frees_its_place()
    {
        var open = new List<EventStream>();
        try
        {
            for (var i = 0; i < MaxStreams; i++)
            {
                open.Add(await EventStream.OpenAsync(Raw(), "/changes/stream"));
                Assert.Equal(HttpStatusCode.OK, open[^1].Response.StatusCode);
            }
            var refused = await api.CreateClient().GetAsync("/changes/stream");
            var problem = await refused.ReadProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("at most 2", problem.GetProperty("detail").GetString());
            Assert.NotNull(refused.Headers.RetryAfter);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            // The server sees the closed connection at once or at its next heartbeat.
            HttpStatusCode status = 0;
            for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
            {
                var again = await EventStream.OpenAsync(Raw(), "/changes/stream");
                status = again.Response.StatusCode;
                if (status == HttpStatusCode.OK) open.Add(again);
                else
                {
                    await again.DisposeAsync();
                    await Task.Delay(100);
                }
            }
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            foreach (var stream in open) await stream.DisposeAsync();
        }
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
