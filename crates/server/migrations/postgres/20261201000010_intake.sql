-- Every channel, one track: requests taken by contact-centre and reception staff.
--
-- requests.channel: the assisted channels (phone, counter, email, social, whatsapp) beside
-- web and api; the old call_centre is phone.
-- staff.role: the intake role.
-- request_events.channel: how the request came in (its first event) or how the citizen got
-- in touch (an enquiry event).
-- agencies.operator: the portal's operator (code 'portal'), whose contact centre files for
-- every agency; it offers no service and has no figures of its own.
-- staff_lookups: the audit of "where is my request?" look-ups: who, when, which number or
-- reference, why, and how many requests it showed; read by the supervisors of the looking
-- staff member's agency.
-- stats_requests: received per channel (online becomes via_web). The kept counts are
-- emptied, so that startup rebuilds them with the split.

alter table requests drop constraint requests_channel_ck;
update requests set channel = 'phone' where channel = 'call_centre';
alter table requests add constraint requests_channel_ck check (channel in
    ('web', 'api', 'phone', 'counter', 'email', 'social', 'whatsapp'));

alter table staff drop constraint staff_role_ck;
alter table staff add constraint staff_role_ck check (role in ('agent', 'supervisor', 'admin', 'intake'));

alter table request_events add column channel text
    constraint request_events_channel_ck check (channel is null or channel in
        ('web', 'api', 'phone', 'counter', 'email', 'social', 'whatsapp'));
update request_events e set channel = r.channel from requests r
    where r.id = e.request_id and e.kind = 'submitted';

alter table agencies add column operator bigint not null default 0
    constraint agencies_operator_ck check (operator in (0, 1));

create table staff_lookups (
    id bigint generated always as identity constraint staff_lookups_pk primary key,
    username text not null constraint staff_lookups_staff_fk references staff (username),
    agency_code text not null constraint staff_lookups_agency_fk references agencies (code),
    key_kind text not null constraint staff_lookups_kind_ck check (key_kind in ('phone', 'reference')),
    key text not null,
    reason text not null,
    found bigint not null,
    created_at bigint not null
);

create index staff_lookups_agency_idx on staff_lookups (agency_code, id);

alter table stats_requests rename column online to via_web;
alter table stats_requests add column via_api bigint not null default 0;
alter table stats_requests add column via_phone bigint not null default 0;
alter table stats_requests add column via_counter bigint not null default 0;
alter table stats_requests add column via_email bigint not null default 0;
alter table stats_requests add column via_social bigint not null default 0;
alter table stats_requests add column via_whatsapp bigint not null default 0;
delete from stats_requests;
delete from stats_resolve_days;
delete from stats_ratings;
