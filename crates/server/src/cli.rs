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
    /// Manage agency staff accounts (in the database `DATABASE_URL` names).
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Manage channel partners' API keys (in the database `DATABASE_URL` names).
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Make a key for a partner and print it, once (only its hash is kept).
    Add {
        /// The partner's name, e.g. "Municipality WhatsApp bot".
        #[arg(long)]
        partner: String,
        /// The agency whose services it files for; leave out for every agency.
        #[arg(long)]
        agency: Option<String>,
        /// The channel the partner stands for: api (default), whatsapp, social or email.
        #[arg(long, default_value = "api")]
        channel: String,
        /// Limit the key to this service (repeat for several); leave out for all.
        #[arg(long = "service")]
        services: Vec<String>,
    },
    /// List every key (never the keys themselves).
    List,
    /// Revoke a key: refused at once, on every instance.
    Revoke {
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create an account. The password is read from standard input (one line), never
    /// from the command line, where other users of the machine could see it.
    Add {
        #[arg(long)]
        username: String,
        /// `intake`: contact-centre and reception staff, who file for citizens and look
        /// their requests up (those of the operator agency `portal` for every agency).
        #[arg(long, value_parser = ["agent", "supervisor", "admin", "intake"])]
        role: String,
        /// The agency's code, e.g. `epm`.
        #[arg(long)]
        agency: String,
        /// Limit the account to one department of the agency.
        #[arg(long)]
        department: Option<String>,
        /// Read the password from standard input (required).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List every account.
    List,
    /// Disable an account and end its sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
}
