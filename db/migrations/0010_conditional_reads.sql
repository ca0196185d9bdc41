-- Conditional reads: every answer's ETag is drawn from a count of the transactions that changed what answers read,
-- kept in those transactions themselves, so that If-None-Match costs one small query instead of the answer's.
--
-- The count is the sum of one row per database backend: a writing transaction bumps only its own backend's row
-- (pg_backend_pid()), once, so writers never wait on one another for it and no lock order can deadlock. A reader that
-- takes the sum before it reads an answer can only under-state the answer's freshness (an extra 200 later, never a
-- stale 304). Rows of backends that have gone are folded into row 0 from time to time (fold_change_counts), which
-- leaves the sum as it was.
create table change_counts (
    backend int primary key,   -- the pid of the backend that wrote; 0 holds the folded counts of backends gone
    changes bigint not null
);
insert into change_counts (backend, changes) values (0, 0);

create function count_change() returns trigger
language plpgsql as $$
begin
    -- Once per transaction: the setting is local to it (and undone with a savepoint rolled back, like the row).
    if current_setting('claimtracker.change_counted', true) is distinct from 'on' then
        perform set_config('claimtracker.change_counted', 'on', true);
        insert into change_counts (backend, changes) values (pg_backend_pid(), 1)
        on conflict (backend) do update set changes = change_counts.changes + 1;
    end if;
    return null;
end
$$;

-- Folds the rows of backends that are no longer running into row 0, skipping any row a transaction holds.
create function fold_change_counts() returns integer
language sql as $$
    with gone as (
        delete from change_counts c
        where c.backend in (
            select g.backend from change_counts g
            where g.backend <> 0 and not exists (select 1 from pg_stat_activity a where a.pid = g.backend)
            for update skip locked)
        returning c.changes
    ), folded as (
        update change_counts set changes = changes + (select coalesce(sum(changes), 0) from gone) where backend = 0
        returning 1
    )
    select count(*)::int from gone
$$;

-- The rule files change what answers compute without changing a row the answers read: their record counts too.
-- (The migrator creates this table after the migrations on a new database; the same definition, made here first.)
create table if not exists schema_rules (
    name       text primary key,
    checksum   text not null,
    applied_at timestamptz not null default now()
);

-- Every table an answer reads counts its changes, by statement (a COPY of a million rows is one statement). A table
-- added later needs the same trigger: Platform/ConditionalReadTests checks that every table has it or is listed here.
do $$
declare
    t text;
begin
    for t in
        select tablename from pg_tables
        where schemaname = current_schema()
          and tablename not in ('change_counts', 'api_keys', 'idempotency_keys', 'schema_migrations')
        order by tablename
    loop
        execute format('create trigger %I after insert or update or delete or truncate on %I for each statement execute function count_change()',
                       t || '_count_change', t);
    end loop;
end
$$;
