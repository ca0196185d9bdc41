-- Judgments an editor would sign (docs/conflicts.md): two wordings of one proposition or text that differ only in case,
-- spacing, typographic quotes or trailing punctuation are one wording. The rules that use it are in db/functions/.

-- The one key a stance's proposition and a text value are compared by: typographic quotes and apostrophes read as
-- straight ones, every run of spaces (tabs, line breaks, non-breaking spaces) as one space, trailing punctuation (also
-- inside a closing quotation mark, which stays) and surrounding spaces dropped, lower case. "A US withdrawal from Iraq
-- was under discussion." and "a US  withdrawal from Iraq was under discussion" have one key; "the coalition’s mission"
-- and "the coalition's mission" too, and “No need.” and "No need". Words and inner punctuation still count: "leave by
-- September 2025" and "leave by September 2026" are two propositions.
--
-- Defined here, not in db/functions/: the indexes below are built on it, and a rule file is re-applied whenever it
-- changes, which would leave those indexes holding keys of the old definition (PostgreSQL trusts an immutable function
-- never to change, so nothing would rebuild them and the seeks would silently miss). A new key is a new migration that
-- replaces the function and rebuilds both indexes in the same transaction.
create function wording_key(wording text) returns text
language sql immutable parallel safe as $$
    select lower(btrim(regexp_replace(regexp_replace(
        translate(wording, '‘’‚‛′“”„‟″', '''''''''''"""""'),
        '[[:space:]\u00a0\u2007\u202f]+', ' ', 'g'),
        '[[:space:].,;:!?…]+(["'']?)[[:space:].,;:!?…]*$', '\1')))
$$;

-- The stance and text seeks of conflicting_pairs and agreeing_claims look up by that key (they replace the indexes of
-- 0003 and 0006, which were on lower(btrim(...))).
drop index claims_group_stance;
create index claims_group_stance on claims (subject_id, property_id, wording_key(proposition), stance)
    where status <> 'retracted' and value_kind = 'stance';
drop index claims_group_text;
create index claims_group_text on claims (subject_id, property_id, wording_key(text_value))
    where status <> 'retracted' and value_kind = 'text';
