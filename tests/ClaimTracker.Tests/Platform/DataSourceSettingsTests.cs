using ClaimTracker.Api.Infrastructure;
using Npgsql;

namespace ClaimTracker.Tests.Platform;

/// <summary>What the app adds to the operator's connection string, and that it never overrides what they wrote.</summary>
public sealed class DataSourceSettingsTests
{
    private static NpgsqlConnectionStringBuilder Built(string connectionString, int? timeoutSeconds = null)
    {
        using var dataSource = Database.Build(connectionString, timeoutSeconds ?? new ClaimTrackerOptions().StatementTimeoutSeconds);
        return new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
    }

    [Fact]
    public void Unset_statements_are_prepared_after_their_second_use_with_a_statement_timeout()
    {
        var built = Built("Host=db.example;Username=reader", timeoutSeconds: 7);

        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.Equal("-c statement_timeout=7000", built.Options);
        Assert.Equal("ClaimTracker", built.ApplicationName);
    }

    [Theory]
    [InlineData("Host=db.example;Max Auto Prepare=0")]
    [InlineData("Host=db.example;maxautoprepare=0")]
    public void An_explicit_max_auto_prepare_of_zero_turns_preparing_off(string connectionString)
    {
        Assert.Equal(0, Built(connectionString).MaxAutoPrepare);
    }

    [Fact]
    public void Explicit_settings_are_kept()
    {
        var built = Built("Host=db.example;Max Auto Prepare=8;Auto Prepare Min Usages=5;Options=-c search_path=x;Application Name=etl");

        Assert.Equal(8, built.MaxAutoPrepare);
        Assert.Equal(5, built.AutoPrepareMinUsages);
        Assert.Equal("-c search_path=x", built.Options);
        Assert.Equal("etl", built.ApplicationName);
    }
}
