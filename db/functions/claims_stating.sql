-- The one definition of "states the figure", for /figures and /claims?value= alike (inlined by the planner).
-- A claim states a figure when its bounded range contains it, or when it is the amount of an open range ("at least
-- 2,800" states 2,800, not every larger figure). Each arm is answered index-only (claims_figure_bounded and
-- claims_figure_open, migration 0007).
create or replace function claims_stating(figure numeric) returns table (id bigint)
language sql stable as $$
    select c.id from claims c
    where c.value_range @> figure and not lower_inf(c.value_range) and not upper_inf(c.value_range)
    union all
    select c.id from claims c
    where (lower_inf(c.value_range) or upper_inf(c.value_range)) and c.amount = figure and c.value_range @> figure
$$;
