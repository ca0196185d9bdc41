-- A fifth anchoring state: ambiguous. A corrected text where two places are too close to call, or where the same
-- words stand with nothing around them to tell one repeat from another, leaves the passage where it was made (no
-- offsets in the new revision, as an orphan) and lists the places it could have gone for a curator
-- (docs/anchoring.md).

alter table passage_anchors
    drop constraint passage_anchors_state_check,
    drop constraint passage_anchors_check,
    -- The places weighed, best first: [{start, end, exact, score, agrees}]; empty for exact.
    add column candidates jsonb not null default '[]',
    add constraint passage_anchors_state_check
        check (state in ('exact', 'moved', 'fuzzy', 'orphaned', 'ambiguous')),
    add constraint passage_anchors_placed_check
        check ((state in ('orphaned', 'ambiguous')) = (start_offset is null)),
    add constraint passage_anchors_candidates_check
        check (jsonb_typeof(candidates) = 'array' and (state <> 'ambiguous' or jsonb_array_length(candidates) > 0));

alter table passages
    drop constraint passages_state_check,
    add constraint passages_state_check check (state in ('exact', 'moved', 'fuzzy', 'orphaned', 'ambiguous'));

drop index passages_needing_review;
create index passages_needing_review on passages (source_id, id) where state in ('fuzzy', 'orphaned', 'ambiguous');
