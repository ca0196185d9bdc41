-- Wire copies found, not only stated: a source whose text is mostly another's (a newspaper running an agency's story,
-- lightly edited) is proposed as its copy, for a curator to confirm or dismiss (docs/conflicts.md, "Wire copies").
--
-- A text's fingerprint is a sample of the hashes of its eight-word runs (src/ClaimTracker.Api/Sources/SourceFingerprints.cs
-- says how it is taken). The app computes it where a text is written (a new source, a corrected text, an import), at a
-- few microseconds a kilobyte, and writes it beside the text; sources stored before this migration get theirs at the
-- next start. One row per source, for its latest revision; the GIN index finds the sources sharing any hash.
create table source_fingerprints (
    source_id bigint primary key references sources (id),
    revision  int not null,
    hashes    bigint[] not null
);
create index source_fingerprints_hashes on source_fingerprints using gin (hashes);

-- A curator's "not a copy" on a proposed pair, kept once per pair (the lower id first). A confirmed copy needs no row
-- here: it is the copy's republishes_source_id (0009).
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
create trigger source_fingerprints_count_change after insert or update or delete or truncate on source_fingerprints
    for each statement execute function count_change();
create trigger source_copy_dismissals_count_change after insert or update or delete or truncate on source_copy_dismissals
    for each statement execute function count_change();
