-- Conflicts between claims, kept up to date in the same transaction as every claim write, and the curators'
-- explicit "contradicts" links. The rules live here, once, as SQL functions that both single writes and bulk
-- imports call; docs/conflicts.md explains them with examples.

create table claim_links (
    from_claim bigint not null references claims (id),
    to_claim   bigint not null references claims (id),
    kind       text not null default 'contradicts' check (kind in ('contradicts')),
    note       text,
    created_at timestamptz not null default now(),
    created_by bigint not null references curators (id),
    primary key (from_claim, to_claim),
    check (from_claim <> to_claim)
);
create index claim_links_to on claim_links (to_claim);

create table conflicts (
    id                 bigint generated always as identity primary key,
    claim_a            bigint not null references claims (id),
    claim_b            bigint not null references claims (id),
    rule               text not null check (rule in ('none_vs_value', 'quantity', 'time', 'stance', 'contradicts')),
    scope              text not null check (scope in ('between_reports', 'internal')),
    -- closed: the claims no longer conflict (one was retracted or revised); the others are curators' states.
    status             text not null default 'open' check (status in ('open', 'acknowledged', 'resolved', 'closed')),
    closed_reason      text,
    note               text,
    preferred_claim_id bigint references claims (id),
    version            int not null default 1,
    created_at         timestamptz not null default now(),
    updated_at         timestamptz not null default now(),
    updated_by         bigint references curators (id),
    unique (claim_a, claim_b),
    check (claim_a < claim_b),
    check (preferred_claim_id is null or preferred_claim_id in (claim_a, claim_b)),
    check ((status = 'closed') = (closed_reason is not null))
);
create index conflicts_claim_b on conflicts (claim_b);
create index conflicts_status on conflicts (status, id);

-- Whether two comparable claims state the same thing (within their stated ranges and precisions).
create function claims_agree(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select case
        when x.value_kind = 'quantity' and y.value_kind = 'quantity'
            then (x.unit is null or y.unit is null or lower(x.unit) = lower(y.unit)) and x.value_range && y.value_range
        when x.value_kind = 'time' and y.value_kind = 'time'
            then x.time_modifier = y.time_modifier and x.time_range && y.time_range
        when x.value_kind = 'stance' and y.value_kind = 'stance'
            then lower(btrim(x.proposition)) = lower(btrim(y.proposition)) and x.stance = y.stance
        when x.value_kind = 'text' and y.value_kind = 'text'
            then lower(btrim(x.text_value)) = lower(btrim(y.text_value))
        else x.value_kind = 'none' and y.value_kind = 'none'
    end
$$;

-- Claims are comparable when they share subject and property and their valid times overlap or either has none.
create function claims_comparable(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select x.id <> y.id and x.subject_id = y.subject_id and x.property_id = y.property_id
       and x.status <> 'retracted' and y.status <> 'retracted'
       and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
$$;

-- A conflict is internal when one voice contradicts itself within one source: same asserter (or both the
-- source's own voice) and a source in common. Otherwise it is a conflict between reports.
create function conflict_scope(a bigint, b bigint) returns text
language sql stable parallel safe as $$
    select case when (select x.asserted_by is not distinct from y.asserted_by from claims x, claims y where x.id = a and y.id = b)
                 and exists (select 1 from claim_evidence ea join claim_evidence eb on eb.source_id = ea.source_id
                             where ea.claim_id = a and eb.claim_id = b)
           then 'internal' else 'between_reports' end
$$;

-- The look-ups below seek, among the claims of the same subject and property, only those whose valid time overlaps
-- (a claim without one is valid at every time) and whose value lies wholly below or above: a GiST index searches
-- both dimensions at once (btree_gist lets it hold the plain columns too), so neither a large group that agrees at
-- one time nor a long series of values over time makes a claim's look-up scan its whole group.
create extension if not exists btree_gist;
create index claims_group_values on claims using gist (subject_id, property_id, coalesce(valid_range, '(,)'::daterange), value_range)
    where status <> 'retracted' and value_kind = 'quantity';
create index claims_group_times on claims using gist (subject_id, property_id, time_modifier, coalesce(valid_range, '(,)'::daterange), time_range)
    where status <> 'retracted' and value_kind = 'time';
create index claims_group_none on claims (subject_id, property_id)
    where status <> 'retracted' and value_kind = 'none';
create index claims_group_stance on claims (subject_id, property_id, lower(btrim(proposition)), stance)
    where status <> 'retracted' and value_kind = 'stance';

-- Every pair involving the given claims that conflicts now, by value rule or by explicit link. Each branch seeks,
-- per claim, only the claims that can conflict with it under its rule (as index conditions), and then checks that
-- the two are comparable. A per-claim index seek however many claims are given: a hash join over a whole group
-- would compare every pair in it, so each seek is a LATERAL subquery kept apart by OFFSET 0 (which stops the
-- planner from flattening it into such a join).
create function conflicting_pairs(ids bigint[]) returns table (claim_a bigint, claim_b bigint, rule text, scope text)
language sql stable as $$
    with x as (
        select c.* from unnest(ids) as i (id) join claims c on c.id = i.id where c.status <> 'retracted'
    ),
    found as (
        -- quantity: at an overlapping time, the other range lies wholly below or wholly above this one
        select x.id as xid, y.id as yid, 'quantity' as rule
        from x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'quantity'
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and (y.value_range << x.value_range or y.value_range >> x.value_range)
              and (x.unit is null or y.unit is null or lower(x.unit) = lower(y.unit))
            offset 0
        ) y
        where x.value_kind = 'quantity'
        union all
        -- time: at an overlapping valid time, the other period ends before this one starts, or starts after it ends
        select x.id, y.id, 'time'
        from x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'time' and y.time_modifier = x.time_modifier
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and (y.time_range << x.time_range or y.time_range >> x.time_range)
            offset 0
        ) y
        where x.value_kind = 'time'
        union all
        -- none against a value: this claim says none, the other states a value (a range admitting 0 does not)
        select x.id, y.id, 'none_vs_value'
        from x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind not in ('none', 'unknown')
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
              and not coalesce(y.value_range @> 0::numeric, false)
            offset 0
        ) y
        where x.value_kind = 'none'
        union all
        select x.id, y.id, 'none_vs_value'
        from x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'none'
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
            offset 0
        ) y
        where x.value_kind not in ('none', 'unknown') and not coalesce(x.value_range @> 0::numeric, false)
        union all
        -- stance: the opposite stance on the same proposition
        select x.id, y.id, 'stance'
        from x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'stance'
              and lower(btrim(y.proposition)) = lower(btrim(x.proposition)) and y.stance <> x.stance
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
            offset 0
        ) y
        where x.value_kind = 'stance'
    ),
    pairs as (
        select least(xid, yid) as a, greatest(xid, yid) as b, rule, 1 as priority
        from found
        where xid <> yid
        union all
        select least(l.from_claim, l.to_claim), greatest(l.from_claim, l.to_claim), 'contradicts', 2
        from claim_links l
        join claims f on f.id = l.from_claim and f.status <> 'retracted'
        join claims t on t.id = l.to_claim and t.status <> 'retracted'
        where l.from_claim = any(ids) or l.to_claim = any(ids)
    )
    select distinct on (a, b) a, b, rule, conflict_scope(a, b)
    from pairs
    order by a, b, priority
$$;
