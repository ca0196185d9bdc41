using Dapper;
using Npgsql;

namespace ClaimTracker.Api.Conflicts;

/// <summary>
/// Keeps the conflicts of the given claims true to the rules, inside the transaction that changed the claims:
/// new conflicts are opened, ones whose claims no longer conflict are closed (saying why), and ones that hold
/// again reopen. Its cost is one indexed look-up by subject and property per claim.
/// </summary>
public static class ConflictMaintenance
{
    public static async Task MaintainAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long[] claimIds, long curatorId, CancellationToken ct)
    {
        // Two writers in one subject and property must take turns: each then sees the other's claim once it has
        // committed (the next statement takes a new snapshot), so no pair is missed. Locks in a fixed order.
        await connection.ExecuteAsync(new CommandDefinition("""
            select pg_advisory_xact_lock(g.key)
            from (select distinct hashtextextended(subject_id || '/' || property_id, 0) as key from claims where id = any(@claimIds)) g
            order by g.key
            """, new { claimIds }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            with current as (
                select * from conflicting_pairs(@claimIds)
            ),
            opened as (
                insert into conflicts as f (claim_a, claim_b, rule, scope, updated_by)
                select claim_a, claim_b, rule, scope, @curatorId from current
                on conflict (claim_a, claim_b) do update set
                    rule = excluded.rule,
                    scope = excluded.scope,
                    status = case when f.status = 'closed' then 'open' else f.status end,
                    closed_reason = null,
                    version = f.version + 1,
                    updated_at = now(),
                    updated_by = excluded.updated_by
                where f.status = 'closed' or f.rule <> excluded.rule or f.scope <> excluded.scope
                returning f.id
            )
            update conflicts f set
                status = 'closed',
                closed_reason = coalesce(
                    (select 'claim ' || k.id || ' was retracted' from claims k
                     where k.id in (f.claim_a, f.claim_b) and k.status = 'retracted' order by k.id limit 1),
                    'the claims no longer conflict after a revision'),
                version = f.version + 1,
                updated_at = now(),
                updated_by = @curatorId
            where (f.claim_a = any(@claimIds) or f.claim_b = any(@claimIds))
              and f.status <> 'closed'
              and not exists (select 1 from current n where n.claim_a = f.claim_a and n.claim_b = f.claim_b)
            """, new { claimIds, curatorId }, tx, cancellationToken: ct));
    }
}
