-- Every pair involving the given claims that conflicts now, by value rule, by breakdown or by explicit link, with its
-- scope and how sure it is (conflict_certainty). Each branch seeks, per claim, only the claims that can conflict with it
-- under its rule (as index conditions over the GiST indexes of migration 0018: subject and property, the as-of time
-- widened by the property's window, the valid time, the value range or the date's constraint), then asks
-- claims_comparable whether the two may be compared at all. A per-claim index seek however many claims are given: a
-- hash join over a whole group would compare every pair in it, so each seek is a LATERAL subquery kept apart by
-- OFFSET 0. The value and date seeks look on each side of the claim (the side lateral: everything below its lower end,
-- everything above its upper end), so the index itself skips the claims that overlap it, which agree; the exact test
-- (<< or >>) stays beside it. Valid times are written as ranges that always exist (an unstated one is unbounded), so the
-- index can use them too: a series stated year by year is no longer read whole to keep the years that overlap. A
-- claim's as-of window is computed once (the xw lateral) and handed to its seek as a value, so the GiST index on as_of
-- can use it and no candidate calls as_of_window again. The walk down from a broader subject to its narrower ones is
-- made once per subject and property among the given claims (narrower_candidates), not once per claim.
drop function if exists conflicting_pairs(bigint[]);
create function conflicting_pairs(ids bigint[])
returns table (claim_a bigint, claim_b bigint, rule text, scope text, certainty text, certainty_reason text)
language sql stable as $$
    with wholes as materialized (
        -- the given figures that narrower subjects' figures can stand above: counts with a top, of subjects that have
        -- narrower ones (most have none: one probe of subjects_broader spares them the walk), each with its as-of window
        select x, as_of_window(x.as_of, x.property_id) as w
        from claims x
        where x.id = any(ids) and x.value_kind = 'quantity' and not upper_inf(x.value_range)
          and (select p.non_negative from properties p where p.id = x.property_id)
          and (select true from subjects c where c.broader_id = x.subject_id limit 1)
    ),
    narrower_candidates as materialized (
        -- The figures of narrower subjects (at any level, narrower_subjects) that any of them could stand below: one walk,
        -- and one seek per narrower subject, for each subject and property among the given claims rather than for each
        -- claim (an import brings many figures of one country, and each walked all its camps). A seek takes what is
        -- above the least of their tops, in the span of their as-of windows. Materialized, so that the planner cannot
        -- join the figures first and walk once per figure again.
        select g.subject_id, g.property_id, c.y
        from (
            select (b.x).subject_id as subject_id, (b.x).property_id as property_id,
                   min(upper((b.x).value_range)) as low, range_merge(range_agg(b.w)) as w
            from wholes b group by 1, 2
        ) g
        cross join lateral narrower_subjects(g.subject_id) n
        cross join lateral (
            select y from claims y
            where y.subject_id = n.id and y.property_id = g.property_id
              and y.status <> 'retracted' and y.value_kind = 'quantity'
              and coalesce(y.as_of, '(,)'::daterange) && g.w
              and y.value_range && numrange(g.low, null)
            offset 0
        ) c
    ),
    found as (
        -- quantity: the other range lies wholly below or wholly above this one (in one unit: same_unit, so 2,500 "troops"
        -- and 3,000 "soldiers" are compared), unless one is a hedge close to the other ("nearly 2,500" and "2,500":
        -- claims_state_same_figure)
        select x.id as xid, y.id as yid, 'quantity' as rule
        from claims x cross join lateral (select as_of_window(x.as_of, x.property_id) as w offset 0) xw
        cross join lateral (
            select numrange(null, lower(x.value_range), case when lower_inc(x.value_range) then '()' else '(]' end) where not lower_inf(x.value_range)
            union all
            select numrange(upper(x.value_range), null, case when upper_inc(x.value_range) then '()' else '[)' end) where not upper_inf(x.value_range)
        ) side (r)
        cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'quantity'
              and coalesce(y.as_of, '(,)'::daterange) && xw.w
              and y.value_range <@ side.r
              and (y.value_range << x.value_range or y.value_range >> x.value_range)
              and same_unit(x.unit, y.unit)
              and not claims_state_same_figure(x, y)
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'quantity'
        union all
        -- time, a moment: what the two say of the moment cannot both hold ("on 29 August" and "in September"; "by June"
        -- and "in September"), unless their times of day and zones make them one moment (claims_same_moment)
        select x.id, y.id, 'time'
        from claims x cross join lateral (select as_of_window(x.as_of, x.property_id) as w offset 0) xw
        cross join lateral (
            select daterange(null, lower(x.time_constraint), case when lower_inc(x.time_constraint) then '()' else '(]' end) where not lower_inf(x.time_constraint)
            union all
            select daterange(upper(x.time_constraint), null, case when upper_inc(x.time_constraint) then '()' else '[)' end) where not upper_inf(x.time_constraint)
        ) side (r)
        cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'time'
              and coalesce(y.as_of, '(,)'::daterange) && xw.w
              and y.time_constraint <@ side.r
              and (y.time_constraint << x.time_constraint or y.time_constraint >> x.time_constraint)
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and not claims_same_moment(x, y)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'time'
          and (select p.time_semantics from properties p where p.id = x.property_id) = 'moment'
        union all
        -- time, a due date: two deadlines for one thing that fall due on different days
        select x.id, y.id, 'time'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'time'
              and upper(y.time_range) <> upper(x.time_range)
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'time'
          and (select p.time_semantics from properties p where p.id = x.property_id) = 'due'
        union all
        -- none against a value: one claim says there is none, the other states a value (a range admitting 0 does not)
        select x.id, y.id, 'none_vs_value'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind not in ('none', 'unknown')
              and not coalesce(y.value_range @> 0::numeric, false)
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
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
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind not in ('none', 'unknown') and not coalesce(x.value_range @> 0::numeric, false)
        union all
        -- stance: the opposite stance on the same proposition, compared by its wording key (wording_key, migration 0014,
        -- which claims_group_stance indexes: a trailing full stop or a curly apostrophe is not another proposition)
        select x.id, y.id, 'stance'
        from claims x cross join lateral (
            select y.id from claims y
            where y.subject_id = x.subject_id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'stance'
              and wording_key(y.proposition) = wording_key(x.proposition) and y.stance <> x.stance
              and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
              and claims_comparable(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'stance'
        union all
        -- breakdown: the parts of a whole add up to more than the whole can be (the least each part allows, summed,
        -- above the most the whole allows); the whole is paired with each of its parts. From the given claims to their
        -- wholes to the parts, each a LATERAL kept apart by OFFSET 0, in that order whatever the statistics say: a plan
        -- cached while the table was small (maintain_conflicts runs this statement on every write) could otherwise start
        -- from every quantity claim and sum the parts of each, minutes once thousands of claims were added by a bulk write.
        select w.id, part.id, 'breakdown'
        from (select distinct coalesce(x.part_of, x.id) as whole from claims x where x.id = any(ids)) g
        cross join lateral (
            select w.id, w.value_range from claims w
            where w.id = g.whole and w.status <> 'retracted' and w.value_kind = 'quantity'
            offset 0
        ) w
        cross join lateral (
            select part.id from claims part
            where part.part_of = w.id and part.status <> 'retracted' and part.value_kind = 'quantity'
            offset 0
        ) part
        where (select sum(lower(p.value_range)) from claims p
               where p.part_of = w.id and p.status <> 'retracted' and p.value_kind = 'quantity') > upper(w.value_range)
        union all
        -- a narrower subject's figure above the total of a subject it is part of, at any level up (a camp's count above
        -- its country's, or above its region's), for the same property at a comparable time (for counts: properties
        -- whose figures are never negative). One seek per broader subject (broader_subjects, bounded depth).
        select x.id, y.id, 'exceeds_broader'
        from claims x
        cross join lateral (select as_of_window(x.as_of, x.property_id) as w offset 0) xw
        cross join lateral broader_subjects(x.subject_id) b
        cross join lateral (
            select y.id from claims y
            where y.subject_id = b.id and y.property_id = x.property_id
              and y.status <> 'retracted' and y.value_kind = 'quantity'
              and coalesce(y.as_of, '(,)'::daterange) && xw.w
              and y.value_range << x.value_range
              and same_unit(x.unit, y.unit)
              and not claims_state_same_figure(x, y)
              and coalesce(y.valid_range, '(,)'::daterange) && coalesce(x.valid_range, '(,)'::daterange)
              and claims_comparable_in_time(x, y)
            offset 0
        ) y
        where x.id = any(ids) and x.value_kind = 'quantity'
          and (select p.non_negative from properties p where p.id = x.property_id)
        union all
        -- From a broader subject's figures down to its narrower subjects' (narrower_candidates), each candidate held to
        -- the same conditions as the walk up, figure by figure.
        select (c.y).id, (b.x).id, 'exceeds_broader'
        from narrower_candidates c
        join wholes b on (b.x).subject_id = c.subject_id and (b.x).property_id = c.property_id
        where coalesce((c.y).as_of, '(,)'::daterange) && b.w
          and (c.y).value_range >> (b.x).value_range
          and same_unit((b.x).unit, (c.y).unit)
          and not claims_state_same_figure(b.x, c.y)
          and coalesce((c.y).valid_range, '(,)'::daterange) && coalesce((b.x).valid_range, '(,)'::daterange)
          and claims_comparable_in_time(b.x, c.y)
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
    ),
    chosen as (
        select distinct on (a, b) a, b, rule from pairs order by a, b, priority
    )
    select c.a, c.b, c.rule, conflict_scope(c.a, c.b), k.certainty, k.reason
    from chosen c
    join claims x on x.id = c.a
    join claims y on y.id = c.b
    cross join lateral conflict_certainty(x, y, c.rule) k
$$;
