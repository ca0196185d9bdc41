using System.Net.Http.Headers;
using ClaimTracker.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClaimTracker.Tests.Platform;

/// <summary>The judge itself: it must refuse what the contract does not allow, or every API test proves less.</summary>
public sealed class ContractCheckTests
{
    private static readonly Lazy<Task<Contract>> Served = new(async () =>
    {
        await using var app = new DocumentOnly();
        return new Contract(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
    });

    private sealed class DocumentOnly : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("ClaimTracker:SkipDatabase", "true");
    }

    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue Problem = new("application/problem+json");

    [Fact]
    public async Task An_undeclared_status_is_a_breach()
    {
        var contract = await Served.Value;

        Assert.Contains("does not declare", contract.Check(HttpMethod.Get, "/claims/5", 418, Problem, """{"status":418}"""));
    }

    [Fact]
    public async Task A_body_missing_a_required_field_or_of_the_wrong_type_is_a_breach()
    {
        var contract = await Served.Value;

        Assert.NotNull(contract.Check(HttpMethod.Get, "/subjects/5", 200, Json, """{"id":5}"""));
        Assert.NotNull(contract.Check(HttpMethod.Get, "/properties", 200, Json, """[{"id":"five"}]"""));
        Assert.NotNull(contract.Check(HttpMethod.Get, "/claims/5", 404, Json, """{"status":404}"""));
    }

    [Fact]
    public async Task A_declared_answer_passes_and_paths_outside_the_contract_are_not_judged()
    {
        var contract = await Served.Value;

        Assert.Null(contract.Check(HttpMethod.Get, "/claims/5", 404, Problem, """{"status":404,"title":"Claim not found.","requestId":"x"}"""));
        Assert.Null(contract.Check(HttpMethod.Get, "/properties", 200, Json, "[]"));
        Assert.Null(contract.Check(HttpMethod.Get, "/index.html", 200, new MediaTypeHeaderValue("text/html"), "<html></html>"));
    }
}
