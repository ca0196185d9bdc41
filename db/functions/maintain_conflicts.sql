-- Keeps the conflicts of the given claims true to the rules (conflicting_pairs): new conflicts are opened, ones whose
-- claims no longer conflict are closed saying why, and ones that hold again reopen. Returns how many conflicts it
-- opened, reopened or changed.
--
-- Two writers in one subject and property must take turns: each then sees the other's claim once it has committed
-- (plpgsql takes a new snapshot for each statement), so no pair is missed. Locks are taken in a fixed order. A batch
-- too large to lock group by group (the lock table is bounded) takes the claims table in share row exclusive mode
-- instead, which waits for every other claim writer and keeps them out until commit.
--
-- A few claims are planned once per connection, as in refresh_claims: planning the statement below for each call's
-- own ids took 20 to 30 ms, running it 1 to 2.
create or replace function maintain_conflicts(ids bigint[], curator bigint) returns integer
language plpgsql as $$
declare
    changed integer;
    mode text := current_setting('plan_cache_mode');
begin
    if cardinality(ids) <= 64 then
        perform set_config('plan_cache_mode', 'force_generic_plan', true);
    end if;
    if cardinality(ids) > 1000 then
        lock table claims in share row exclusive mode;
    else
        perform pg_advisory_xact_lock(g.key)
        from (select distinct hashtextextended(subject_id || '/' || property_id, 0) as key from claims where id = any(ids)) g
        order by g.key;
    end if;

    with current as (
        select * from conflicting_pairs(ids)
    ),
    opened as (
        insert into conflicts as f (claim_a, claim_b, rule, scope, certainty, certainty_reason, updated_by)
        select claim_a, claim_b, rule, scope, certainty, certainty_reason, curator from current
        on conflict (claim_a, claim_b) do update set
            rule = excluded.rule,
            scope = excluded.scope,
            certainty = excluded.certainty,
            certainty_reason = excluded.certainty_reason,
            status = case when f.status = 'closed' then 'open' else f.status end,
            closed_reason = null,
            version = f.version + 1,
            updated_at = now(),
            updated_by = excluded.updated_by
        where f.status = 'closed' or f.rule <> excluded.rule or f.scope <> excluded.scope
           or f.certainty <> excluded.certainty or f.certainty_reason is distinct from excluded.certainty_reason
        returning f.id
    ),
    closed as (
        update conflicts f set
            status = 'closed',
            closed_reason = coalesce(
                (select 'claim ' || k.id || ' was retracted' from claims k
                 where k.id in (f.claim_a, f.claim_b) and k.status = 'retracted' order by k.id limit 1),
                'the claims no longer conflict after a revision'),
            version = f.version + 1,
            updated_at = now(),
            updated_by = curator
        where (f.claim_a = any(ids) or f.claim_b = any(ids))
          and f.status <> 'closed'
          and not exists (select 1 from current n where n.claim_a = f.claim_a and n.claim_b = f.claim_b)
        returning f.id
    )
    select count(*) into changed from opened;
    perform set_config('plan_cache_mode', mode, true);
    return changed;
end
$$;
