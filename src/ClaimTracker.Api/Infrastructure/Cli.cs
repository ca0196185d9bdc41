using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Seeds;
using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Administrative commands, run with the same configuration as the server:
/// <c>migrate</c>, <c>seed</c>, <c>keys create NAME</c>, <c>keys revoke PREFIX</c>, <c>import FILE [CURATOR]</c>.
/// </summary>
public static class Cli
{
    private static readonly string[] Commands = ["migrate", "keys", "seed", "import"];

    /// <summary>
    /// Separates a command's words from the settings for the host, wherever the settings stand. Settings are what
    /// .NET's command-line configuration reads: <c>--Key=value</c>, <c>--Key value</c> (the next argument is the
    /// value, whatever it looks like), <c>-k</c>, and before the command also <c>/Key=value</c>, <c>/Key value</c> and
    /// <c>Key=value</c>. After the command's first word only dashed options are settings, so that its arguments (a
    /// path such as /tmp/corpus.ndjson, a name) stay its own. When the first word is no command there is none, and
    /// every argument goes to the host (the web server).
    /// </summary>
    public static (string[]? Command, string[] HostArgs) Split(string[] args)
    {
        var words = new List<string>();
        var settings = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var inCommand = words.Count > 0;
            if (arg.StartsWith("--", StringComparison.Ordinal) || (!inCommand && arg.StartsWith('/')))
            {
                settings.Add(arg);
                if (!arg.Contains('=') && i + 1 < args.Length) settings.Add(args[++i]);
            }
            // A single dash has no value without a switch mapping (the host defines none).
            else if (arg.StartsWith('-') || (!inCommand && arg.Contains('='))) settings.Add(arg);
            else if (inCommand || Commands.Contains(arg)) words.Add(arg);
            else return (null, args);
        }
        return words.Count == 0 ? (null, args) : ([.. words], [.. settings]);
    }

    /// <summary>Imports an NDJSON file as the given curator, printing progress; all or nothing, like POST /import.</summary>
    private static async Task<int> ImportAsync(WebApplication app, Database database, string file, string curator)
    {
        if (!File.Exists(file))
        {
            Console.Error.WriteLine($"No such file: {file}");
            return 2;
        }
        await database.OpenAsync(CancellationToken.None, prepare: false);
        await Migrator.ApplyAsync(database.DataSource, Migrator.Embedded(), app.Logger);
        long curatorId;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            curatorId = await ApiKeys.EnsureCuratorAsync(connection, null, curator, CancellationToken.None);
        }
        var json = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        await using var stream = File.OpenRead(file);
        var report = await new Imports.Importer(database.DataSource, json, app.Logger).RunAsync(stream, curatorId,
            p =>
            {
                // Reports come every thousand lines; a terminal gets one every 50,000 and the last.
                if (p.Phase is Imports.ImportPhase.Committed || p.Phase is Imports.ImportPhase.Reading && p.Lines % 50_000 == 0)
                {
                    Console.Error.WriteLine($"  {p.Lines:N0} lines, {p.Claims:N0} claims, {p.Lines / Math.Max(p.Seconds, 0.001):N0} lines/s");
                }
            },
            CancellationToken.None);
        if (report.Committed)
        {
            var n = report.Imported;
            Console.WriteLine($"Imported {report.Lines:N0} lines in {report.Seconds:F1} s: {n.Subjects:N0} subjects, {n.Sources:N0} sources, " +
                              $"{n.Passages:N0} passages, {n.Claims:N0} claims ({n.Evidence:N0} evidence links), {report.ConflictsOpened:N0} conflicts.");
            return 0;
        }
        Console.Error.WriteLine($"Nothing was imported: {report.RejectedCount:N0} of {report.Lines:N0} lines were rejected.");
        foreach (var r in report.Rejected.Take(50)) Console.Error.WriteLine($"  line {r.Line}, {r.Field}: {r.Reason}");
        return 1;
    }

    public static async Task<int> RunAsync(WebApplication app, string[] command)
    {
        var database = app.Services.GetRequiredService<Database>();
        try
        {
            switch (command)
            {
                case ["migrate"]:
                    await database.OpenAsync(CancellationToken.None, prepare: false);
                    var applied = await Migrator.ApplyAsync(database.DataSource, Migrator.Embedded(), app.Logger);
                    Console.WriteLine(applied.Count == 0 ? "The database is up to date." : $"Applied {applied.Count} migration(s).");
                    return 0;
                case ["seed"]:
                    await database.OpenAsync(CancellationToken.None, prepare: false);
                    await Migrator.ApplyAsync(database.DataSource, Migrator.Embedded(), app.Logger);
                    await SeedLoader.LoadAsync(database.DataSource, app.Logger, CancellationToken.None);
                    return 0;
                case ["keys", "create", var name]:
                    await database.OpenAsync(CancellationToken.None, prepare: false);
                    await Migrator.ApplyAsync(database.DataSource, Migrator.Embedded(), app.Logger);
                    var key = await ApiKeys.CreateAsync(database.DataSource, name);
                    Console.WriteLine($"Curator '{key.Curator}': {key.Key}");
                    Console.WriteLine($"Shown once; stored only as a hash. Revoke with: keys revoke {key.Prefix}");
                    return 0;
                case ["keys", "revoke", var prefix]:
                    await database.OpenAsync(CancellationToken.None, prepare: false);
                    var revoked = await ApiKeys.RevokeAsync(database.DataSource, prefix);
                    Console.WriteLine(revoked == 0 ? $"No live key starts with '{prefix}'." : $"Revoked {revoked} key(s).");
                    return revoked == 0 ? 1 : 0;
                case ["import", var file, .. var rest] when rest.Length <= 1:
                    return await ImportAsync(app, database, file, rest.Length == 1 ? rest[0] : "import");
                default:
                    Console.Error.WriteLine("Usage: migrate | seed | keys create NAME | keys revoke PREFIX | import FILE.ndjson [CURATOR]");
                    return 2;
            }
        }
        catch (Exception e) when (e is MigrationException or EmbeddedPostgresException or NpgsqlException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            await database.DisposeAsync();
        }
    }
}
