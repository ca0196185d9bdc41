-- The unit a figure counts, as one key: its wording (wording_key, migration 0014), its last word made singular by the
-- regular English plural ("troops" is "troop", "casualties" "casualty", "service members" "service member"), then
-- the unit that spelling counts as (unit_synonyms, migration 0014: "soldier", "service member" and "personnel" are
-- "troop"; "people" is "person"). Units not listed are their own: "soldiers" and "civilians" stay two units.
create or replace function unit_key(unit text) returns text
language sql stable parallel safe as $$
    select coalesce((select s.canonical from unit_synonyms s where s.unit = k.singular), k.singular)
    from (select regexp_replace(regexp_replace(wording_key(unit), 'ies$', 'y'), '([^s])s$', '\1') as singular) k
$$;

-- Whether two figures are in one unit: either unstated, the same name, or one unit by unit_key. The name is tried
-- first so that most pairs (one property, one unit) never read the synonyms.
create or replace function same_unit(a text, b text) returns boolean
language sql stable parallel safe as $$
    select a is null or b is null or lower(a) = lower(b) or unit_key(a) = unit_key(b)
$$;
