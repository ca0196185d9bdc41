using System.Text;
using ClaimTracker.Tests.Faults;
using ClaimTracker.Tests.Infrastructure;

namespace ClaimTracker.Tests.Platform;

/// <summary>
/// Requests Kestrel refuses before the app runs, sent over a bare socket as a hostile client sends them: each gets a
/// problem+json with the security headers and a request id that the log carries too. And idle connections close.
/// </summary>
public sealed class ServerRejectionTests(ServerRejectionTests.Factory api) : IClassFixture<ServerRejectionTests.Factory>
{
    private const int HeadersTimeoutSeconds = 2;
    private const int KeepAliveSeconds = 2;

    public sealed class Factory(PostgresServer server) : LoggedApiFactory(server)
    {
        protected override IEnumerable<(string Key, string Value)> Settings =>
        [
            ("ClaimTracker:RequestHeadersTimeoutSeconds", HeadersTimeoutSeconds.ToString()),
            ("ClaimTracker:KeepAliveTimeoutSeconds", KeepAliveSeconds.ToString()),
        ];
    }

    public static TheoryData<string, int> Refusals => new()
    {
        { "a NUL in the path", 400 },
        { "a byte above 0x7F in a header", 400 },
        { "a request line over 8 KiB", 414 },
        { "headers over 32 KiB", 431 },
        { "headers sent too slowly", 408 },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_request_the_server_refuses_before_the_app_is_a_problem_with_the_security_headers_and_one_request_id(string what, int status)
    {
        using var connection = await RawHttp.ConnectAsync(api.CreateDefaultClient().BaseAddress!);
        switch (what)
        {
            case "a NUL in the path":
                await connection.SendAsync("GET /claims/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n");
                break;
            case "a byte above 0x7F in a header":
                await connection.SendAsync([.. "GET /claims HTTP/1.1\r\nHost: localhost\r\nX-Name: caf"u8, 0xE9, .. "\r\n\r\n"u8]);
                break;
            case "a request line over 8 KiB":
                await connection.SendAsync($"GET /claims?q={new string('a', 9_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n");
                break;
            case "headers over 32 KiB":
                await connection.SendAsync($"GET /claims HTTP/1.1\r\nHost: localhost\r\nX-Big: {new string('b', 33_000)}\r\n\r\n");
                break;
            case "headers sent too slowly":
                await connection.SendAsync("GET /claims HTTP/1.1\r\nHost: localhost\r\nX-Half: ");
                break;
        }

        var answer = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(HeadersTimeoutSeconds + 20));

        Assert.True(answer.Status == status, $"{what}: expected {status}, got {answer.Status}: {answer.Body}");
        Assert.Equal("application/problem+json", answer.Header("Content-Type"));
        var problem = answer.Json();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        var requestId = answer.Header("X-Request-Id");
        Assert.NotEqual("", requestId);
        Assert.Equal(requestId, problem.GetProperty("requestId").GetString());
        Assert.Equal(Encoding.UTF8.GetByteCount(answer.Body).ToString(), answer.Header("Content-Length"));
        Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
        Assert.Equal("DENY", answer.Header("X-Frame-Options"));
        Assert.StartsWith("default-src 'self'", answer.Header("Content-Security-Policy"));
        Assert.True(answer.Closed, "The connection stayed open after a refusal.");
        Assert.Contains(api.Logs.Entries, e => Equals(e.Values.GetValueOrDefault("RequestId"), requestId) && e.Message.Contains(status.ToString()));
    }

    [Fact]
    public async Task The_next_request_on_another_connection_is_answered_by_the_app_as_usual()
    {
        using (var refused = await RawHttp.ConnectAsync(api.CreateDefaultClient().BaseAddress!))
        {
            await refused.SendAsync("GET /claims/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            Assert.Equal(400, (await refused.ReadUntilClosedAsync(TimeSpan.FromSeconds(10))).Status);
        }
        using var connection = await RawHttp.ConnectAsync(api.CreateDefaultClient().BaseAddress!);

        await connection.SendAsync("GET /claims?limit=1 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        var answer = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(200, answer.Status);
        Assert.StartsWith("application/json", answer.Header("Content-Type"));
        Assert.Equal(1, answer.Json().GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_the_keep_alive_timeout()
    {
        using var connection = await RawHttp.ConnectAsync(api.CreateDefaultClient().BaseAddress!);

        var answer = await connection.ReadUntilClosedAsync(TimeSpan.FromSeconds(KeepAliveSeconds + 20));

        Figures.Say($"idle connection: closed by the server after {answer.Elapsed.TotalSeconds:F1} s (keep-alive timeout {KeepAliveSeconds} s)");
        Assert.True(answer.Closed, $"An idle connection was still open after {answer.Elapsed.TotalSeconds:F0} s.");
        Assert.Equal("", answer.Body);
        // Kestrel checks its timeouts once a second; a loaded machine adds its own delay.
        Assert.InRange(answer.Elapsed.TotalSeconds, KeepAliveSeconds - 0.5, KeepAliveSeconds + 5);
    }
}
