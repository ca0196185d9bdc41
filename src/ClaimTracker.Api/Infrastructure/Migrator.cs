using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

public sealed record Migration(int Version, string Name, string Sql, string Checksum)
{
    public string FileName => $"{Version:D4}_{Name}.sql";
}

/// <summary>
/// A rule of the product written as SQL (db/functions/NAME.sql): a function or view defined with <c>create or
/// replace</c>, re-applied whenever its text changes, so that today's definition is always one file.
/// </summary>
public sealed record RuleFile(string Name, string Sql, string Checksum)
{
    public string FileName => $"{Name}.sql";
}

public sealed class MigrationException(string message) : Exception(message);

/// <summary>
/// Applies the numbered SQL files of db/migrations, forward only, each in its own transaction, and records
/// each with its checksum; then re-applies every rule file of db/functions whose text changed (as Evolve's
/// repeatable R__ scripts and grate's functions folder do). An advisory lock makes concurrent starts take turns.
/// </summary>
public static partial class Migrator
{
    // Any fixed number works; it only has to be the same for every instance of the app.
    private const long AdvisoryLockKey = 0x436C_6169_6D54_72; // "ClaimTr"

    [GeneratedRegex(@"^(\d{4})_([a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"^([a-z][a-z0-9_]*)\.sql$")]
    private static partial Regex RuleNamePattern();

    public static IReadOnlyList<RuleFile> EmbeddedRules()
    {
        var assembly = typeof(Migrator).Assembly;
        return [.. assembly.GetManifestResourceNames().Where(n => n.StartsWith("functions/")).Order()
            .Select(n => ParseRule(n["functions/".Length..], ReadResource(assembly, n)))];
    }

    public static RuleFile ParseRule(string fileName, string sql)
    {
        var match = RuleNamePattern().Match(fileName);
        if (!match.Success) throw new MigrationException($"Rule file '{fileName}' must be named lower_snake_name.sql.");
        return new RuleFile(match.Groups[1].Value, sql, Checksum(sql));
    }

    public static IReadOnlyList<Migration> Embedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("migrations/")))
        {
            migrations.Add(Parse(resource["migrations/".Length..], ReadResource(assembly, resource)));
        }
        return Ordered(migrations);
    }

    public static Migration Parse(string fileName, string sql)
    {
        var match = FileNamePattern().Match(fileName);
        if (!match.Success)
        {
            throw new MigrationException($"Migration file '{fileName}' must be named NNNN_lower_snake_name.sql.");
        }
        return new Migration(int.Parse(match.Groups[1].Value), match.Groups[2].Value, sql, Checksum(sql));
    }

    public static IReadOnlyList<Migration> Ordered(IEnumerable<Migration> migrations)
    {
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (ordered[i].Version != i + 1)
            {
                throw new MigrationException(
                    $"Migration '{ordered[i].FileName}' breaks the sequence: expected number {i + 1:D4}.");
            }
        }
        return ordered;
    }

    // Line endings are normalised first so a Windows checkout (CRLF) does not look like an edited file.
    public static string Checksum(string sql) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));

    /// <returns>The migrations applied by this call (none when the database was current).</returns>
    /// <param name="rules">The rule files to bring up to date after the migrations; the embedded ones when null.</param>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<Migration> migrations, ILogger logger, CancellationToken ct = default,
        IReadOnlyList<RuleFile>? rules = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Migrations may legitimately run long (an index on a big table): no statement timeout here.
        await connection.ExecuteAsync(new CommandDefinition("set statement_timeout = 0; select pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: ct));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                create table if not exists schema_migrations (
                    version    int primary key,
                    name       text not null,
                    checksum   text not null,
                    applied_at timestamptz not null default now()
                )
                """, cancellationToken: ct));

            var applied = (await connection.QueryAsync<(int Version, string Name, string Checksum)>(
                new CommandDefinition("select version, name, checksum from schema_migrations order by version", cancellationToken: ct)))
                .ToDictionary(r => r.Version);

            foreach (var (version, row) in applied)
            {
                var file = migrations.FirstOrDefault(m => m.Version == version);
                if (file is null)
                {
                    throw new MigrationException(
                        $"The database has migration {version:D4}_{row.Name}.sql applied, which this version of the app does not know.");
                }
                if (file.Checksum != row.Checksum)
                {
                    throw new MigrationException(
                        $"Migration {file.FileName} was changed after it was applied (checksum {row.Checksum[..12]} in the database, " +
                        $"{file.Checksum[..12]} in the file). Applied migrations are never edited: restore the file and add a new migration.");
                }
            }

            var pending = migrations.Where(m => !applied.ContainsKey(m.Version)).ToList();
            foreach (var migration in pending)
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: tx, cancellationToken: ct));
                await connection.ExecuteAsync(new CommandDefinition(
                    "insert into schema_migrations (version, name, checksum) values (@Version, @Name, @Checksum)",
                    migration, tx, cancellationToken: ct));
                await tx.CommitAsync(ct);
                logger.LogInformation("Applied migration {Migration}", migration.FileName);
            }
            await ApplyRulesAsync(connection, rules ?? EmbeddedRules(), logger, ct);
            return pending;
        }
        finally
        {
            await connection.ExecuteAsync("select pg_advisory_unlock(@key); reset statement_timeout", new { key = AdvisoryLockKey });
        }
    }

    /// <summary>
    /// Re-applies, in one transaction, every rule file whose checksum differs from the one recorded. Rules call one
    /// another, so they are first created with body checks off (any order works), then once more with checks on,
    /// which proves every body against the full new set before anything commits.
    /// </summary>
    private static async Task ApplyRulesAsync(NpgsqlConnection connection, IReadOnlyList<RuleFile> rules, ILogger logger, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition("""
            create table if not exists schema_rules (
                name       text primary key,
                checksum   text not null,
                applied_at timestamptz not null default now()
            )
            """, cancellationToken: ct));
        var recorded = (await connection.QueryAsync<(string Name, string Checksum)>(new CommandDefinition(
            "select name, checksum from schema_rules", cancellationToken: ct))).ToDictionary(r => r.Name, r => r.Checksum);
        var changed = rules.Where(r => !recorded.TryGetValue(r.Name, out var sum) || sum != r.Checksum).ToList();
        if (changed.Count == 0) return;

        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var checks in new[] { "off", "on" })
        {
            await connection.ExecuteAsync(new CommandDefinition($"set local check_function_bodies = {checks}", transaction: tx, cancellationToken: ct));
            foreach (var rule in changed)
            {
                try
                {
                    await connection.ExecuteAsync(new CommandDefinition(rule.Sql, transaction: tx, cancellationToken: ct));
                }
                catch (PostgresException e)
                {
                    throw new MigrationException($"Rule file db/functions/{rule.FileName} does not apply: {e.MessageText}.");
                }
            }
        }
        // A changed rule changes what derived data should be: every claim's is brought up to date by the new rules, in the
        // same transaction (on a large database this takes a while, once, at the start that brings the new rules).
        var claims = await connection.ExecuteScalarAsync<long>(new CommandDefinition("select count(*) from claims", transaction: tx, cancellationToken: ct));
        if (claims > 0)
        {
            logger.LogInformation("Rules changed: bringing the derived data of {Claims} claims up to date", claims);
            await connection.ExecuteAsync(new CommandDefinition("select refresh_claims(array(select id from claims order by id), null)",
                transaction: tx, commandTimeout: 0, cancellationToken: ct));
        }
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into schema_rules (name, checksum) select * from unnest(@names, @checksums)
            on conflict (name) do update set checksum = excluded.checksum, applied_at = now()
            """, new { names = changed.Select(r => r.Name).ToArray(), checksums = changed.Select(r => r.Checksum).ToArray() }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        foreach (var rule in changed) logger.LogInformation("Applied rule {Rule}", rule.FileName);
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
