using Npgsql;

namespace ClaimTracker.Api.Infrastructure;

/// <summary>
/// Administrative commands, run with the same configuration as the server:
/// <c>migrate</c>, <c>keys create NAME</c>, <c>keys revoke PREFIX</c>.
/// </summary>
public static class Cli
{
    private static readonly string[] Commands = ["migrate", "keys", "seed"];

    public static (string[]? Command, string[] HostArgs) Split(string[] args)
    {
        if (args.Length == 0 || !Commands.Contains(args[0])) return (null, args);
        // Words of the command stop at the first option; the rest (--ConnectionStrings:ClaimTracker=...) configure the host.
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        return (words, args[words.Length..]);
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
                default:
                    Console.Error.WriteLine("Usage: migrate | seed | keys create NAME | keys revoke PREFIX");
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
