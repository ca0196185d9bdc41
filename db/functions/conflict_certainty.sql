-- How sure a conflict between two claims is, with the reason in words when it is only possible:
--   * the property's value changes over time and one side has no as-of time (an undated figure in an undated page);
--   * it changes over time and the two as-of times are more than a week apart (reports weeks apart: the figure may
--     have moved; within a week, two counts that do not meet are a disagreement);
--   * two figures, one of them hedged ("about", "nearly", "dozens"), miss each other by less than 5% of the larger;
--   * a date is approximate ("around the end of 2026");
--   * two days one day apart, unless both give a time of day with its zone and the moments differ by a day or more:
--     the two reports may name the same moment in two time zones.
-- Otherwise it is certain. A curator's contradicts link is certain.
create or replace function conflict_certainty(x claims, y claims, rule text) returns table (certainty text, reason text)
language sql stable parallel safe as $$
    with p as (select changes_over_time from properties where id = x.property_id),
    why as (
        select case
            when rule = 'contradicts' then null
            when (select changes_over_time from p) and (x.as_of is null or y.as_of is null)
                then format('claim %s has no as-of time (no valid time, statement date or dated report), and %s changes over time',
                            case when x.as_of is null then x.id else y.id end,
                            (select label from properties where id = x.property_id))
            when (select changes_over_time from p) and not (daterange(lower(x.as_of) - 7, upper(x.as_of) + 7) && y.as_of)
                then format('the two hold as of different times (%s and %s), and %s changes over time',
                            period_text(x.as_of), period_text(y.as_of), (select label from properties where id = x.property_id))
            when rule = 'quantity' and (x.approximation <> 'exact' or y.approximation <> 'exact' or x.hedge is not null or y.hedge is not null)
                 and hedged_gap(x.value_range, y.value_range) < 0.05
                then format('hedged figures miss each other by only %s%%', round(hedged_gap(x.value_range, y.value_range) * 100, 1))
            when rule = 'time' and (x.time_approximate or y.time_approximate)
                then 'a date is approximate'
            when rule = 'time' and x.time_precision = 'day' and y.time_precision = 'day' and abs(x.time_on - y.time_on) = 1
                 and not (x.time_of_day is not null and y.time_of_day is not null and x.time_utc_offset is not null and y.time_utc_offset is not null
                          and abs(extract(epoch from ((x.time_on + x.time_of_day) - make_interval(mins => x.time_utc_offset))
                                                   - ((y.time_on + y.time_of_day) - make_interval(mins => y.time_utc_offset)))) >= 86400)
                then 'the dates are one day apart: the reports may name the same moment in two time zones'
        end as reason
    )
    select case when reason is null then 'certain' else 'possible' end, reason from why
$$;

-- The gap between two figure ranges that do not meet, as a fraction of the larger figure's magnitude.
create or replace function hedged_gap(a numrange, b numrange) returns numeric
language sql immutable parallel safe as $$
    select case
        when a && b then 0
        when upper(a) <= lower(b) then (lower(b) - upper(a)) / nullif(greatest(abs(lower(b)), abs(upper(a))), 0)
        when upper(b) <= lower(a) then (lower(a) - upper(b)) / nullif(greatest(abs(lower(a)), abs(upper(b))), 0)
        else 1
    end
$$;

-- A period of days in words: "29 August 2024", "September 2024", "2024", or "1 to 15 March 2024".
create or replace function period_text(p daterange) returns text
language sql immutable parallel safe as $$
    select case
        when upper(p) - lower(p) = 1 then to_char(lower(p), 'FMDD FMMonth YYYY')
        when extract(day from lower(p)) = 1 and upper(p) = (lower(p) + interval '1 month')::date then to_char(lower(p), 'FMMonth YYYY')
        when extract(doy from lower(p)) = 1 and upper(p) = (lower(p) + interval '1 year')::date then to_char(lower(p), 'YYYY')
        else to_char(lower(p), 'FMDD FMMonth YYYY') || ' to ' || to_char(upper(p) - 1, 'FMDD FMMonth YYYY')
    end
$$;
