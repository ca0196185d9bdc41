-- Figure look-ups ("which claims state 2,800"), measured on a million claims (docs/performance.md).

-- A claim states a figure when its bounded range contains it, or when it is the amount of an open range ("at least
-- 2,800" states 2,800, not every larger figure). One GiST index over every range found the open ones too and threw
-- them away row by row from the table; two partial indexes, one per kind of range, answer each arm index-only.
create index claims_figure_bounded on claims using gist (value_range) include (id)
    where not lower_inf(value_range) and not upper_inf(value_range);
create index claims_figure_open on claims (amount) include (id, value_range)
    where lower_inf(value_range) or upper_inf(value_range);

-- The one definition of "states the figure", for /figures and /claims?value= alike (inlined by the planner).
create function claims_stating(figure numeric) returns table (id bigint)
language sql stable as $$
    select c.id from claims c
    where c.value_range @> figure and not lower_inf(c.value_range) and not upper_inf(c.value_range)
    union all
    select c.id from claims c
    where (lower_inf(c.value_range) or upper_inf(c.value_range)) and c.amount = figure and c.value_range @> figure
$$;

-- A figure's sources: each stating claim's supporting sources, read from the index alone.
create index claim_evidence_claim_source on claim_evidence (claim_id) include (source_id, stance);
