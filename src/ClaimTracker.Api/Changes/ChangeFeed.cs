using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Changes;

/// <param name="Revision">The claim's version after the change; GET /claims/{claimId}/history has the change in full.</param>
public sealed record Change(long ClaimId, int Revision, RevisionAction Action, string? Reason, string Curator, DateTime At);

/// <param name="NextCursor">Pass it as since to get the changes after these; always present, so a client can poll with it.</param>
public sealed record ChangePage(IReadOnlyList<Change> Items, string NextCursor);

public static class ChangeFeed
{
    public sealed record Position(long Tx, long Id);

    public static void MapChanges(this IEndpointRouteBuilder routes) =>
        routes.MapGroup("/changes").WithTags("Changes").WithValidation()
            .MapGet("/", Handle)
            .WithName("ListChanges")
            .WithSummary("Every created, revised and retracted claim, in order")
            .WithDescription("A feed for staying in sync: start without since, then pass each page's nextCursor as since. A change becomes visible only once every transaction that began before it has finished, so a change that commits late is never skipped.");

    /// <param name="since">The nextCursor of the previous page; leave out to start from the beginning.</param>
    /// <param name="limit">How many changes a page holds, 1 to 200 (default 50), e.g. 100.</param>
    public static async Task<Ok<ChangePage>> Handle(
        [FromQuery] Param<Cursor<Position>>? since, [FromQuery] Param<PageSize>? limit, ReadDb db, CancellationToken ct)
    {
        var after = since?.Value.Position;
        var take = limit?.Value.Value ?? PageSize.Default;

        await using var connection = await db.OpenConnectionAsync(ct);
        // Ordered by writing transaction, and cut below the oldest transaction still running: a change written by a
        // transaction that is still open cannot later appear before the cursor.
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            select r.tx_id, r.id, r.claim_id, r.number, r.action, r.reason, c.name as curator, r.created_at
            from claim_revisions r join curators c on c.id = r.created_by
            where (r.tx_id, r.id) > (@afterTx, @afterId)
              and r.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            order by r.tx_id, r.id
            limit @take
            """, new { afterTx = after?.Tx ?? 0, afterId = after?.Id ?? 0, take }, cancellationToken: ct))).ToList();
        var next = rows.Count > 0 ? new Position(rows[^1].TxId, rows[^1].Id) : after ?? new Position(0, 0);
        return TypedResults.Ok(new ChangePage(
            [.. rows.Select(r => new Change(r.ClaimId, r.Number, DbEnum.Parse<RevisionAction>(r.Action), r.Reason, r.Curator, r.CreatedAt))],
            Cursor<Position>.Encode(next)));
    }

    private sealed class Row
    {
        public long TxId { get; init; }
        public long Id { get; init; }
        public long ClaimId { get; init; }
        public int Number { get; init; }
        public string Action { get; init; } = "";
        public string? Reason { get; init; }
        public string Curator { get; init; } = "";
        public DateTime CreatedAt { get; init; }
    }
}
