using System.Net;
using ClaimTracker.Tests.Infrastructure;
using Npgsql;

namespace ClaimTracker.Tests.Imports;

/// <summary>
/// An import analyzes the claims table before it looks for conflicts only when its rows make the statistics stale, as
/// autovacuum judges it. A class of its own: its database has no other test's writes, whose counts could reach the
/// statistics collector late.
/// </summary>
public sealed class ImportStatisticsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_import_analyzes_claims_only_when_it_changes_more_of_them_than_autovacuum_would_leave_unanalyzed()
    {
        var curator = await api.CuratorClientAsync();
        curator.Timeout = TimeSpan.FromMinutes(5);
        await ScalarAsync("analyze claims");
        var rows = await ScalarAsync("select reltuples::bigint from pg_class where oid = 'claims'::regclass");
        var threshold = await ScalarAsync($"""
            select ceil(current_setting('autovacuum_analyze_threshold')::float8 + current_setting('autovacuum_analyze_scale_factor')::float8 * {rows})::bigint
            """);
        var analyzed = await AnalyzeCountAsync();

        var few = await (await curator.PostAsync("/import", Lines(2))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(2, few.GetProperty("imported").GetProperty("claims").GetInt64());
        Assert.Equal(analyzed, await AnalyzeCountAsync());

        var many = (int)threshold + 10;
        var report = await (await curator.PostAsync("/import", Lines(many))).ReadJsonAsync(HttpStatusCode.OK);
        Assert.Equal(many, report.GetProperty("imported").GetProperty("claims").GetInt64());
        Assert.Equal(analyzed + 1, await AnalyzeCountAsync());
        // ANALYZE counted every row of a table this small, the ones of both imports with them.
        Assert.Equal(rows + 2 + many, await ScalarAsync("select reltuples::bigint from pg_class where oid = 'claims'::regclass"));
    }

    // Manual ANALYZE runs only (autovacuum's are counted apart), reported as the command ends.
    private Task<long> AnalyzeCountAsync() => ScalarAsync("select analyze_count from pg_stat_user_tables where relid = 'claims'::regclass");

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await api.Db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is long value ? value : 0;
    }

    private static StringContent Lines(int claims)
    {
        var u = Samples.Unique();
        var subject = $"Analyzed subject {u}";
        var lines = new List<object>
        {
            new { type = "subject", name = subject },
            new { type = "source", @ref = "s", title = $"Statistics {u}", language = "en",
                  body = $"Statistics {u}: " + string.Join(" ", Enumerable.Range(0, claims).Select(i => $"figure {i} is {i * 7}.")) },
        };
        // One figure per year, so the claims agree and open no conflict.
        for (var i = 0; i < claims; i++)
        {
            lines.Add(new { type = "claim", subject, property = "attack_count", validAt = $"{1800 + i}", value = new { kind = "quantity", amount = i * 7 },
                evidence = new[] { new { source = "s", exact = $"figure {i} is {i * 7}." } } });
        }
        return Ndjson.Of(lines);
    }
}
