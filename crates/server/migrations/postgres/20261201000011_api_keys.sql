-- Channel partners' API keys (issue 15). A key is stored only as the SHA-256 of the whole
-- key (it carries 160 random bits, so the hash cannot be searched), with its first
-- characters (prefix) to tell keys apart in lists. agency_code null: every agency (the
-- operator's keys); services: a JSON array of codes, null for every service of the scope.
-- last_used_at is written at most once a minute; a revoked key is refused at once, on every
-- instance, because each call reads the key's row.

create table api_keys (
    id bigint generated always as identity constraint api_keys_pk primary key,
    prefix text not null,
    key_hash text not null constraint api_keys_hash_uq unique,
    partner text not null,
    channel text not null constraint api_keys_channel_ck check (channel in ('api', 'whatsapp', 'social', 'email')),
    agency_code text constraint api_keys_agency_fk references agencies (code),
    services text,
    created_by text not null,
    created_at bigint not null,
    last_used_at bigint,
    revoked_at bigint
);

create index api_keys_agency_idx on api_keys (agency_code, id);
