-- Agency staff accounts. Passwords are Argon2id hashes (PHC strings). A role is scoped to
-- an agency, and optionally to one of its departments.

create table staff (
    username text not null constraint staff_pk primary key,
    password_hash text not null,
    role text not null constraint staff_role_ck check (role in ('agent', 'supervisor', 'admin')),
    agency_code text not null constraint staff_agency_fk references agencies (code),
    department_code text constraint staff_department_fk references departments (code),
    disabled bigint not null default 0 constraint staff_disabled_ck check (disabled in (0, 1)),
    failed_attempts bigint not null default 0,
    locked_until bigint,
    created_at bigint not null
);
