-- Whether two claims may be compared at all, whatever their subjects: neither retracted, neither a part of another
-- claim (a part, "five of them in the raid", says nothing on its own about the whole question; parts are judged
-- against their whole by the breakdown rule of conflicting_pairs), valid times that overlap (or either has none), and, for a value that changes over time
-- (a troop count, a position), as-of times no further apart than the property's window (or either unknown: then a
-- conflict between them is only possible, see conflict_certainty). A value that does not change over time (a
-- founding year, an event's toll) is one fact whenever it is reported: its window is every time (as_of_window). No
-- sub-select here, so the planner inlines the function into the seeks that call it.
create or replace function claims_comparable_in_time(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select x.id <> y.id
       and x.status <> 'retracted' and y.status <> 'retracted'
       and x.part_of is null and y.part_of is null
       and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
       and (x.as_of is null or y.as_of is null or as_of_window(x.as_of, x.property_id) && y.as_of)
$$;

-- Claims are comparable when they share subject and property and may be compared in time.
-- Every rule that pairs claims (conflicting_pairs, agreeing_claims) calls this one.
create or replace function claims_comparable(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select x.subject_id = y.subject_id and x.property_id = y.property_id and claims_comparable_in_time(x, y)
$$;

-- The as-of period widened by the property's window: the as-of times a claim is compared with. A value that does not
-- change over time, or a claim with no as-of time, is compared at every time.
create or replace function as_of_window(as_of daterange, property bigint) returns daterange
language sql stable parallel safe as $$
    select case
        when as_of is null or not p.changes_over_time then '(,)'::daterange
        else daterange(lower(as_of) - p.window_days, upper(as_of) + p.window_days)
    end
    from properties p where p.id = property
$$;
