-- Bills (issue 18, step 6). Approving a request of a permit service with a fee issues a
-- bill instead of the licence; the licence is issued when the payment gateway's signed
-- callback says the bill is paid. The status is not stored: a bill is paid once `paid_at`
-- is set, else unpaid through `due_on` and expired after it. `payment_id` is the
-- gateway's id of the payment that settled it: a callback sent again with it changes
-- nothing. The callback's secret is configuration, never stored here.

create table bills (
    id bigint generated always as identity constraint bills_pk primary key,
    number text not null constraint bills_number_uq unique,
    request_id bigint not null constraint bills_request_fk references requests (id),
    service_code text not null constraint bills_service_fk references services (code),
    holder_phone text not null,
    locale text not null constraint bills_locale_ck check (locale in ('ar', 'en')),
    amount_halalas bigint not null constraint bills_amount_ck check (amount_halalas > 0),
    due_on text not null,
    paid_at bigint,
    payment_id text constraint bills_payment_uq unique,
    licence_number text,
    created_at bigint not null,
    updated_at bigint not null
);

create index bills_holder_idx on bills (holder_phone, id);
create index bills_request_idx on bills (request_id, id);
