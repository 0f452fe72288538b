-- Abuse limits that every instance sees, and what a delivered secret leaves behind.
--
-- rate_counters: hits per limit (bucket) and client or phone (key: a keyed hash, never
-- the address or number itself) in the current fixed window (window_start, Unix ms) and
-- in the window before it (previous_hits), so one statement counts a hit and reads what
-- a check needs: the previous window weighed by how much of it the sliding window
-- still covers.
-- sign_in_throttles: staff sign-in attempts per typed username and per username and
-- client (keyed hashes), each counted as wrong until the password proves right, and the
-- time before which the next attempt waits; reset on success and after a quiet day.
-- outbox.sensitive: the body carries a secret (a sign-in code); it is blanked once sent.
-- On PostgreSQL the two counter tables are unlogged: no WAL per hit; a crash empties them,
-- which only forgives some recent attempts.

create unlogged table rate_counters (
    bucket text not null,
    key text not null,
    window_start bigint not null,
    hits bigint not null,
    previous_hits bigint not null,
    constraint rate_counters_pk primary key (bucket, key)
);

create index rate_counters_window_idx on rate_counters (window_start);

create unlogged table sign_in_throttles (
    key text not null constraint sign_in_throttles_pk primary key,
    failures bigint not null,
    last_failure_at bigint not null,
    blocked_until bigint not null
);

alter table outbox add column sensitive bigint not null default 0
    constraint outbox_sensitive_ck check (sensitive in (0, 1));
