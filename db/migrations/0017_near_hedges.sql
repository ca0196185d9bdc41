-- "Nearly 2,500" and "just over 2,500" agree with an exact 2,500 (claims_state_same_figure): agreeing_claims seeks the
-- close hedges of an exact figure's amount in its subject and property here, a handful, instead of reading every claim
-- of that amount.
create index claims_near_hedges on claims (subject_id, property_id, amount)
    where hedge in ('nearly', 'just_over') and status <> 'retracted';
