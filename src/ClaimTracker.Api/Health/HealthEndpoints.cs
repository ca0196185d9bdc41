using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace ClaimTracker.Api.Health;

/// <param name="Status">live, or ready.</param>
/// <param name="Migrations">How many migrations are applied, of how many this version of the app has.</param>
public sealed record HealthStatus(string Status, string? Database = null, string? Migrations = null);

public static class HealthEndpoints
{
    public static void MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").DisableRateLimiting();

        group.MapGet("/live", Live)
            .WithName("Live")
            .WithSummary("The process is up")
            .WithDescription("Answers 200 while the app runs, whatever the state of a configured database. With the embedded " +
                             "server, 503 once that server has been down longer than ClaimTracker:EmbeddedServer:RecoverySeconds " +
                             "(30) and could not be started again: restart the app.");

        group.MapGet("/ready", Ready)
            .WithName("Ready")
            .WithSummary("The app can serve requests")
            .WithDescription("200 when the database answers and every migration of this version is applied; otherwise 503 with the reason and Retry-After.")
            .ProducesProblems(503);
    }

    public static Results<Ok<HealthStatus>, ProblemHttpResult> Live(EmbeddedSupervisor supervisor, HttpResponse response)
    {
        if (supervisor.Failure is { } failure)
        {
            response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "The embedded database server cannot be brought back.", detail: failure);
        }
        return TypedResults.Ok(new HealthStatus("live"));
    }

    // The migrations this build carries never change while it runs: read and hashed once, not on every probe.
    private static readonly Lazy<int[]> Expected = new(() => [.. Migrator.Embedded().Select(m => m.Version)]);

    public static async Task<Results<Ok<HealthStatus>, ProblemHttpResult>> Ready(NpgsqlDataSource db, HttpResponse response, CancellationToken ct)
    {
        var expected = Expected.Value;
        await using var connection = await db.OpenConnectionAsync(ct);
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "select version from schema_migrations order by version", cancellationToken: ct))).ToList();
        if (!applied.SequenceEqual(expected))
        {
            response.Headers.RetryAfter = "5";
            return TypedResults.Problem(statusCode: 503, title: "The database is not migrated.",
                detail: $"{applied.Count} of {expected.Length} migrations are applied; run the migrate command or restart the app.");
        }
        return TypedResults.Ok(new HealthStatus("ready", "reachable", $"{applied.Count} of {expected.Length} applied"));
    }
}
