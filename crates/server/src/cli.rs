//! The command line of `nafitha-server`. Configuration comes from the environment
//! (see [`crate::config`]); the command line only chooses what to do.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Nafitha, the citizen self-service portal.
#[derive(Debug, Parser)]
#[command(name = "nafitha-server", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the app (the default). Migrates and seeds the database first.
    Serve,
    /// Write `.br` and `.gz` beside every compressible file of a built app, so the
    /// server can send them precompressed.
    Precompress {
        /// The built app, usually `dist`.
        dir: PathBuf,
    },
}
