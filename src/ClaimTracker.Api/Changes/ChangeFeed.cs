using ClaimTracker.Api.Claims;
using ClaimTracker.Api.Infrastructure;
using ClaimTracker.Api.Subjects;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace ClaimTracker.Api.Changes;

/// <param name="Revision">The claim's version after the change; GET /claims/{claimId}/history has the change in full.</param>
public sealed record Change(long ClaimId, int Revision, RevisionAction Action, string? Reason, string Curator, DateTime At);

/// <param name="NextCursor">Pass it as since to get the changes after these; always present, so a client can poll with it.</param>
public sealed record ChangePage(IReadOnlyList<Change> Items, string NextCursor);

/// <summary>Which changes a reader watches: those of claims about one subject, of one property, or both.</summary>
public sealed record ChangeFilter(long? SubjectId, long? PropertyId);

public static class ChangeFeed
{
    public sealed record Position(long Tx, long Id);

    public static void MapChanges(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/changes").WithTags("Changes").WithValidation();
        group.MapGet("/", Handle).WithConditionalReads(runningTransactions: true)
            .WithName("ListChanges")
            .WithSummary("Every created, revised and retracted claim, in order")
            .WithDescription("A feed for staying in sync: start without since, then pass each page's nextCursor as since. A change becomes visible only once every transaction that began before it has finished, so a change that commits late is never skipped. subject and property watch the claims about one subject or of one property.");
        ChangeStream.Map(group);
    }

    /// <param name="since">The nextCursor of the previous page; leave out to start from the beginning.</param>
    /// <param name="limit">How many changes a page holds, 1 to 200 (default 50), e.g. 100.</param>
    /// <param name="subject">Only changes to claims about this subject: its id, name or alias, e.g. US forces in Iraq.</param>
    /// <param name="property">Only changes to claims of this property: its key, e.g. troop_count.</param>
    public static async Task<Results<Ok<ChangePage>, ValidationProblem>> Handle(
        [FromQuery] Param<Cursor<Position>>? since, [FromQuery] Param<PageSize>? limit, [FromQuery] string? subject, [FromQuery] string? property,
        ReadDb db, CancellationToken ct)
    {
        var after = since?.Value.Position;
        var take = limit?.Value.Value ?? PageSize.Default;

        await using var connection = await db.OpenConnectionAsync(ct);
        var (filter, problem) = await FilterAsync(connection, subject, property, ct);
        if (problem is not null) return problem;
        var rows = await ReadAsync(connection, after, take, filter!, ct);
        var next = rows.Count > 0 ? new Position(rows[^1].TxId, rows[^1].Id) : after ?? new Position(0, 0);
        return TypedResults.Ok(new ChangePage([.. rows.Select(r => r.ToChange())], Cursor<Position>.Encode(next)));
    }

    /// <summary>The filter a subject reference and a property key name; one that names nothing is a 400 naming it.</summary>
    public static async Task<(ChangeFilter? Filter, ValidationProblem? Problem)> FilterAsync(
        NpgsqlConnection connection, string? subject, string? property, CancellationToken ct)
    {
        long? subjectId = null, propertyId = null;
        if (subject is not null)
        {
            if (await SubjectLookup.ByReferenceAsync(connection, null, subject, ct) is not { } found)
            {
                return (null, Problems.BadParameter("subject", $"no subject has the id, name or alias \"{subject}\"."));
            }
            subjectId = found.Id;
        }
        if (property is not null)
        {
            propertyId = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "select id from properties where key = @property", new { property }, cancellationToken: ct));
            if (propertyId is null) return (null, Problems.BadParameter("property", $"no property has the key \"{property}\"."));
        }
        return (new ChangeFilter(subjectId, propertyId), null);
    }

    /// <summary>
    /// The changes after a position, in order. Ordered by writing transaction, and cut below the oldest transaction
    /// still running: a change written by a transaction that is still open cannot later appear before the cursor.
    /// </summary>
    internal static async Task<List<Row>> ReadAsync(NpgsqlConnection connection, Position? after, int take, ChangeFilter filter, CancellationToken ct) =>
        [.. await connection.QueryAsync<Row>(new CommandDefinition("""
            select r.tx_id, r.id, r.claim_id, r.number, r.action, r.reason, c.name as curator, r.created_at
            from claim_revisions r join curators c on c.id = r.created_by
            where (r.tx_id, r.id) > (@afterTx, @afterId)
              and r.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
              and (@subjectId::bigint is null and @propertyId::bigint is null or exists (
                  select 1 from claims k where k.id = r.claim_id
                  and (@subjectId::bigint is null or k.subject_id = @subjectId) and (@propertyId::bigint is null or k.property_id = @propertyId)))
            order by r.tx_id, r.id
            limit @take
            """, new { afterTx = after?.Tx ?? 0, afterId = after?.Id ?? 0, take, filter.SubjectId, filter.PropertyId }, cancellationToken: ct))];

    /// <summary>The newest change every reader can see now (see <see cref="ReadAsync"/>), or null when there is none.</summary>
    internal static Task<Position?> HeadAsync(NpgsqlConnection connection, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<Position?>(new CommandDefinition("""
            select r.tx_id as tx, r.id from claim_revisions r
            where r.tx_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
            order by r.tx_id desc, r.id desc limit 1
            """, cancellationToken: ct));

    internal sealed class Row
    {
        public long TxId { get; init; }
        public long Id { get; init; }
        public long ClaimId { get; init; }
        public int Number { get; init; }
        public string Action { get; init; } = "";
        public string? Reason { get; init; }
        public string Curator { get; init; } = "";
        public DateTime CreatedAt { get; init; }

        public Position Position => new(TxId, Id);

        public Change ToChange() => new(ClaimId, Number, DbEnum.Parse<RevisionAction>(Action), Reason, Curator, CreatedAt);
    }
}
