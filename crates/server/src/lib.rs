//! The Nafitha API server as a library, so tests drive exactly what `main` runs.
//!
//! `main.rs` stays thin: it reads the command line and configuration, then calls
//! [`startup::Application`]. Everything with behaviour lives in the modules below.

pub mod assets;
pub mod attachments;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod connections;
pub mod error;
pub mod headers;
pub mod ics;
pub mod limits;
pub mod metrics;
pub mod notify;
pub mod pages;
pub mod payments;
pub mod routes;
pub mod secret;
pub mod startup;
pub mod store;
pub mod telemetry;
