-- Whether a figure is hedged: read as anything but an exact figure ("about", "nearly", "more than", "dozens"); a figure
-- typed as an expression that the table reads as exact ("2 500", "vingt") is not.
create or replace function claim_hedged(c claims) returns boolean
language sql immutable parallel safe as $$
    select coalesce(c.approximation, 'exact') <> 'exact'
$$;

-- A vague word's looser reading, beside the figure table's (docs/figures.md). A plural of a unit ("hundreds", "dozens",
-- "thousands", "tens", "scores") is read by the table as at least two of them (200 for "hundreds"), but is used loosely
-- for more than one (ACLED codes "hundreds" as 100): the looser reading starts at half the table's lower bound. The
-- small words ("a couple", "a few", "a handful", "several") have bounds by common usage, which the table calls open to
-- argument: the looser reading allows one more either side. Null for every other reading.
create or replace function vague_loose_range(hedge text, strict numrange) returns numrange
language sql immutable parallel safe as $$
    select case
        when hedge in ('tens', 'dozens', 'scores', 'hundreds', 'thousands', 'tens_of_thousands', 'hundreds_of_thousands', 'millions')
            then numrange(lower(strict) / 2, upper(strict), '[]')
        when hedge in ('a_couple', 'a_few', 'a_handful', 'several')
            then numrange(lower(strict) - 1, upper(strict) + 1, '[]')
    end
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

-- A figure in words for a reason: "2,500", "7.7".
create or replace function figure_text(n numeric) returns text
language sql immutable parallel safe as $$
    select rtrim(rtrim(to_char(n, 'FM999,999,999,999,990.99'), '0'), '.')
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

-- How sure a conflict between two claims is, with the reason in words when it is only possible:
--   * the property's value changes over time, or is a due date (a deadline is a plan, and plans are moved), and one
--     side has no as-of time (an undated figure in an undated page);
--   * the same, and the two as-of times are more than a week apart (reports weeks apart: the figure may have moved;
--     within a week, two counts that do not meet are a disagreement);
--   * the value changes over time and one claim is for a period longer than a week (its valid time: "in 2024"), the
--     other for another time within or beside it: a figure for a period may be its average or its count at one time;
--   * two figures, one of them hedged ("about", "nearly", "dozens"), miss each other by less than 5% of the larger,
--     and likewise the parts of a breakdown summed against their whole;
--   * a vague word's looser reading meets the other figure (vague_loose_range: "hundreds" against 150);
--   * a date is approximate ("around the end of 2026");
--   * a deadline by a part of a period named by convention ("by mid-2026", "by late 2026") may fall due on any day of
--     that part, and the other deadline's due day is one of them;
--   * two moments one day apart, unless both give a time of day with its zone and they differ by a day or more: the
--     reports may name the same moment in two time zones (due dates have no time zone: a day apart is a day apart).
-- Otherwise it is certain. A curator's contradicts link is certain.
create or replace function conflict_certainty(x claims, y claims, rule text) returns table (certainty text, reason text)
language sql stable parallel safe as $$
    with p as (
        select changes_over_time, time_semantics = 'due' as due, label,
               case when time_semantics = 'due' then 'a ' || label || ' may be moved' else label || ' changes over time' end as moves
        from properties where id = x.property_id
    ),
    -- for the as-of rule of periods: the claim holding for a period longer than a week, and the other
    long as (
        select (v.l).id as long_id, (v.l).as_of as long_as_of, (v.o).id as other_id, (v.o).as_of as other_as_of
        from (values (x, y), (y, x)) v (l, o)
        where (v.l).as_of_basis = 'valid' and upper((v.l).as_of) - lower((v.l).as_of) > 7
          and (v.o).as_of is not null and (v.o).as_of <> (v.l).as_of
        order by upper((v.l).as_of) - lower((v.l).as_of) desc
        limit 1
    ),
    -- for a breakdown: the whole, and its parts summed (the least each allows) and whether any is hedged
    whole as (
        select w.value_range, w.value_expression, w.hedge, claim_hedged(w) as hedged, s.parts, s.parts_hedged
        from claims w
        cross join lateral (
            select sum(lower(pt.value_range)) as parts, bool_or(claim_hedged(pt)) as parts_hedged from claims pt
            where pt.part_of = w.id and pt.status <> 'retracted' and pt.value_kind = 'quantity'
        ) s
        where rule = 'breakdown' and w.id = case when y.part_of = x.id then x.id else y.id end
    ),
    -- for a deadline by a part of a period named by convention: that side's period, and the other side's due day
    fuzzy as (
        select (v.f).time_display as display, (v.f).time_range as period, upper((v.o).time_range) - 1 as other_due
        from (values (x, y), (y, x)) v (f, o)
        where (v.f).time_part in ('early', 'mid', 'late', 'beginning', 'end')
          and upper((v.o).time_range) - 1 <@ (v.f).time_range
        limit 1
    ),
    -- for a vague word: its looser reading, when that meets the other figure
    loose as (
        select (v.f).value_expression as expression, (v.f).value_range as strict, vague_loose_range((v.f).hedge, (v.f).value_range) as loose
        from (values (x, y), (y, x)) v (f, o)
        where vague_loose_range((v.f).hedge, (v.f).value_range) && (v.o).value_range
        limit 1
    ),
    why as (
        select case
            when rule = 'contradicts' then null
            when (select changes_over_time or due from p) and (x.as_of is null or y.as_of is null)
                then format('claim %s has no as-of time (no valid time, statement date or dated report), and %s',
                            case when x.as_of is null then x.id else y.id end, (select moves from p))
            when (select changes_over_time or due from p) and not (daterange(lower(x.as_of) - 7, upper(x.as_of) + 7) && y.as_of)
                then format(case when (select due from p) then 'the two deadlines were given at different times (%s and %s), and %s'
                                 else 'the two hold as of different times (%s and %s), and %s' end,
                            period_text(x.as_of), period_text(y.as_of), (select moves from p))
            when (select changes_over_time from p) and exists (select 1 from long)
                then (select format('claim %s gives a figure for %s as a whole and claim %s one as of %s: a figure for a period may be its average or its count at one time in it, and %s',
                                    long_id, period_text(long_as_of), other_id, period_text(other_as_of), (select moves from p)) from long)
            when rule = 'quantity' and (claim_hedged(x) or claim_hedged(y)) and hedged_gap(x.value_range, y.value_range) < 0.05
                then format('hedged figures miss each other by only %s%%', round(hedged_gap(x.value_range, y.value_range) * 100, 1))
            when rule = 'breakdown' and (select hedged or parts_hedged from whole)
                 and (select hedged_gap(value_range, numrange(parts, parts, '[]')) from whole) < 0.05
                then (select format('hedged figures: the parts add up to %s, above the whole (at most %s) by only %s%%',
                                    figure_text(parts), figure_text(upper(value_range)),
                                    round(hedged_gap(value_range, numrange(parts, parts, '[]')) * 100, 1)) from whole)
            when rule = 'quantity' and exists (select 1 from loose)
                then (select format('''%s'' reads as %s to %s by the figure table, but as loose wording it may mean %s to %s, which the other figure meets',
                                    expression, figure_text(lower(strict)), figure_text(upper(strict)),
                                    figure_text(lower(loose)), figure_text(upper(loose))) from loose)
            when rule = 'breakdown' and (select vague_loose_range(hedge, value_range) @> parts from whole)
                then (select format('''%s'' reads as %s to %s by the figure table, but as loose wording it may mean up to %s, which the parts (%s) meet',
                                    value_expression, figure_text(lower(value_range)), figure_text(upper(value_range)),
                                    figure_text(upper(vague_loose_range(hedge, value_range))), figure_text(parts)) from whole)
            when rule = 'time' and (x.time_approximate or y.time_approximate)
                then 'a date is approximate'
            when rule = 'time' and (select due from p) and exists (select 1 from fuzzy)
                then (select format('a deadline by %s may fall due on any day of it (%s), and the other falls due on %s',
                                    display, period_text(period), to_char(other_due, 'FMDD FMMonth YYYY')) from fuzzy)
            when rule = 'time' and not (select due from p)
                 and x.time_precision = 'day' and y.time_precision = 'day' and abs(x.time_on - y.time_on) = 1
                 and not (x.time_of_day is not null and y.time_of_day is not null and x.time_utc_offset is not null and y.time_utc_offset is not null
                          and abs(extract(epoch from ((x.time_on + x.time_of_day) - make_interval(mins => x.time_utc_offset))
                                                   - ((y.time_on + y.time_of_day) - make_interval(mins => y.time_utc_offset)))) >= 86400)
                then 'the dates are one day apart: the reports may name the same moment in two time zones'
        end as reason
    )
    select case when reason is null then 'certain' else 'possible' end, reason from why
$$;
