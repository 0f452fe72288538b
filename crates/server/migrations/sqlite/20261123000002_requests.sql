-- Filed requests, their events (the timeline), idempotency keys, and the notification
-- outbox. Times are bigint Unix milliseconds (UTC); dates are text YYYY-MM-DD.

create table requests (
    id integer not null constraint requests_pk primary key,
    reference text not null constraint requests_reference_uq unique,
    service_code text not null constraint requests_service_fk references services (code),
    agency_code text not null constraint requests_agency_fk references agencies (code),
    department_code text not null constraint requests_department_fk references departments (code),
    status text not null constraint requests_status_ck check (status in
        ('submitted', 'in_review', 'awaiting_applicant', 'referred', 'resolved', 'rejected',
         'closed', 'withdrawn', 'reopened')),
    locale text not null constraint requests_locale_ck check (locale in ('ar', 'en')),
    channel text not null constraint requests_channel_ck check (channel in ('web', 'api', 'call_centre', 'counter')),
    applicant_name text not null,
    applicant_phone text not null,
    applicant_email text,
    applicant_national_id text,
    applicant_cr_number text,
    answers text not null,
    location text,
    submitted_at bigint not null,
    due_on text not null,
    updated_at bigint not null
);

create index requests_applicant_phone_idx on requests (applicant_phone, submitted_at);
create index requests_agency_status_due_idx on requests (agency_code, status, due_on);

create table request_events (
    id integer not null constraint request_events_pk primary key,
    request_id bigint not null constraint request_events_request_fk references requests (id),
    kind text not null,
    status text not null,
    department_code text not null,
    public bigint not null constraint request_events_public_ck check (public in (0, 1)),
    actor text not null,
    message text,
    created_at bigint not null
);

create index request_events_request_idx on request_events (request_id, id);

create table idempotency_keys (
    key text not null constraint idempotency_keys_pk primary key,
    body_hash text not null,
    reference text,
    created_at bigint not null
);

create table outbox (
    id integer not null constraint outbox_pk primary key,
    channel text not null constraint outbox_channel_ck check (channel in ('sms', 'email')),
    recipient text not null,
    subject text,
    body text not null,
    request_id bigint constraint outbox_request_fk references requests (id),
    created_at bigint not null,
    attempts bigint not null default 0,
    next_attempt_at bigint not null,
    locked_until bigint,
    sent_at bigint,
    last_error text
);

create index outbox_pending_idx on outbox (sent_at, next_attempt_at);
