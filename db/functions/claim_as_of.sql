-- As of when a claim's value holds: its valid time; else when its asserter said it; else the earliest publication date
-- among its supporting sources, each at its own precision ("a report of September 2024" holds as of September 2024).
-- Null when nothing dates the claim (an undated page quoting no date). refresh_claims keeps claims.as_of by it, and the
-- bulk import computes it as it copies, by claim_as_of_from.
create or replace function claim_as_of_from(valid daterange, stated date, stated_precision text, published date, published_precision text)
returns daterange language sql immutable parallel safe as $$
    select coalesce(valid, period(stated, stated_precision), period(published, published_precision))
$$;

create or replace function claim_as_of_basis_from(valid daterange, stated date, published date) returns text
language sql immutable parallel safe as $$
    select case when valid is not null then 'valid' when stated is not null then 'stated' when published is not null then 'published' end
$$;

-- The earliest dated supporting source of a claim.
create or replace function claim_earliest_report(claim bigint) returns table (published_on date, published_precision text)
language sql stable parallel safe as $$
    select so.published_on, so.published_precision
    from claim_evidence e join sources so on so.id = e.source_id
    where e.claim_id = claim and e.stance = 'supports' and so.published_on is not null
    order by so.published_on, so.id limit 1
$$;

-- A claim's valid period from its columns, as claims.valid_range (migration 0002) is generated.
create or replace function claim_valid_range(valid_from date, valid_to date, valid_to_precision text) returns daterange
language sql immutable parallel safe as $$
    select case when valid_from is null and valid_to is null then null else daterange(valid_from, period_end(valid_to, valid_to_precision)) end
$$;
