-- Brings everything derived from the given claims up to date, inside the writing transaction: their search
-- documents and their conflicts (opened, closed with the reason, or reopened). Every path that changes a claim, or
-- something a claim's derived data reads (a subject's names, a property, a passage), ends with this one call, so
-- no path can forget a step. The bulk import computes search documents as it copies and calls maintain_conflicts.
create or replace function refresh_claims(ids bigint[], curator bigint) returns void
language plpgsql as $$
begin
    update claims c set search = claim_search(c.subject_id, c.property_id, c.asserted_by,
            claim_words(c.stated_as, c.text_value, c.proposition, c.unit, c.location),
            -- each passage as its source reads now: where a corrected revision moved or changed it, its text there
            (select string_agg(coalesce(pa.exact, ps.exact), ' ' order by ps.id)
             from claim_evidence e join passages ps on ps.id = e.passage_id
             left join passage_anchors pa on pa.passage_id = ps.id and pa.revision_id = ps.state_revision_id
             where e.claim_id = c.id),
            c.note)
    where c.id = any(ids);
    perform maintain_conflicts(ids, curator);
end
$$;
