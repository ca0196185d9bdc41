using System.Text.RegularExpressions;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Tests.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ClaimTracker.Tests.Platform;

public sealed class MigrationTests(PostgresServer server)
{
    [Fact]
    public void Every_migration_file_is_numbered_in_sequence_and_embedded()
    {
        var files = Directory.GetFiles(Path.Combine(Repository.Root, "db", "migrations")).Select(Path.GetFileName).Order().ToList();

        Assert.All(files, f => Assert.Matches(new Regex(@"^\d{4}_[a-z0-9_]+\.sql$"), f));
        Assert.Equal(files, Migrator.Embedded().Select(m => m.FileName));
    }

    [Fact]
    public async Task All_migrations_apply_to_an_empty_database_each_recorded_with_its_checksum()
    {
        await using var db = NpgsqlDataSource.Create(await server.CreateEmptyDatabaseAsync());

        var applied = await Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance);
        var again = await Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance);

        await using var connection = await db.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(int Version, string Checksum)>("select version, checksum from schema_migrations order by version")).ToList();
        Assert.Equal(Migrator.Embedded().Select(m => (m.Version, m.Checksum)), recorded);
        Assert.Equal(Migrator.Embedded().Count, applied.Count);
        Assert.Empty(again);
    }

    [Fact]
    public async Task The_migrator_leaves_its_pooled_connection_as_it_found_it_since_connections_are_not_reset()
    {
        // One connection in the pool, built as the app builds its own (no reset when it goes back to the pool).
        await using var db = Database.Build(await server.CreateEmptyDatabaseAsync() + ";Maximum Pool Size=1", timeout: 9);

        await Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance);

        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal("9s", await connection.ExecuteScalarAsync<string>("show statement_timeout"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"));
    }

    [Fact]
    public async Task Two_instances_migrating_at_once_apply_each_migration_exactly_once()
    {
        await using var db = NpgsqlDataSource.Create(await server.CreateEmptyDatabaseAsync());

        var results = await Task.WhenAll(
            Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance),
            Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance));

        Assert.Equal(Migrator.Embedded().Count, results.Sum(r => r.Count));
        Assert.Contains(results, r => r.Count == 0);
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_stops_start_up_naming_the_file()
    {
        await using var db = NpgsqlDataSource.Create(await server.CreateEmptyDatabaseAsync());
        await Migrator.ApplyAsync(db, Migrator.Embedded(), NullLogger.Instance);
        var edited = Migrator.Embedded().Select(m => m.Version == 1 ? Migrator.Parse(m.FileName, m.Sql + "\n-- edited") : m).ToList();

        var error = await Assert.ThrowsAsync<MigrationException>(() => Migrator.ApplyAsync(db, edited, NullLogger.Instance));

        Assert.Contains("0001_sources_and_passages.sql", error.Message);
        Assert.Contains("changed after it was applied", error.Message);
    }

    [Fact]
    public void A_badly_named_or_missing_migration_is_refused()
    {
        Assert.Throws<MigrationException>(() => Migrator.Parse("1_init.sql", "select 1"));
        Assert.Throws<MigrationException>(() => Migrator.Ordered([Migrator.Parse("0001_a.sql", ""), Migrator.Parse("0003_c.sql", "")]));
    }
}

public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClaimTracker.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("ClaimTracker.sln not found above " + AppContext.BaseDirectory);
    }
}
