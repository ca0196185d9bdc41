-- Whether one figure is a hedge close to the other, an exact figure, on one side of it ("nearly 2,500" or "just over
-- 2,500" against "2,500"): both state the same amount, and the round figure may itself be rounded. They do not
-- conflict (conflicting_pairs) and they agree.
create or replace function claims_state_same_figure(x claims, y claims) returns boolean
language sql immutable parallel safe as $$
    select coalesce(x.amount = y.amount
               and ((x.hedge in ('nearly', 'just_over') and y.approximation = 'exact')
                    or (y.hedge in ('nearly', 'just_over') and x.approximation = 'exact')), false)
$$;

-- Whether two comparable claims state the same thing: quantities whose ranges meet (in one unit: same_unit), or one a
-- hedge close to the other (claims_state_same_figure); dates whose
-- constraints on the moment meet ("in September 2025" meets "by September 2025") or that name one moment in two time
-- zones (claims_same_moment), or, for a due date (a deadline),
-- the same day due ("by 2026" and "by the end of 2026" are both due on 31 December 2026); the same stance on the same
-- proposition and the same text, each by its wording key (wording_key, migration 0014: case, spacing, typographic quotes
-- and trailing punctuation aside); both none; or none and a figure of exactly zero ("no one was killed" and "the death
-- toll is 0").
create or replace function claims_agree(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select case
        when x.value_kind = 'quantity' and y.value_kind = 'quantity'
            then same_unit(x.unit, y.unit) and (x.value_range && y.value_range or claims_state_same_figure(x, y))
        when x.value_kind = 'time' and y.value_kind = 'time'
            then case when (select p.time_semantics from properties p where p.id = x.property_id) = 'due'
                      then upper(x.time_range) = upper(y.time_range)
                      else x.time_constraint && y.time_constraint or claims_same_moment(x, y) end
        when x.value_kind = 'stance' and y.value_kind = 'stance'
            then wording_key(x.proposition) = wording_key(y.proposition) and x.stance = y.stance
        when x.value_kind = 'text' and y.value_kind = 'text'
            then wording_key(x.text_value) = wording_key(y.text_value)
        when x.value_kind = 'none' and y.value_kind = 'quantity'
            then y.value_range = '[0,0]'::numrange
        when x.value_kind = 'quantity' and y.value_kind = 'none'
            then x.value_range = '[0,0]'::numrange
        else x.value_kind = 'none' and y.value_kind = 'none'
    end
$$;
