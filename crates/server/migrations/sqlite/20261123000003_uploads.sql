-- Uploaded attachments, made for one question of one service. An upload is linked to a
-- request when the request is filed; one never linked is deleted after a day.

create table uploads (
    id text not null constraint uploads_pk primary key,
    service_code text not null constraint uploads_service_fk references services (code),
    field_id text not null,
    kind text not null constraint uploads_kind_ck check (kind in ('jpeg', 'png', 'pdf')),
    size bigint not null,
    created_at bigint not null,
    request_id bigint constraint uploads_request_fk references requests (id)
);

create index uploads_request_created_idx on uploads (request_id, created_at);
