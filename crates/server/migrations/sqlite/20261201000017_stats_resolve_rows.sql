-- The time-to-resolve histogram, 32 counts to a row. It was kept one row per number of
-- working days (per grain, bucket and scope), so that a month of a service resolved in 0 to
-- 19 days took 20 rows, and the 12 months of GET /api/v1/stats?period=12m read some 7,000
-- of them at 1,000,000 requests. A row now counts the requests resolved in from_days,
-- from_days + 1 … from_days + 31 working days (d0 … d31; from_days is 0, 32, 64…): one row
-- per scope and bucket for most, the counts as exact as before (domain::stats::days_row).
-- The kept counts are emptied, so that startup rebuilds them in the new layout (it rebuilds
-- when stats_requests is empty and requests exist).

drop table stats_resolve_days;

create table stats_resolve_days (
    grain text not null constraint stats_resolve_days_grain_ck check (grain in ('d', 'm', 'a')),
    bucket text not null,
    agency_code text not null,
    department_code text not null,
    service_code text not null,
    from_days bigint not null
        constraint stats_resolve_days_from_ck check (from_days >= 0 and from_days % 32 = 0),
    d0 bigint not null default 0,
    d1 bigint not null default 0,
    d2 bigint not null default 0,
    d3 bigint not null default 0,
    d4 bigint not null default 0,
    d5 bigint not null default 0,
    d6 bigint not null default 0,
    d7 bigint not null default 0,
    d8 bigint not null default 0,
    d9 bigint not null default 0,
    d10 bigint not null default 0,
    d11 bigint not null default 0,
    d12 bigint not null default 0,
    d13 bigint not null default 0,
    d14 bigint not null default 0,
    d15 bigint not null default 0,
    d16 bigint not null default 0,
    d17 bigint not null default 0,
    d18 bigint not null default 0,
    d19 bigint not null default 0,
    d20 bigint not null default 0,
    d21 bigint not null default 0,
    d22 bigint not null default 0,
    d23 bigint not null default 0,
    d24 bigint not null default 0,
    d25 bigint not null default 0,
    d26 bigint not null default 0,
    d27 bigint not null default 0,
    d28 bigint not null default 0,
    d29 bigint not null default 0,
    d30 bigint not null default 0,
    d31 bigint not null default 0,
    constraint stats_resolve_days_pk
        primary key (grain, bucket, agency_code, department_code, service_code, from_days)
) without rowid;

delete from stats_requests;
delete from stats_ratings;
