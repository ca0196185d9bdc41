using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;

namespace ClaimTracker.Tests.Platform;

/// <summary>Searches and figure look-ups are planned for their own values, and only inside their own transaction.</summary>
public sealed class PerValuePlansTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Statements_inside_are_planned_per_value_and_the_pooled_connection_is_left_as_it_was()
    {
        await using var connection = await api.Db.OpenConnectionAsync();

        string inside;
        await using (var tx = await PerValuePlans.BeginAsync(connection, CancellationToken.None))
        {
            inside = await connection.ExecuteScalarAsync<string>("show plan_cache_mode", transaction: tx) ?? "";
            Assert.Equal("repeatable read", await connection.ExecuteScalarAsync<string>("show transaction_isolation", transaction: tx));
        }
        var after = await connection.ExecuteScalarAsync<string>("show plan_cache_mode");

        Assert.Equal("force_custom_plan", inside);
        Assert.Equal("auto", after);
    }
}
