-- Claims: one checkable statement each, about a subject, typed by a property, asserted by someone and
-- evidenced by passages. Every change is a revision; the revisions are also the change feed.

-- The first day after a period that starts on d and is known to the given precision.
create function period_end(d date, unit text) returns date
language sql immutable parallel safe as $$
    select case unit
        when 'day' then d + 1
        when 'month' then (d + interval '1 month')::date
        when 'year' then (d + interval '1 year')::date
    end
$$;

create function period(d date, unit text) returns daterange
language sql immutable parallel safe as $$
    select case when d is null then null else daterange(d, period_end(d, unit)) end
$$;

-- Subjects are the entities claims are about, and also the people and bodies that assert them.
create table subjects (
    id          bigint generated always as identity primary key,
    name        text not null,
    kind        text,
    description text,
    broader_id  bigint references subjects (id),
    created_at  timestamptz not null default now(),
    created_by  bigint not null references curators (id)
);

-- Every subject's name is also an alias; an alias names exactly one subject (case-insensitively).
create table subject_aliases (
    subject_id bigint not null references subjects (id),
    alias      text not null,
    alias_key  text generated always as (lower(alias)) stored,
    primary key (alias_key)
);
create index subject_aliases_subject on subject_aliases (subject_id);
create index subjects_broader on subjects (broader_id) where broader_id is not null;

-- The controlled vocabulary: what can be claimed about a subject, with the type of its values.
create table properties (
    id           bigint generated always as identity primary key,
    key          text not null unique check (key ~ '^[a-z][a-z0-9_]{1,62}$'),
    label        text not null,
    value_type   text not null check (value_type in ('quantity', 'time', 'text', 'stance')),
    unit         text,
    non_negative boolean not null default true,
    description  text,
    created_at   timestamptz not null default now(),
    created_by   bigint references curators (id)
);

insert into properties (key, label, value_type, unit, description) values
    ('troop_count', 'troop count', 'quantity', 'troops', 'How many troops a force has in a place.'),
    ('killed', 'killed', 'quantity', 'people', 'How many people an event killed.'),
    ('wounded', 'wounded', 'quantity', 'people', 'How many people an event wounded.'),
    ('attack_count', 'number of attacks', 'quantity', 'attacks', 'How many attacks took place.'),
    ('event_date', 'event date', 'time', null, 'When an event took place.'),
    ('start_date', 'start date', 'time', null, 'When something began.'),
    ('end_date', 'end date', 'time', null, 'When something ended or is to end.'),
    ('deadline', 'deadline', 'time', null, 'By when something is to be done.'),
    ('completed', 'completed', 'time', null, 'When something that had a deadline was done.'),
    ('founded', 'founded', 'time', null, 'When an organisation or coalition was formed.'),
    ('vote', 'vote', 'time', null, 'When a body voted on a motion (the motion is in the claim''s note).'),
    ('meeting', 'meeting', 'time', null, 'When a meeting took place.'),
    ('statement', 'statement', 'text', null, 'What someone said.'),
    ('position', 'position', 'stance', null, 'Whether someone affirms or denies a proposition.');

create table claims (
    id                   bigint generated always as identity primary key,
    subject_id           bigint not null references subjects (id),
    property_id          bigint not null references properties (id),

    -- The value, typed by the property. 'none' (there is none: no troops remain) and 'unknown' (the value is
    -- not known) are values in their own right, so that they can conflict with a positive claim.
    value_kind           text not null check (value_kind in ('quantity', 'time', 'text', 'stance', 'none', 'unknown')),
    amount               numeric,
    lower_bound          numeric,
    upper_bound          numeric,
    unit                 text,
    approximation        text check (approximation in ('exact', 'approximate', 'range', 'at_least', 'at_most')),
    tolerance            numeric check (tolerance >= 0 and tolerance < 1),
    time_on              date,
    time_precision       text check (time_precision in ('day', 'month', 'year')),
    time_modifier        text check (time_modifier in ('on', 'by', 'before', 'after', 'from', 'until')),
    text_value           text,
    stance               text check (stance in ('affirms', 'denies')),
    proposition          text,
    stated_as            text,

    -- Three times kept apart: when the fact holds (valid time), when it was said (statement date); when it was
    -- reported is each evidence source's published date.
    valid_from           date,
    valid_from_precision text check (valid_from_precision in ('day', 'month', 'year')),
    valid_to             date,
    valid_to_precision   text check (valid_to_precision in ('day', 'month', 'year')),
    stated_on            date,
    stated_precision     text check (stated_precision in ('day', 'month', 'year')),

    location             text,
    note                 text,
    -- Who asserts the claim; null means the reporting source's own voice.
    asserted_by          bigint references subjects (id),

    status               text not null default 'draft' check (status in ('draft', 'verified', 'retracted')),
    retracted_reason     text,
    rank                 text not null default 'normal' check (rank in ('preferred', 'normal', 'deprecated')),
    version              int not null default 1,
    search               tsvector,
    created_at           timestamptz not null default now(),
    created_by           bigint not null references curators (id),
    updated_at           timestamptz not null default now(),
    updated_by           bigint not null references curators (id),

    -- Derived once, here, so that figure look-up, conflicts and the timeline all read the same ranges.
    value_range          numrange generated always as (
        case
            when value_kind = 'none' then numrange(0, 0, '[]')
            when value_kind <> 'quantity' then null
            when approximation = 'exact' then numrange(amount, amount, '[]')
            when approximation = 'approximate' then numrange(
                coalesce(lower_bound, amount * (1 - coalesce(tolerance, 0.1))),
                coalesce(upper_bound, amount * (1 + coalesce(tolerance, 0.1))), '[]')
            when approximation = 'at_least' then numrange(coalesce(lower_bound, amount), null, '[]')
            when approximation = 'at_most' then numrange(null, coalesce(upper_bound, amount), '[]')
            else numrange(lower_bound, upper_bound, '[]')
        end) stored,
    time_range           daterange generated always as (period(time_on, time_precision)) stored,
    valid_range          daterange generated always as (
        case when valid_from is null and valid_to is null then null
             else daterange(valid_from, period_end(valid_to, valid_to_precision)) end) stored,

    constraint claim_retraction_has_reason check ((status = 'retracted') = (retracted_reason is not null)),
    constraint claim_bounds_ordered check (lower_bound is null or upper_bound is null or lower_bound <= upper_bound),
    constraint claim_time_has_precision check ((time_on is null) = (time_precision is null)),
    constraint claim_valid_from_has_precision check ((valid_from is null) = (valid_from_precision is null)),
    constraint claim_valid_to_has_precision check ((valid_to is null) = (valid_to_precision is null)),
    constraint claim_stated_has_precision check ((stated_on is null) = (stated_precision is null)),
    constraint claim_valid_ordered check (valid_from is null or valid_to is null or valid_from < period_end(valid_to, valid_to_precision))
);

-- Conflict detection looks claims up by subject and property: its cost does not grow with the table.
create index claims_subject_property on claims (subject_id, property_id) where status <> 'retracted';
create index claims_subject on claims (subject_id, id);
create index claims_property on claims (property_id, id);
create index claims_asserted_by on claims (asserted_by, id) where asserted_by is not null;
create index claims_status on claims (status, id);
create index claims_value_range on claims using gist (value_range) where value_range is not null;
create index claims_time_range on claims using gist (time_range) where time_range is not null;
create index claims_search on claims using gin (search);

-- Evidence: a passage that supports (or refutes) a claim. source_id repeats the passage's source so that
-- "claims from this source" is one index range.
create table claim_evidence (
    claim_id   bigint not null references claims (id),
    passage_id bigint not null references passages (id),
    source_id  bigint not null references sources (id),
    stance     text not null check (stance in ('supports', 'refutes')),
    created_at timestamptz not null default now(),
    created_by bigint not null references curators (id),
    primary key (claim_id, passage_id)
);
create index claim_evidence_passage on claim_evidence (passage_id);
create index claim_evidence_source on claim_evidence (source_id, claim_id);

-- Every change to a claim, with who, when, why, and the claim before and after. Ordered by the writing
-- transaction's id first, so a reader of the feed never skips a change that commits late (see /changes).
create table claim_revisions (
    id         bigint generated always as identity primary key,
    claim_id   bigint not null references claims (id),
    number     int not null,
    action     text not null check (action in ('created', 'revised', 'evidence_added', 'retracted')),
    reason     text,
    before     jsonb,
    after      jsonb not null,
    tx_id      bigint not null default (pg_current_xact_id()::text::bigint),
    created_at timestamptz not null default now(),
    created_by bigint not null references curators (id),
    unique (claim_id, number)
);
create index claim_revisions_feed on claim_revisions (tx_id, id);

-- The names the seed corpus gives its claims, so that a seed article loaded later can add its passages to a
-- claim an earlier one made.
create table seed_claim_keys (
    key      text primary key,
    claim_id bigint not null references claims (id)
);
