using System.Net;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaimTracker.Tests.Platform;

public sealed class ErrorShapeTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_unknown_route_returns_404_problem()
    {
        await (await api.CreateClient().GetAsync("/no-such-thing")).ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_undocumented_method_returns_405_problem_with_an_Allow_header()
    {
        var response = await api.CreateClient().DeleteAsync("/sources");

        await response.ReadProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Contains("GET", response.Content.Headers.Allow.Concat(response.Headers.Select(h => string.Join(",", h.Value))).ToList() is var allow
            ? string.Join(",", allow) : "");
    }

    [Fact]
    public async Task Every_problem_carries_a_request_id()
    {
        var problem = await (await api.CreateClient().GetAsync("/sources/0")).ReadProblemAsync(HttpStatusCode.NotFound);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("requestId").GetString()));
    }
}

/// <summary>One id per request: the X-Request-Id header, the problem's requestId and the RequestId of its log lines.</summary>
public sealed class RequestIdTests(RequestIdTests.Factory api) : IClassFixture<RequestIdTests.Factory>
{
    public sealed class Factory(PostgresServer server) : ApiFactory(server)
    {
        public LogCapture Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // The host's "Request starting" line, written inside the request's log scope.
            builder.UseSetting("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", "Information");
            builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Logs));
        }
    }

    [Fact]
    public async Task The_header_the_problem_and_the_log_carry_the_same_request_id()
    {
        var path = $"/no-such-thing-{Samples.Unique()}";

        var response = await api.CreateClient().GetAsync(path);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        var header = response.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal(header, problem.GetProperty("requestId").GetString());
        Assert.False(problem.TryGetProperty("traceId", out _), "A second id (traceId) is in the problem.");
        var logged = api.Logs.Entries.Where(e => Equals(e.Values.GetValueOrDefault("RequestPath"), path)).ToList();
        Assert.NotEmpty(logged);
        Assert.All(logged, e => Assert.Equal(header, e.Values.GetValueOrDefault("RequestId")));
    }
}
