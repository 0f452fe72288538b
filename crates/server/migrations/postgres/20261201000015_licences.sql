-- Licences (issue 18). A permit service declares what it issues (`services.issues`, the
-- domain's `licence::Issues` as JSON, checked before it is stored). Approving one of its
-- requests issues a licence in the approval's transaction; approving a renewal request
-- (`licence_renewals`) extends the same licence. Its status is not stored: it follows
-- from `expires_on`, `suspended_until` and `revoked_at` on the day it is read. Every
-- issue, renewal, suspension and revocation is an event with its actor (the audit).

alter table services add column issues text;

create table licences (
    id bigint generated always as identity constraint licences_pk primary key,
    number text not null constraint licences_number_uq unique,
    request_id bigint not null constraint licences_request_uq unique
        constraint licences_request_fk references requests (id),
    service_code text not null constraint licences_service_fk references services (code),
    agency_code text not null constraint licences_agency_fk references agencies (code),
    holder_name text not null,
    holder_phone text not null,
    holder_cr_number text,
    holder_national_id text,
    locale text not null constraint licences_locale_ck check (locale in ('ar', 'en')),
    activity_ar text not null,
    activity_en text not null,
    details text not null,
    conditions_ar text not null,
    conditions_en text not null,
    answers text not null,
    issued_on text not null,
    expires_on text not null,
    suspended_until text,
    suspension_reason text,
    revoked_at bigint,
    revocation_reason text,
    created_at bigint not null,
    updated_at bigint not null
);

create index licences_holder_idx on licences (holder_phone, id);
create index licences_agency_idx on licences (agency_code, id);

create table licence_events (
    id bigint generated always as identity constraint licence_events_pk primary key,
    licence_id bigint not null constraint licence_events_licence_fk references licences (id),
    kind text not null constraint licence_events_kind_ck check (kind in ('issued', 'renewed', 'suspended', 'revoked')),
    request_id bigint constraint licence_events_request_fk references requests (id),
    actor text not null,
    reason text,
    until text,
    expires_on text not null,
    created_at bigint not null
);

create index licence_events_licence_idx on licence_events (licence_id, id);

create table licence_renewals (
    request_id bigint not null constraint licence_renewals_pk primary key
        constraint licence_renewals_request_fk references requests (id),
    licence_id bigint not null constraint licence_renewals_licence_fk references licences (id)
);

create index licence_renewals_licence_idx on licence_renewals (licence_id);
