using System.Net;
using ClaimTracker.Tests.Infrastructure;

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
