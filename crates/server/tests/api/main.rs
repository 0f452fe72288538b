//! API tests: the real router on a real port, against SQLite and (when
//! `NAFITHA_TEST_POSTGRES_URL` is set) the same tests against PostgreSQL.

mod account;
mod backoffice;
mod catalogue;
mod filing;
mod helpers;
mod limits;
mod notify;
mod ratings;
mod serving;
mod staff;
mod stats;
mod text;
mod uploads;
