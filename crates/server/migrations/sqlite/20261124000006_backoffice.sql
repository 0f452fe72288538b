-- The back office: who is working on a request, whether it is still open (derived from
-- its status, so it can never disagree), the indexes the queue walks in due-date order,
-- and response templates per service.

alter table requests add column assignee text constraint requests_assignee_fk references staff (username);
alter table requests add column is_open bigint generated always as
    (case when status in ('resolved', 'rejected', 'closed', 'withdrawn') then 0 else 1 end) virtual;

drop index requests_agency_status_due_idx;
create index requests_agency_status_due_idx on requests (agency_code, status, due_on, id);
create index requests_agency_open_due_idx on requests (agency_code, is_open, due_on, id);
create index requests_department_open_due_idx on requests (department_code, is_open, due_on, id);
create index requests_department_status_idx on requests (department_code, status);
create index requests_assignee_open_due_idx on requests (assignee, is_open, due_on, id);
create index requests_service_open_due_idx on requests (service_code, is_open, due_on, id);

create table response_templates (
    id integer not null constraint response_templates_pk primary key,
    service_code text not null constraint response_templates_service_fk references services (code),
    title_ar text not null,
    title_en text not null,
    body_ar text not null,
    body_en text not null,
    created_at bigint not null
);

create index response_templates_service_idx on response_templates (service_code, id);
