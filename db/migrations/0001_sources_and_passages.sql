-- Curators write; everybody reads. A key is stored only as its SHA-256, never in clear.
create table curators (
    id          bigint generated always as identity primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table api_keys (
    id          bigint generated always as identity primary key,
    curator_id  bigint not null references curators (id),
    key_hash    bytea not null unique,
    key_prefix  text not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

-- A source is an article. Its text lives in source_revisions, so a corrected article becomes a new
-- revision of the same source rather than an edit in place.
create table sources (
    id                  bigint generated always as identity primary key,
    title               text not null,
    subtitle            text,
    outlet              text,
    authors             text[] not null default '{}',
    url                 text unique,
    language            text not null,
    published_on        date,
    published_precision text check (published_precision in ('day', 'month', 'year')),
    -- the first day after the published period, so range filters compare whole periods
    published_until     date generated always as (
        case published_precision
            when 'day' then published_on + 1
            when 'month' then (published_on + interval '1 month')::date
            when 'year' then (published_on + interval '1 year')::date
        end) stored,
    provenance          jsonb not null default '{}',
    created_at          timestamptz not null default now(),
    created_by          bigint not null references curators (id),
    constraint published_has_precision check ((published_on is null) = (published_precision is null))
);

create index sources_outlet on sources (lower(outlet), id);
create index sources_published on sources (published_on, published_until);

create table source_revisions (
    id              bigint generated always as identity primary key,
    source_id       bigint not null references sources (id),
    number          int not null check (number >= 1),
    body            text not null check (body <> ''),
    body_sha256     bytea not null,
    length          int not null, -- in Unicode code points, the unit of every offset
    retrieved_on    date,
    note            text,
    created_at      timestamptz not null default now(),
    created_by      bigint not null references curators (id),
    unique (source_id, number)
);

-- Two sources never share a first text; later revisions may return to an earlier text of their own.
create unique index source_revisions_first_body on source_revisions (body_sha256) where number = 1;
create index source_revisions_body on source_revisions (body_sha256);

-- A passage anchors a span of one revision, with both W3C Web Annotation selectors: position
-- (code-point offsets) and quote (exact text with its surrounding context).
create table passages (
    id           bigint generated always as identity primary key,
    source_id    bigint not null references sources (id),
    revision_id  bigint not null references source_revisions (id),
    start_offset int not null check (start_offset >= 0),
    end_offset   int not null,
    exact        text not null,
    prefix       text not null,
    suffix       text not null,
    created_at   timestamptz not null default now(),
    created_by   bigint not null references curators (id),
    constraint passage_not_empty check (end_offset > start_offset),
    constraint passage_unique_span unique (revision_id, start_offset, end_offset)
);

create index passages_source on passages (source_id, id);
