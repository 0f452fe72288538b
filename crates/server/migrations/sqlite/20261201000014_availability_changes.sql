-- Who changed an appointment service's availability, when, and to what (issue 17: the
-- availability editor of supervisors and admins). One row per change, in the change's
-- transaction; `availabilities.updated_by` names the last one.

create table availability_changes (
    id integer not null constraint availability_changes_pk primary key,
    service_code text not null constraint availability_changes_service_fk references services (code),
    username text not null constraint availability_changes_staff_fk references staff (username),
    rules text not null,
    created_at bigint not null
);

create index availability_changes_service_idx on availability_changes (service_code, id);
