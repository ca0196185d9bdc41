-- A claim's full-text document: its subject's names (weight A), its own words, its property's label and its
-- asserter's name (B), the text of its passages (C) and the curator's note (D). One definition for single writes
-- and bulk imports; refresh_claims() keeps every claim's document current when any of these changes.
create or replace function claim_search(subject bigint, property bigint, asserter bigint, words text, passages text, note text)
returns tsvector language sql stable parallel safe as $$
    select setweight(to_tsvector('english', coalesce((select string_agg(alias, ' ') from subject_aliases where subject_id = subject), '')), 'A')
        || setweight(to_tsvector('english', concat_ws(' ', (select label from properties where id = property), words,
               (select name from subjects where id = asserter))), 'B')
        || setweight(to_tsvector('english', coalesce(passages, '')), 'C')
        || setweight(to_tsvector('english', coalesce(note, '')), 'D')
$$;

-- The claim's own words for its search document: every caller passes the same columns.
create or replace function claim_words(stated_as text, text_value text, proposition text, unit text, location text) returns text
language sql immutable parallel safe as $$
    select concat_ws(' ', stated_as, text_value, proposition, unit, location)
$$;
