-- A conflict is internal when one voice contradicts itself within one source: same asserter (or both the
-- source's own voice) and a source in common. Otherwise it is a conflict between reports.
create or replace function conflict_scope(a bigint, b bigint) returns text
language sql stable parallel safe as $$
    select case when (select x.asserted_by is not distinct from y.asserted_by from claims x, claims y where x.id = a and y.id = b)
                 and exists (select 1 from claim_evidence ea join claim_evidence eb on eb.source_id = ea.source_id
                             where ea.claim_id = a and eb.claim_id = b)
           then 'internal' else 'between_reports' end
$$;
