-- Idempotent writes: a POST sent with an Idempotency-Key records the key in the same transaction as its write,
-- with a hash of the request and the response it gave. A retry with the same key and request gets that response
-- back and writes nothing; the same key with another request is refused. Kept at least 24 hours.
create table idempotency_keys (
    curator_id     bigint not null references curators (id),
    key            text not null,
    method         text not null,
    path           text not null,
    request_sha256 bytea not null,
    status         int,
    content_type   text,
    location       text,
    etag           text,
    body           bytea,
    created_at     timestamptz not null default now(),
    primary key (curator_id, key)
);
create index idempotency_keys_age on idempotency_keys (created_at);
