-- Open311 GeoReport v2 (issue 15): a partner lists and follows the requests it filed, so a
-- request keeps the key it was filed with (null for every other channel). Filings made
-- with a key before this column are found by their first event's actor, `partner:<id>`.

alter table requests add column api_key_id bigint constraint requests_api_key_fk references api_keys (id);

update requests set api_key_id = (
    select cast(substr(e.actor, 9) as bigint) from request_events e
    where e.request_id = requests.id and e.kind = 'submitted' and e.actor like 'partner:%'
)
where id in (
    select request_id from request_events where kind = 'submitted' and actor like 'partner:%'
);

-- Partial indexes: only requests filed with a key pay for them. Lists by when a request was
-- filed (of every service, or of some); updates by when a request last changed.
create index requests_api_key_submitted_idx on requests (api_key_id, submitted_at) where api_key_id is not null;
create index requests_api_key_service_idx on requests (api_key_id, service_code, submitted_at) where api_key_id is not null;
create index requests_api_key_updated_idx on requests (api_key_id, updated_at) where api_key_id is not null;
