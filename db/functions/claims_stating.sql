-- The one definition of "states the figure", for /figures and /claims?value= alike, and how: a claim states a figure
-- when it is the claim's amount, exactly or as a hedge's amount ("nearly 2,500", "more than 40" states 40); a claim
-- whose bounded range only admits the figure ("about 2,400", 2,160 to 2,640, admits 2,500) is listed after those that
-- state it, labelled so. An open range admits every larger (or smaller) figure and so is never listed for admitting one.
-- Each arm is answered index-only (claims_amount and claims_figure_bounded, migration 0009).
drop function if exists claims_stating(numeric);
create function claims_stating(figure numeric) returns table (id bigint, how text)
language sql stable as $$
    select c.id, 'states' from claims c
    where c.amount = figure
    union all
    select c.id, 'admits' from claims c
    where c.value_range @> figure and not lower_inf(c.value_range) and not upper_inf(c.value_range)
      and c.amount is distinct from figure
$$;
