-- Corrected articles: a source keeps every revision of its text (source_revisions), and each new revision
-- re-anchors every passage of the source. Where a passage stands in each later revision, and how sure that is,
-- is a passage_anchors row: exact, moved, fuzzy (a close match, for a curator to review) or orphaned (nothing good
-- enough; the passage keeps its place in the revision it was made in, and its claims keep their evidence).

create table passage_anchors (
    passage_id   bigint not null references passages (id),
    revision_id  bigint not null references source_revisions (id),
    state        text not null check (state in ('exact', 'moved', 'fuzzy', 'orphaned')),
    start_offset int,
    end_offset   int,
    exact        text,
    prefix       text,
    suffix       text,
    -- 1 for exact and moved; the match's score for fuzzy; the best rejected score for orphaned.
    score        numeric(4, 3) not null,
    -- The text the passage had in the revision it was re-anchored from, to show beside the new one.
    from_exact   text not null,
    created_at   timestamptz not null default now(),
    primary key (passage_id, revision_id),
    check ((state = 'orphaned') = (start_offset is null))
);

-- Each passage's standing in its source's latest revision: what claim queries and the review list read.
alter table passages
    add column state text not null default 'exact' check (state in ('exact', 'moved', 'fuzzy', 'orphaned')),
    add column state_revision_id bigint references source_revisions (id);

create index passages_needing_review on passages (source_id, id) where state in ('fuzzy', 'orphaned');
