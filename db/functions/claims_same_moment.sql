-- Whether two dated claims name one moment: both give the day, a time of day and its zone ("27 January 2024 at 11 p.m.
-- EST" and "28 January 2024 at 07:00 Baghdad time" are both 04:00 UTC on 28 January), and the instants are less than an
-- hour apart. Their days, each in its own zone, may differ; an editor reads the two as agreeing.
create or replace function claims_same_moment(x claims, y claims) returns boolean
language sql immutable parallel safe as $$
    select coalesce(x.time_on is not null and y.time_on is not null and x.time_of_day is not null and y.time_of_day is not null
               and x.time_utc_offset is not null and y.time_utc_offset is not null
               and abs(extract(epoch from ((x.time_on + x.time_of_day) - make_interval(mins => x.time_utc_offset))
                                      - ((y.time_on + y.time_of_day) - make_interval(mins => y.time_utc_offset)))) < 3600, false)
$$;
