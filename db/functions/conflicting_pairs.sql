-- Every pair involving the given claims that conflicts now, by value rule or by explicit link, with its scope.
-- Each branch seeks, per claim, only the claims that can conflict with it under its rule (as index conditions over
-- the GiST indexes of migration 0003), then asks claims_comparable whether the two may be compared at all. A
-- per-claim index seek however many claims are given: a hash join over a whole group would compare every pair in
-- it, so each seek is a LATERAL subquery kept apart by OFFSET 0 (which stops the planner from flattening it).
create or replace function conflicting_pairs(ids bigint[]) returns table (claim_a bigint, claim_b bigint, rule text, scope text)
language sql stable as $$
    with found as (
        -- quantity: at an overlapping time, the other range lies wholly below or wholly above this one
        select x.id as xid, y.id as yid, 'quantity' as rule
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'quantity'
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and (y.value_range << x.value_range or y.value_range >> x.value_range)
              and (x.unit is null or y.unit is null or lower(x.unit) = lower(y.unit))
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'quantity'
        union all
        -- time: at an overlapping valid time, the other period ends before this one starts, or starts after it ends
        select x.id, y.id, 'time'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'time' and y.time_modifier = x.time_modifier
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and (y.time_range << x.time_range or y.time_range >> x.time_range)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'time'
        union all
        -- none against a value: one claim says there is none, the other states a value (a range admitting 0 does not)
        select x.id, y.id, 'none_vs_value'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind not in ('none', 'unknown')
              and not coalesce(y.value_range @> 0::numeric, false)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'none'
        union all
        select x.id, y.id, 'none_vs_value'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'none'
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind not in ('none', 'unknown') and not coalesce(x.value_range @> 0::numeric, false)
        union all
        -- stance: the opposite stance on the same proposition
        select x.id, y.id, 'stance'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'stance'
              and lower(btrim(y.proposition)) = lower(btrim(x.proposition)) and y.stance <> x.stance
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'stance'
    ),
    pairs as (
        select least(xid, yid) as a, greatest(xid, yid) as b, rule, 1 as priority
        from found
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
