-- Claim documents kept ready: GET /claims/{id} answers with the JSON the app wrote the last time it built that claim's
-- answer, as long as nothing the answer reads has changed since (docs/performance.md, "Claim documents").
--
-- A claim's answer reads its own rows (the claim, its evidence, passages and sources, attribution, conflicts) and, for
-- its corroboration, every other claim of its subject and property. So a change is recorded once per subject and
-- property it touches (claim_group_epochs: one counter bumped, however many claims the group holds), and once for all
-- claims when it touches what every answer may read (claim_document_epoch: names of subjects, properties and
-- curators, the rules). A document is served only while both counters it was built at are current; else the app
-- builds the answer again and keeps the new document. No write rewrites documents: a write into a group of 10,000
-- agreeing claims bumps one row.
--
-- The counters are read before the answer is built, and every change bumps them in its own transaction, so a document
-- built from data older than a change always carries an older counter: it can be kept, but never served.
create table claim_group_epochs (
    subject_id  bigint not null,
    property_id bigint not null,
    epoch       bigint not null,
    primary key (subject_id, property_id)
);

create table claim_document_epoch (
    only_row boolean primary key default true check (only_row),
    epoch    bigint not null
);
insert into claim_document_epoch (epoch) values (0);

-- No foreign key: a document is a cache of an answer, checked against the claim at every read (its subject, property
-- and version), and deleted with its claim by the trigger below.
create table claim_documents (
    claim_id     bigint primary key,
    subject_id   bigint not null,
    property_id  bigint not null,
    version      int not null,
    group_epoch  bigint not null,
    global_epoch bigint not null,
    format       uuid not null,   -- the build that wrote it: another build may write the answer differently
    body         bytea not null   -- the answer's UTF-8 JSON, as the endpoint sends it
);

-- Sources whose organisation an alias names (claim_voice reads an outlet through subject_aliases), and the sources
-- that republish a source: both are how a change reaches the claims citing a source.
create index sources_outlet_key on sources (lower(btrim(outlet))) where outlet is not null;
create index sources_republishes on sources (republishes_source_id) where republishes_source_id is not null;

-- Bumps the groups of the given claims, in key order (two writers bump shared groups in the same order).
create function touch_claim_groups(claim_ids bigint[]) returns void
language sql as $$
    insert into claim_group_epochs as g (subject_id, property_id, epoch)
    select distinct c.subject_id, c.property_id, 1 from claims c where c.id = any(claim_ids)
    order by 1, 2
    on conflict (subject_id, property_id) do update set epoch = g.epoch + 1
$$;

-- The claims citing the given sources, or citing a source that republishes one of them (claim_voice follows the chain).
create function claims_citing_sources(source_ids bigint[]) returns bigint[]
language sql stable as $$
    with recursive cited (id, depth) as (
        select unnest(source_ids), 0
        union
        select s.id, c.depth + 1 from cited c join sources s on s.republishes_source_id = c.id where c.depth < 10
    )
    select coalesce(array_agg(distinct e.claim_id), array[]::bigint[])
    from claim_evidence e where e.source_id in (select id from cited)
$$;

create function touch_claim_documents() returns trigger
language plpgsql as $$
declare
    -- The changed rows: a transition table exists only for the events that have it, so the queries are built for the
    -- event at hand (%1$s: the columns wanted).
    changed text := case tg_op
        when 'INSERT' then 'select %1$s from new_rows'
        when 'DELETE' then 'select %1$s from old_rows'
        else 'select %1$s from new_rows union all select %1$s from old_rows' end;
    ids bigint[];
begin
    if tg_op = 'TRUNCATE' then
        update claim_document_epoch set epoch = epoch + 1;
        return null;
    end if;
    case tg_table_name
    when 'claims' then
        -- The group a claim leaves and the one it joins; a deleted claim's document goes with it.
        execute 'insert into claim_group_epochs as g (subject_id, property_id, epoch) '
             || 'select distinct subject_id, property_id, 1 from (' || format(changed, 'subject_id, property_id') || ') t '
             || 'order by 1, 2 on conflict (subject_id, property_id) do update set epoch = g.epoch + 1';
        if tg_op = 'DELETE' then
            delete from claim_documents d using old_rows o where d.claim_id = o.id;
        end if;
        return null;
    when 'claim_evidence', 'claim_attributions' then
        execute 'select array(' || format(changed, 'claim_id') || ')' into ids;
    when 'claim_links' then
        execute 'select array(' || format(changed, 'unnest(array[from_claim, to_claim])') || ')' into ids;
    when 'conflicts' then
        execute 'select array(' || format(changed, 'unnest(array[claim_a, claim_b])') || ')' into ids;
    when 'passages' then
        execute 'select array(select e.claim_id from claim_evidence e where e.passage_id in (' || format(changed, 'id') || '))' into ids;
    when 'sources' then
        execute 'select claims_citing_sources(array(' || format(changed, 'id') || '))' into ids;
    when 'subject_aliases' then
        -- An alias may name (or stop naming) the organisation behind an outlet.
        execute 'select claims_citing_sources(array(select s.id from sources s where s.outlet is not null and lower(btrim(s.outlet)) in ('
             || format(changed, 'alias_key') || ')))' into ids;
    else
        -- subjects, properties, curators, source_revisions, the rules: names and definitions any answer may show. An
        -- update that changes nothing (an upsert of a curator's key, say) leaves every answer as it was.
        -- (Nested: the inner statement names transition tables that only an update has.)
        if tg_op = 'UPDATE' and tg_table_name <> 'schema_rules' then
            if not exists (select 1 from old_rows o join new_rows n on n.id = o.id where to_jsonb(o) is distinct from to_jsonb(n)) then
                return null;
            end if;
        end if;
        update claim_document_epoch set epoch = epoch + 1;
        return null;
    end case;
    if cardinality(ids) > 0 then
        perform touch_claim_groups(ids);
    end if;
    return null;
end
$$;

-- Transition tables need one trigger per event. Inserts of subjects, properties, curators, passages, sources and
-- revisions change no answer already built (nothing refers to them yet), so those tables trigger on update and delete.
do $$
declare
    t text;
    e text;
begin
    foreach t in array array['claims', 'claim_evidence', 'claim_attributions', 'claim_links', 'conflicts', 'subject_aliases'] loop
        execute format('create trigger %I after insert on %I referencing new table as new_rows for each statement execute function touch_claim_documents()', t || '_documents_insert', t);
    end loop;
    foreach t in array array['claims', 'claim_evidence', 'claim_attributions', 'claim_links', 'conflicts', 'subject_aliases',
                             'passages', 'sources', 'subjects', 'properties', 'curators', 'source_revisions'] loop
        execute format('create trigger %I after update on %I referencing old table as old_rows new table as new_rows for each statement execute function touch_claim_documents()', t || '_documents_update', t);
        execute format('create trigger %I after delete on %I referencing old table as old_rows for each statement execute function touch_claim_documents()', t || '_documents_delete', t);
        execute format('create trigger %I after truncate on %I for each statement execute function touch_claim_documents()', t || '_documents_truncate', t);
    end loop;
    foreach t in array array['schema_rules'] loop
        foreach e in array array['insert', 'update', 'delete', 'truncate'] loop
            execute format('create trigger %I after %s on %I for each statement execute function touch_claim_documents()', t || '_documents_' || e, e, t);
        end loop;
    end loop;
end
$$;
