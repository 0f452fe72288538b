-- The back office: who is working on a request, whether it is still open (derived from
-- its status, so it can never disagree), the indexes the queue walks in due-date order,
-- counts of requests per agency, department and status kept up to date by triggers (so
-- the queue's counts never scan), and response templates per service. The PostgreSQL twin of the SQLite migration.

alter table requests add column assignee text constraint requests_assignee_fk references staff (username);
alter table requests add column is_open bigint generated always as
    (case when status in ('resolved', 'rejected', 'closed', 'withdrawn') then 0 else 1 end) stored;

drop index requests_agency_status_due_idx;
create index requests_agency_status_due_idx on requests (agency_code, status, due_on, id);
create index requests_agency_open_due_idx on requests (agency_code, is_open, due_on, id);
create index requests_department_open_due_idx on requests (department_code, is_open, due_on, id);
create index requests_agency_due_idx on requests (agency_code, due_on, id);
create index requests_assignee_open_due_idx on requests (assignee, is_open, due_on, id);
create index requests_service_open_due_idx on requests (service_code, is_open, due_on, id);

create table response_templates (
    id bigint generated always as identity constraint response_templates_pk primary key,
    service_code text not null constraint response_templates_service_fk references services (code),
    title_ar text not null,
    title_en text not null,
    body_ar text not null,
    body_en text not null,
    created_at bigint not null
);

create index response_templates_service_idx on response_templates (service_code, id);

-- Counts per (agency, department, status), split over 8 slots by request id so that
-- concurrent writers rarely wait on the same row; readers add the slots up.
create table request_counts (
    agency_code text not null,
    department_code text not null,
    status text not null,
    slot bigint not null,
    n bigint not null,
    constraint request_counts_pk primary key (agency_code, department_code, status, slot)
);

insert into request_counts (agency_code, department_code, status, slot, n)
    select agency_code, department_code, status, id % 8, count(*) from requests
    group by agency_code, department_code, status, id % 8;

create function requests_counted() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.agency_code = new.agency_code
        and old.department_code = new.department_code and old.status = new.status then
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        update request_counts set n = n - 1 where agency_code = old.agency_code
            and department_code = old.department_code and status = old.status and slot = old.id % 8;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into request_counts (agency_code, department_code, status, slot, n)
            values (new.agency_code, new.department_code, new.status, new.id % 8, 1)
            on conflict (agency_code, department_code, status, slot)
            do update set n = request_counts.n + 1;
    end if;
    return null;
end;
$$;

create trigger requests_counted after insert or delete or update of agency_code, department_code, status
    on requests for each row execute function requests_counted();
