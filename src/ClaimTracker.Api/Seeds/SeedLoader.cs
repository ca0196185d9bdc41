using System.Reflection;
using System.Text.Json;
using ClaimTracker.Api.Curators;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Sources;
using ClaimTracker.Api.Text;
using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Seeds;

public sealed class SeedException(string message) : Exception(message);

/// <summary>
/// Loads the seed corpus (seeds/articles: one .txt and one .json per article; seeds/claims: one .yaml of curated
/// claims per article) into the database, oldest article first. An article whose text is already stored is
/// skipped, so loading again changes nothing; each article goes in with its claims in one transaction.
/// </summary>
public static class SeedLoader
{
    public const string Curator = "seed";
    private const long AdvisoryLockKey = 0x436C_6169_6D53_64; // "ClaimSd"

    public sealed record Article(string Key, CreateSourceRequest Source, string? Claims);

    public static IReadOnlyList<Article> Articles()
    {
        var assembly = typeof(SeedLoader).Assembly;
        var articles = new List<Article>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("seeds/articles/") && n.EndsWith(".json")).Order())
        {
            var key = Path.GetFileNameWithoutExtension(resource["seeds/articles/".Length..]);
            var textResource = $"seeds/articles/{key}.txt";
            var body = Read(assembly, textResource) ?? throw new SeedException($"seeds/articles/{key}.json has no text file {key}.txt beside it.");
            SeedMetadata metadata;
            try
            {
                metadata = JsonSerializer.Deserialize<SeedMetadata>(Read(assembly, resource)!, SeedJson)
                    ?? throw new SeedException($"seeds/articles/{key}.json is empty.");
            }
            catch (JsonException e)
            {
                throw new SeedException($"seeds/articles/{key}.json, line {e.LineNumber + 1}: {e.Message}");
            }
            var source = new CreateSourceRequest(
                metadata.Title, body, metadata.Language, metadata.Subtitle, metadata.Outlet, metadata.Authors, metadata.Url,
                metadata.Published, null, metadata.Provenance);
            var invalid = new CreateSourceRequest.Validator().Validate(source);
            if (!invalid.IsValid)
            {
                throw new SeedException($"seeds/articles/{key}.json: " + string.Join(" ", invalid.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}")));
            }
            articles.Add(new Article(key, source, Read(assembly, $"seeds/claims/{key}.yaml")));
        }
        return articles;
    }

    public static async Task LoadAsync(NpgsqlDataSource db, ILogger logger, CancellationToken ct)
    {
        var articles = Articles();
        await using var connection = await db.OpenConnectionAsync(ct);
        // Claim keys name claims across files, so a later article can add its passages to an earlier claim.
        var keys = (await connection.QueryAsync<(string Key, long ClaimId)>(new CommandDefinition(
            "select key, claim_id from seed_claim_keys", cancellationToken: ct))).ToDictionary(k => k.Key, k => k.ClaimId);
        foreach (var article in articles)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Two instances starting together must not both load the same article.
            await connection.ExecuteAsync(new CommandDefinition(
                "select pg_advisory_xact_lock(@AdvisoryLockKey); set local statement_timeout = 0", new { AdvisoryLockKey }, tx, cancellationToken: ct));
            var body = CodePoints.Nfc(article.Source.Body);
            var present = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "select exists (select 1 from source_revisions where body_sha256 = @sha)",
                new { sha = CreateSource.Sha256(body) }, tx, cancellationToken: ct));
            if (present) continue;

            var curatorId = await ApiKeys.EnsureCuratorAsync(connection, tx, Curator, ct);
            var sourceId = await CreateSource.InsertAsync(connection, tx, article.Source, curatorId, ct);
            if (article.Claims is not null)
            {
                await SeedClaims.LoadAsync(new WriteContext(connection, tx, curatorId, ct), $"seeds/claims/{article.Key}.yaml", article.Claims, sourceId, keys);
            }
            await tx.CommitAsync(ct);
            logger.LogInformation("Loaded seed article {Key} as source {SourceId}", article.Key, sourceId);
        }
    }

    private sealed record SeedMetadata(
        string Title, string Language, string? Subtitle, string? Outlet, string[]? Authors, string? Url, string? Published,
        Dictionary<string, string>? Provenance);

    private static readonly JsonSerializerOptions SeedJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    internal static string? Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name);
        if (stream is null) return null;
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
