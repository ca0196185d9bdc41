-- A unit name with its last word singular by the regular English plural: "troops" is "troop", "casualties"
-- "casualty", "service members" "service member"; "mass" stays.
create or replace function unit_singular(name text) returns text
language sql immutable parallel safe as $$
    select case
        when name like '%ies' then left(name, -3) || 'y'
        when name like '%s' and name not like '%ss' then left(name, -1)
        else name
    end
$$;

-- The unit a figure counts, as one key: the name in lower case without surrounding spaces, made singular
-- (unit_singular), then the unit that spelling counts as by the synonyms below. Units not listed are their own:
-- "soldiers" and "civilians" stay two units.
--
-- The synonyms are a rule, here rather than in a table: a change to this file is re-applied and brings every claim's
-- conflicts up to date, where a new row in a table would leave the stored conflicts as they were. No index or stored
-- column is built on it, so re-applying it leaves nothing stale. Plain string functions (no regular expression, no
-- table read), IMMUTABLE and one expression, so the planner inlines it: a seek may test it against thousands of
-- candidates in another unit name (about 2 microseconds each; a call to a function it could not inline took 30).
create or replace function unit_key(unit text) returns text
language sql immutable parallel safe as $$
    select case unit_singular(lower(btrim(unit)))
        -- a troop count, as the reports word it
        when 'soldier' then 'troop'
        when 'service member' then 'troop'
        when 'servicemember' then 'troop'
        when 'personnel' then 'troop'
        when 'military personnel' then 'troop'
        -- people killed or wounded
        when 'people' then 'person'
        else unit_singular(lower(btrim(unit)))
    end
$$;

-- Whether two figures are in one unit: either unstated, the same name, or one unit by unit_key. The name is compared
-- first, so that most pairs (one property, one unit) never compute a key.
create or replace function same_unit(a text, b text) returns boolean
language sql immutable parallel safe as $$
    select a is null or b is null or lower(a) = lower(b) or unit_key(a) = unit_key(b)
$$;
