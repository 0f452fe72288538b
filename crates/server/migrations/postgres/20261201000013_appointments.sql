-- Appointments (issue 17). An appointment service's availability is a JSON document (the
-- domain's `appointment::Availability`, checked before it is saved). A request has at most
-- one appointment, rebooked in place; `slot_counts` holds the places taken per slot and is
-- what keeps a slot within its capacity under concurrent bookings: a booking increments
-- the count only while it is under the capacity, in the booking's transaction.

create table availabilities (
    service_code text not null constraint availabilities_pk primary key
        constraint availabilities_service_fk references services (code),
    rules text not null,
    updated_by text not null,
    updated_at bigint not null
);

create table appointments (
    id bigint generated always as identity constraint appointments_pk primary key,
    request_id bigint not null constraint appointments_request_uq unique
        constraint appointments_request_fk references requests (id),
    service_code text not null constraint appointments_service_fk references services (code),
    starts_at bigint not null,
    ends_at bigint not null,
    status text not null constraint appointments_status_ck check (status in ('booked', 'cancelled', 'kept', 'no_show')),
    needs text,
    join_link text,
    created_at bigint not null,
    updated_at bigint not null
);

create index appointments_day_idx on appointments (service_code, starts_at);

create table slot_counts (
    service_code text not null constraint slot_counts_service_fk references services (code),
    starts_at bigint not null,
    booked bigint not null constraint slot_counts_booked_ck check (booked >= 0),
    constraint slot_counts_pk primary key (service_code, starts_at)
);

-- What an outbox message is for, when it may have to be withdrawn before it is sent: an
-- appointment's reminder, when the time changes or is cancelled.
alter table outbox add column purpose text;
