-- Judgments a reader can trust: a claim's value holds as of a time (its valid time, else when it was said, else its
-- report's date); a property says whether its value changes over time; conflicts say how sure they are; dates are
-- periods as people write them; vague figures keep the expression they were read from; a claim may be a part of
-- another; attribution is a chain down to the original speaker, who may be anonymous; a source may republish another.
-- The rules that use these columns are in db/functions/; docs/conflicts.md states them with examples.

-- Properties: whether a value changes over time, how far apart two as-of times may be and still be compared, and
-- whether a date is a moment (an event) or a due date (a deadline is due at the end of the period it names).
alter table properties
    add column changes_over_time boolean not null default false,
    add column window_days int not null default 31 check (window_days between 0 and 3650),
    add column time_semantics text not null default 'moment' check (time_semantics in ('moment', 'due'));
update properties set changes_over_time = true where key in ('troop_count', 'attack_count', 'position');
update properties set time_semantics = 'due' where key = 'deadline';

-- As of when a claim's value holds, and what that time rests on: its valid time, its statement date, or the earliest
-- publication date of its supporting sources. Kept by refresh_claims; null when nothing dates the claim.
alter table claims
    add column as_of daterange,
    add column as_of_basis text check (as_of_basis in ('valid', 'stated', 'published')),
    add constraint claim_as_of_has_basis check ((as_of is null) = (as_of_basis is null));

-- A figure read from an expression ("more than 40", "dozens", "rund 2.400"): the expression as typed, the row of the
-- figure table it was read by and that table's version (docs/figures.md).
alter table claims
    add column value_expression text,
    add column hedge text,
    add column hedge_table int,
    -- how the expression was read, in words ("'more than 40' reads as at least 41: table v1, row more_than")
    add column value_reading text,
    add constraint claim_hedge_has_table check ((hedge is null) = (hedge_table is null));

-- Dates as people write them: a period of any length (a week, a quarter, "late 2026", "22-23 July 2024"), kept as its
-- start, a precision label and its range; the part of a larger period it names; whether it is approximate; a local
-- time of day with its UTC offset (minutes) when the text gives one; how a relative date was placed.
alter table claims drop constraint claims_time_precision_check;
alter table claims add constraint claims_time_precision_check
    check (time_precision in ('day', 'week', 'month', 'quarter', 'half', 'third', 'year', 'decade', 'span'));
alter table claims alter column time_range drop expression;
alter table claims
    add column time_part text,
    add column time_approximate boolean not null default false,
    add column time_of_day time,
    add column time_utc_offset int check (time_utc_offset between -1440 and 1440),
    add column time_resolution text,
    -- the period for people: "late 2026", "22-23 July 2024", "September 2026"
    add column time_display text,
    add constraint claim_time_range_with_date check ((time_on is null) = (time_range is null));

-- What a time value says of the moment it is about: on (within the period), by (before the period ends), before (before
-- it starts), after (after it ends); from and until place a start or an end within the period.
alter table claims add column time_constraint daterange generated always as (
    case time_modifier
        when 'by' then daterange(null, upper(time_range))
        when 'before' then daterange(null, lower(time_range))
        when 'after' then daterange(upper(time_range), null)
        else time_range
    end) stored;

-- Breakdowns: a claim that is a part of another ("five wounded in the raid" of "seven wounded").
alter table claims add column part_of bigint references claims (id), add constraint claim_not_part_of_itself check (part_of <> id);
create index claims_part_of on claims (part_of) where part_of is not null;

-- Attribution chains: the voices between the reporting source and the claim, outermost first ("citing AP, citing the
-- US military"); the last is the original speaker, kept in claims.asserted_by too.
create table claim_attributions (
    claim_id   bigint not null references claims (id),
    position   int not null check (position >= 1),
    subject_id bigint not null references subjects (id),
    primary key (claim_id, position)
);
create index claim_attributions_subject on claim_attributions (subject_id);

-- Anonymous speakers ("a senior US official") are subjects of their own, one for each time a report cites one, kept
-- with the description the report gives; a curator may say that one is the same speaker as another.
alter table subjects
    add column anonymous boolean not null default false,
    add column same_as_id bigint references subjects (id),
    add constraint subject_same_as_other check (same_as_id <> id);

-- Wire copies: a source may republish another source, or an agency's story (the agency is a subject).
alter table sources
    add column republishes_source_id bigint references sources (id),
    add column republishes_agency_id bigint references subjects (id),
    add constraint source_not_its_own_copy check (republishes_source_id <> id);

-- How sure a conflict is, and why; the new rules of breakdowns.
alter table conflicts
    add column certainty text not null default 'certain' check (certainty in ('certain', 'possible')),
    add column certainty_reason text;
alter table conflicts drop constraint conflicts_rule_check;
alter table conflicts add constraint conflicts_rule_check
    check (rule in ('none_vs_value', 'quantity', 'time', 'stance', 'contradicts', 'breakdown', 'exceeds_broader'));
create index conflicts_certainty on conflicts (certainty, status, id);

-- The look-ups of the rules: by subject and property, then the as-of time and the value range or the date's constraint.
drop index claims_group_values;
create index claims_group_values on claims using gist (subject_id, property_id, coalesce(as_of, '(,)'::daterange), value_range)
    where status <> 'retracted' and value_kind = 'quantity';
drop index claims_group_times;
create index claims_group_times on claims using gist (subject_id, property_id, coalesce(as_of, '(,)'::daterange), time_constraint)
    where status <> 'retracted' and value_kind = 'time';
-- A figure stated as a claim's amount, whatever its range ("nearly 2,500" states 2,500 as its hedge's amount); and the
-- bounded ranges that only admit a figure, with the amount to tell the two apart without reading the table.
create index claims_amount on claims (amount) include (id) where amount is not null;
drop index claims_figure_bounded;
create index claims_figure_bounded on claims using gist (value_range) include (id, amount)
    where not lower_inf(value_range) and not upper_inf(value_range);

-- Every stored claim gains its as-of time, by the rule of claim_as_of (db/functions/claim_as_of.sql), written out here
-- because rules are applied after migrations.
update claims c set (as_of, as_of_basis) = (
    select case
               when c.valid_range is not null then c.valid_range
               when c.stated_on is not null then period(c.stated_on, c.stated_precision)
               else (select period(so.published_on, so.published_precision) from claim_evidence e join sources so on so.id = e.source_id
                     where e.claim_id = c.id and e.stance = 'supports' and so.published_on is not null
                     order by so.published_on, so.id limit 1)
           end,
           case
               when c.valid_range is not null then 'valid'
               when c.stated_on is not null then 'stated'
               when exists (select 1 from claim_evidence e join sources so on so.id = e.source_id
                            where e.claim_id = c.id and e.stance = 'supports' and so.published_on is not null) then 'published'
           end);
