-- Wire copies found, not only stated: a source whose text is mostly another's (a newspaper running an agency's story,
-- lightly edited) is proposed as its copy, for a curator to confirm or dismiss (docs/conflicts.md, "Wire copies").
--
-- A text's fingerprint is a sample of its 8-word shingles (w-shingling, as Broder's resemblance measure): the words
-- lower-cased, punctuation and spacing dropped, every run of eight consecutive words hashed, and one hash in four kept
-- (the ones divisible by 4, so two texts keep the same sample of the runs they share). Edits within a sentence lose only
-- the runs that cross them. The fingerprint is stored data, so a change to how it is taken is a new migration that
-- recomputes it, not a rule file.
create function source_shingles(body text) returns setof bigint
language sql immutable parallel safe as $$
    select distinct s.h from (
        select hashtextextended(string_agg(t.word, ' ') over w, 0) as h, count(*) over w as n
        from regexp_split_to_table(lower(body), '[^[:alnum:]]+') with ordinality as t (word, at)
        where t.word <> ''
        window w as (order by t.at rows between current row and 7 following)
    ) s
    where s.n = 8 and s.h % 4 = 0
$$;

-- The fingerprint of each source's latest revision.
create table source_shingles (
    source_id bigint not null references sources (id),
    hash      bigint not null,
    primary key (source_id, hash)
);
create index source_shingles_hash on source_shingles (hash);

-- A new latest revision (the first text, or a corrected one) replaces its source's fingerprint, whichever path wrote it.
create function source_revision_shingles() returns trigger
language plpgsql as $$
begin
    if exists (select 1 from source_revisions r where r.source_id = new.source_id and r.number > new.number) then
        return null;
    end if;
    delete from source_shingles where source_id = new.source_id;
    insert into source_shingles (source_id, hash) select new.source_id, h from source_shingles(new.body) h;
    return null;
end
$$;
create trigger source_revision_shingles after insert on source_revisions
    for each row execute function source_revision_shingles();

insert into source_shingles (source_id, hash)
select r.source_id, h
from source_revisions r cross join lateral source_shingles(r.body) h
where r.number = (select max(x.number) from source_revisions x where x.source_id = r.source_id);

-- A curator's "not a copy" on a proposed pair, kept once per pair (the lower id first) so it is not proposed again.
-- A confirmed copy needs no row here: it is the copy's republishes_source_id (0009).
create table source_copy_dismissals (
    source_id  bigint not null references sources (id),
    other_id   bigint not null references sources (id),
    reason     text,
    created_at timestamptz not null default now(),
    created_by bigint not null references curators (id),
    primary key (source_id, other_id),
    check (source_id < other_id)
);

-- Answers read them (a source's proposed copies): their changes count toward the ETags, as every such table's do (0010).
create trigger source_shingles_count_change after insert or update or delete or truncate on source_shingles
    for each statement execute function count_change();
create trigger source_copy_dismissals_count_change after insert or update or delete or truncate on source_copy_dismissals
    for each statement execute function count_change();
