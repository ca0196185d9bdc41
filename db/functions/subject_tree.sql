-- A subject's place among the others: the subjects above it (its broader subject, that one's, and so on) and below it,
-- each with how many levels away, at most eight levels either way (a camp in a province in a country in a region is
-- three below the region). The bound keeps a seek from walking a long chain; a cycle is refused where broader is set
-- (PATCH /subjects/{id}), and the bound would stop one anyway. Each step is one probe per subject of subjects_pkey or
-- subjects_broader: a LATERAL kept apart by OFFSET 0, so that no step hashes every narrower subject of the database.
create or replace function broader_subjects(subject bigint) returns table (id bigint, depth int)
language sql stable parallel safe as $$
    with recursive up (id, depth) as (
        select s.broader_id, 1 from subjects s where s.id = subject and s.broader_id is not null
        union all
        select b.broader_id, u.depth + 1 from up u
        cross join lateral (select s.broader_id from subjects s where s.id = u.id and s.broader_id is not null offset 0) b
        where u.depth < 8
    )
    select id, depth from up where id <> subject
$$;

-- The planner estimates a recursive walk down at ten times the first level's fan-out squared (a subject with a hundred
-- narrower subjects looks like a hundred thousand rows), which would turn on JIT compilation of every statement that
-- inlined it, at a hundred milliseconds or more a write. The SET clause keeps this function apart (not inlined: callers
-- see its ROWS estimate) and its own plan, cached for the calling statement, never compiled.
create or replace function narrower_subjects(subject bigint) returns table (id bigint, depth int)
language sql stable parallel safe rows 10 set jit = off as $$
    with recursive down (id, depth) as (
        select s.id, 1 from subjects s where s.broader_id = subject
        union all
        select n.id, d.depth + 1 from down d
        cross join lateral (select s.id from subjects s where s.broader_id = d.id offset 0) n
        where d.depth < 8
    )
    select id, depth from down where id <> subject
$$;
