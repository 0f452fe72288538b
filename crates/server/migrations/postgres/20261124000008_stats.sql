-- Kept counts behind the performance figures (GET /api/v1/stats), so that a call reads a
-- few thousand rows whatever the number of requests. Each count is kept per day (grain
-- 'd', bucket = the date), per month (grain 'm', bucket = the month's first day) and for
-- all time (grain 'a', bucket 'all'); request counts also per week (grain 'w', bucket = the
-- Sunday) for the 12-week trend. A period reads the days up to its first whole month,
-- then months (domain::stats); all time reads one row per scope.
-- On PostgreSQL, request counts are split over 4 slots by request id, so that concurrent
-- filings rarely wait on the same row (SQLite has one writer at a time: one slot). Pages
-- are left half empty (fillfactor 50) so that updates of a count stay on its page (HOT
-- updates) and the rows a period reads stay close together. No parallel scans: a period
-- reads a few thousand rows, and starting parallel workers costs more than that
-- (EXPLAIN ANALYZE at 1,000,000 requests: 8 ms for a query whose scans took under 1 ms). The server updates them in the transaction that files, moves or rates a
-- request; when these tables are empty and requests exist, startup rebuilds them.

create table stats_requests (
    grain text not null constraint stats_requests_grain_ck check (grain in ('d', 'w', 'm', 'a')),
    bucket text not null,
    agency_code text not null,
    department_code text not null,
    service_code text not null,
    slot bigint not null,
    received bigint not null,
    in_progress bigint not null,
    resolved bigint not null,
    rejected bigint not null,
    resolved_within_sla bigint not null,
    online bigint not null,
    constraint stats_requests_pk
        primary key (grain, bucket, agency_code, department_code, service_code, slot)
) with (fillfactor = 50, parallel_workers = 0);

-- Resolved requests per number of working days they took.
create table stats_resolve_days (
    grain text not null constraint stats_resolve_days_grain_ck check (grain in ('d', 'm', 'a')),
    bucket text not null,
    agency_code text not null,
    department_code text not null,
    service_code text not null,
    days bigint not null,
    n bigint not null,
    constraint stats_resolve_days_pk
        primary key (grain, bucket, agency_code, department_code, service_code, days)
) with (fillfactor = 50, parallel_workers = 0);

-- Ratings per score, by the day they were first given.
create table stats_ratings (
    grain text not null constraint stats_ratings_grain_ck check (grain in ('d', 'm', 'a')),
    bucket text not null,
    agency_code text not null,
    department_code text not null,
    service_code text not null,
    score bigint not null,
    n bigint not null,
    constraint stats_ratings_pk
        primary key (grain, bucket, agency_code, department_code, service_code, score)
) with (fillfactor = 50, parallel_workers = 0);

