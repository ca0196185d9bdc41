-- Claims are comparable when they share subject and property and their valid times overlap or either has none.
-- Every rule that pairs claims (conflicting_pairs, agreeing_claims) calls this one.
create or replace function claims_comparable(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select x.id <> y.id and x.subject_id = y.subject_id and x.property_id = y.property_id
       and x.status <> 'retracted' and y.status <> 'retracted'
       and (x.valid_range is null or y.valid_range is null or x.valid_range && y.valid_range)
$$;
