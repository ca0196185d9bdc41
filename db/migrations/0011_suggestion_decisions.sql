-- Suggestions (figures, dates and attributions a source proposes as claims) are computed on read from the revision's
-- text, subjects and vocabulary (docs/suggestions.md); what no computation can give back is a curator's decision on
-- one, kept here per revision: accepted (and the claim it became) or dismissed (and why).
create table suggestion_decisions (
    revision_id bigint not null references source_revisions (id),
    -- the suggestion's id within the revision, as the API gives it: r2-q412-418
    suggestion  text not null check (suggestion ~ '^r[0-9]+-[qda][0-9]+-[0-9]+(-[0-9]+)?$'),
    decision    text not null check (decision in ('accepted', 'dismissed')),
    claim_id    bigint references claims (id),
    reason      text,
    created_at  timestamptz not null default now(),
    created_by  bigint not null references curators (id),
    primary key (revision_id, suggestion),
    check ((decision = 'accepted') = (claim_id is not null))
);
create index suggestion_decisions_claim on suggestion_decisions (claim_id) where claim_id is not null;

-- Answers read it (a source's suggestions): its changes count toward their ETags, as every such table's do (0010).
create trigger suggestion_decisions_count_change after insert or update or delete or truncate on suggestion_decisions
    for each statement execute function count_change();
