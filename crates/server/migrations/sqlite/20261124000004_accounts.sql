-- Citizen sign-in by one-time code, sessions (citizens and staff), and files that come
-- with an event (an applicant's answer, an agency's reply). Times are bigint Unix ms.

-- One live code per phone number; the row also counts the codes sent in the current hour.
create table sign_in_codes (
    phone text not null constraint sign_in_codes_pk primary key,
    code_hash text not null,
    sent_at bigint not null,
    expires_at bigint not null,
    tries bigint not null default 0,
    used bigint not null default 0 constraint sign_in_codes_used_ck check (used in (0, 1)),
    window_started_at bigint not null,
    sent_in_window bigint not null
);

-- Sessions are looked up by the SHA-256 of their token; the token itself is never stored.
create table sessions (
    token_hash text not null constraint sessions_pk primary key,
    kind text not null constraint sessions_kind_ck check (kind in ('citizen', 'staff')),
    subject text not null,
    created_at bigint not null,
    expires_at bigint not null
);

create index sessions_expiry_idx on sessions (expires_at);

alter table uploads add column event_id bigint constraint uploads_event_fk references request_events (id);

create index request_events_kind_idx on request_events (request_id, kind);
