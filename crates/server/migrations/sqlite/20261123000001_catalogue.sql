-- The service catalogue: agencies, their departments, and the services they offer.
-- Texts are stored in both languages; documents and form definitions are JSON text
-- (checked by nafitha-domain before they are written).

create table agencies (
    code text not null constraint agencies_pk primary key,
    name_ar text not null,
    name_en text not null,
    phone text not null,
    email text not null,
    position bigint not null
);

create table departments (
    code text not null constraint departments_pk primary key,
    agency_code text not null constraint departments_agency_fk references agencies (code),
    name_ar text not null,
    name_en text not null,
    constraint departments_agency_code_uq unique (agency_code, code)
);

create table services (
    code text not null constraint services_pk primary key,
    kind text not null constraint services_kind_ck
        check (kind in ('request', 'permit', 'complaint', 'suggestion', 'appointment')),
    agency_code text not null,
    department_code text not null,
    name_ar text not null,
    name_en text not null,
    summary_ar text not null,
    summary_en text not null,
    description_ar text not null,
    description_en text not null,
    fee_halalas bigint not null constraint services_fee_ck check (fee_halalas >= 0),
    sla_working_days bigint not null constraint services_sla_ck check (sla_working_days between 1 and 365),
    documents text not null,
    form text not null,
    active bigint not null default 1 constraint services_active_ck check (active in (0, 1)),
    position bigint not null,
    constraint services_department_fk foreign key (agency_code, department_code)
        references departments (agency_code, code)
);

create index services_agency_position_idx on services (agency_code, position);
