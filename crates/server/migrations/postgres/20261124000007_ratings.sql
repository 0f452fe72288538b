-- Ratings of decided requests: one per request, changeable for 7 days after it was first
-- given. Linked to the request and, as they were when it was rated, its service, agency
-- and department (the statistics group by them). No applicant identity is stored here.

create table ratings (
    request_id bigint not null constraint ratings_pk primary key
        constraint ratings_request_fk references requests (id),
    service_code text not null,
    agency_code text not null,
    department_code text not null,
    score bigint not null constraint ratings_score_ck check (score between 1 and 5),
    resolved text constraint ratings_resolved_ck check (resolved in ('yes', 'no', 'partly')),
    comment text,
    created_at bigint not null,
    updated_at bigint not null
);

create index ratings_agency_idx on ratings (agency_code, created_at);
create index ratings_service_idx on ratings (service_code, created_at);
