using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Curators;

/// <summary>
/// With the embedded server a new user has no way to make a key before the first start, so the app makes one
/// and leaves it in a file only the user can read.
/// </summary>
public static class DevelopmentKey
{
    public const string Curator = "local-dev";

    public static async Task EnsureAsync(NpgsqlDataSource db, string path, ILogger logger, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            var existing = (await File.ReadAllTextAsync(path, ct)).Trim();
            await using var connection = await db.OpenConnectionAsync(ct);
            var live = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from api_keys where key_hash = @hash and revoked_at is null)",
                new { hash = ApiKeys.Hash(existing) }, cancellationToken: ct));
            if (live)
            {
                logger.LogInformation("Curator API key for local development: in {Path} (use it as 'Authorization: Bearer <key>')", path);
                return;
            }
        }

        var created = await ApiKeys.CreateAsync(db, Curator, ct);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, created.Key + "\n", ct);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        logger.LogWarning("Created a curator API key for local development in {Path} (use it as 'Authorization: Bearer <key>')", path);
    }
}
