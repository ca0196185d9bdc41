-- Whether two comparable claims state the same thing (within their stated ranges and precisions).
create or replace function claims_agree(x claims, y claims) returns boolean
language sql stable parallel safe as $$
    select case
        when x.value_kind = 'quantity' and y.value_kind = 'quantity'
            then (x.unit is null or y.unit is null or lower(x.unit) = lower(y.unit)) and x.value_range && y.value_range
        when x.value_kind = 'time' and y.value_kind = 'time'
            then x.time_modifier = y.time_modifier and x.time_range && y.time_range
        when x.value_kind = 'stance' and y.value_kind = 'stance'
            then lower(btrim(x.proposition)) = lower(btrim(y.proposition)) and x.stance = y.stance
        when x.value_kind = 'text' and y.value_kind = 'text'
            then lower(btrim(x.text_value)) = lower(btrim(y.text_value))
        else x.value_kind = 'none' and y.value_kind = 'none'
    end
$$;
