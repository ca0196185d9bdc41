-- Whose voice supports a claim in a source: independence counts voices, not outlets. The innermost speaker of the
-- claim's attribution (its asserter), as the same speaker a curator may have said it is; else the source's own voice,
-- which is the agency or the source it republishes (a wire copy is the wire's voice), else the subject its outlet
-- names (an outlet and an asserter of the same organisation are one voice), else the outlet, else the source itself.
-- The key tells voices apart; the name is for people.
create or replace function claim_voice(claim bigint, source bigint) returns table (key text, name text)
language sql stable parallel safe as $$
    with recursive original (id, depth) as (
        select source, 0
        union all
        select s.republishes_source_id, o.depth + 1 from original o join sources s on s.id = o.id
        where s.republishes_source_id is not null and o.depth < 10
    ),
    own as (select s.* from original o join sources s on s.id = o.id order by o.depth desc limit 1),
    speaker as (
        select coalesce(a.same_as_id, a.id) as id from claims c join subjects a on a.id = c.asserted_by where c.id = claim
    ),
    outlet_subject as (
        select coalesce(sub.same_as_id, sub.id) as id
        from own join subject_aliases al on al.alias_key = lower(btrim(own.outlet)) join subjects sub on sub.id = al.subject_id
    )
    select 'subject:' || v.id, (select name from subjects where id = v.id)
    from (select coalesce((select id from speaker), (select republishes_agency_id from own), (select id from outlet_subject)) as id) v
    where v.id is not null
    union all
    select coalesce('outlet:' || lower(btrim(own.outlet)), 'source:' || own.id), coalesce(own.outlet, own.title)
    from own
    where (select id from speaker) is null and own.republishes_agency_id is null and not exists (select 1 from outlet_subject)
$$;
