//! API tests: the real router on a real port, against SQLite and (when
//! `NAFITHA_TEST_POSTGRES_URL` is set) the same tests against PostgreSQL.

mod account;
mod appointments;
mod backoffice;
mod bills;
mod catalogue;
mod connections;
mod durability;
mod filing;
mod helpers;
mod instances;
mod intake;
mod licences;
mod limits;
mod metrics;
mod notify;
mod open311;
mod openapi;
mod pages;
mod partners;
mod process;
mod ratings;
mod serving;
mod staff;
mod stats;
mod text;
mod uploads;
