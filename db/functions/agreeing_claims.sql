-- The claims that agree with a claim: sought among its subject and property through the same GiST indexes as
-- conflicting_pairs (the as-of time within the property's window, and overlapping value ranges or date constraints,
-- the same amount, or the same due day), or by equality on the wording key of the stance's proposition or the text
-- (wording_key, migration 0014, as claims_group_stance and claims_group_text index it), or a none against a figure of
-- exactly zero; claims_comparable and claims_agree decide. Claims a curator linked as contradicting never agree.
create or replace function agreeing_claims(claim bigint) returns table (id bigint)
language sql stable as $$
    select y.id
    from claims x cross join lateral (select as_of_window(x.as_of, x.property_id) as w offset 0) xw
    cross join lateral (
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'quantity' and y.value_kind = 'quantity'
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.value_range && x.value_range
        union all
        -- a hedge close to a figure and the figure itself: "nearly 2,500" and "2,500" (claims_state_same_figure). From an
        -- exact figure, the few close hedges of its amount through claims_near_hedges (migration 0017), not every claim
        -- of the amount; from a close hedge (rare), the exact figures of its amount.
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'quantity' and x.approximation = 'exact' and y.value_kind = 'quantity' and y.hedge in ('nearly', 'just_over')
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.amount = x.amount and not (y.value_range && x.value_range)
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'quantity' and x.hedge in ('nearly', 'just_over') and y.value_kind = 'quantity' and y.approximation = 'exact'
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.amount = x.amount and not (y.value_range && x.value_range)
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'time' and y.value_kind = 'time'
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.time_constraint && x.time_constraint
        union all
        -- one moment in two zones: the days differ by one at most
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'time' and y.value_kind = 'time' and x.time_of_day is not null and y.time_of_day is not null
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.time_constraint && daterange(lower(x.time_constraint) - 1, upper(x.time_constraint) + 1)
          and not (y.time_constraint && x.time_constraint)
          and claims_same_moment(x, y)
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'time' and y.value_kind = 'time' and upper(y.time_range) = upper(x.time_range)
          and not (y.time_constraint && x.time_constraint)
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'stance' and y.value_kind = 'stance'
          and wording_key(y.proposition) = wording_key(x.proposition) and y.stance = x.stance
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'text' and y.value_kind = 'text'
          and wording_key(y.text_value) = wording_key(x.text_value)
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'none' and y.value_kind = 'none'
        union all
        -- none and a figure of exactly zero: "no one was killed" and "the death toll is 0"
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'none' and y.value_kind = 'quantity'
          and coalesce(y.as_of, '(,)'::daterange) && xw.w
          and y.value_range = '[0,0]'::numrange
        union all
        select y.* from claims y
        where y.subject_id = x.subject_id and y.property_id = x.property_id and y.status <> 'retracted'
          and x.value_kind = 'quantity' and x.value_range = '[0,0]'::numrange and y.value_kind = 'none'
    ) y
    where x.id = claim and claims_comparable(x, y) and claims_agree(x, y)
      and not exists (select 1 from claim_links l where (l.from_claim, l.to_claim) in ((x.id, y.id), (y.id, x.id)))
$$;
