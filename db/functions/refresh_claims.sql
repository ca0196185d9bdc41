-- Brings everything derived from the given claims up to date, inside the writing transaction: their as-of times
-- (claim_as_of_from), their search documents and their conflicts (opened, closed with the reason, or reopened). Every path that changes a claim, or
-- something a claim's derived data reads (a subject's names, a property, a passage), ends with this one call, so
-- no path can forget a step. The bulk import computes search documents as it copies and calls maintain_conflicts.
--
-- A write's few claims are planned once per connection (plan_cache_mode = force_generic_plan, for this call only):
-- with the as-of and breakdown rules inlined, planning the conflict statement for each call's own ids took 20 to 30
-- ms, running it 1 to 2. A batch of many claims (an import, the refresh at start) is planned for its ids.
create or replace function refresh_claims(ids bigint[], curator bigint) returns void
language plpgsql as $$
declare
    mode text := current_setting('plan_cache_mode');
begin
    if cardinality(ids) <= 64 then
        perform set_config('plan_cache_mode', 'force_generic_plan', true);
    end if;
    -- A part's conflicts are its whole's and its siblings' too (the breakdown rule sums them).
    ids := ids || array(
        select w from claims x cross join lateral (values (x.part_of)) v (w) where x.id = any(ids) and x.part_of is not null
        union
        select s.id from claims x join claims s on s.part_of = coalesce(x.part_of, x.id) where x.id = any(ids));
    update claims c set
        as_of = claim_as_of_from(c.valid_range, c.stated_on, c.stated_precision, r.published_on, r.published_precision),
        as_of_basis = claim_as_of_basis_from(c.valid_range, c.stated_on, r.published_on),
        search = claim_search(c.subject_id, c.property_id, c.asserted_by,
            claim_words(c.stated_as, c.text_value, c.proposition, c.unit, c.location),
            -- each passage as its source reads now: where a corrected revision moved or changed it, its text there
            (select string_agg(coalesce(pa.exact, ps.exact), ' ' order by ps.id)
             from claim_evidence e join passages ps on ps.id = e.passage_id
             left join passage_anchors pa on pa.passage_id = ps.id and pa.revision_id = ps.state_revision_id
             where e.claim_id = c.id),
            c.note)
    from (select i.id, e.published_on, e.published_precision
          from (select distinct unnest(ids)) as i (id) left join lateral claim_earliest_report(i.id) e on true) r
    where c.id = r.id;
    perform maintain_conflicts(ids, curator);
    perform set_config('plan_cache_mode', mode, true);
end
$$;
