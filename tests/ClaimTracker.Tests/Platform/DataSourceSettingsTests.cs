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

    [Theory]
    [InlineData("ClaimTracker.Tests")]
    [InlineData("ClaimTracker.Api")]
    public void Every_host_starts_with_dates_of_year_one_kept_as_dates_not_minus_infinity(string host)
    {
        // Npgsql reads the switch once, at its first use: set at run time it comes too late for a process (such as this
        // test run) that used Npgsql before any app started, and a published date of "0001" was then stored as -infinity.
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, $"{host}.runtimeconfig.json")))!;
        Assert.True(config["runtimeOptions"]?["configProperties"]?["Npgsql.DisableDateTimeInfinityConversions"]?.GetValue<bool>(),
            $"{host}.runtimeconfig.json does not turn Npgsql's infinity conversions off");
        if (host == "ClaimTracker.Tests") Assert.Equal("true", AppContext.GetData("Npgsql.DisableDateTimeInfinityConversions")?.ToString()?.ToLowerInvariant());
    }

    [Fact]
    public void Unset_statements_are_prepared_after_their_second_use_with_a_statement_timeout()
    {
        var built = Built("Host=db.example;Username=reader", timeoutSeconds: 7);

        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal(2, built.AutoPrepareMinUsages);
        Assert.Equal("-c statement_timeout=7000", built.Options);
        Assert.Equal("ClaimTracker", built.ApplicationName);
        Assert.True(built.NoResetOnClose);
    }

    [Fact]
    public void An_explicit_reset_on_close_is_kept()
    {
        Assert.False(Built("Host=db.example;No Reset On Close=false").NoResetOnClose);
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
