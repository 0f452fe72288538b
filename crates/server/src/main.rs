//! `nafitha-server`: serve the portal, or run one of its operator commands.

use std::process::ExitCode;

use clap::Parser;
use nafitha_server::cli::{Cli, Command};
use nafitha_server::config::Config;
use nafitha_server::{assets, startup, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Precompress { dir } => assets::precompress_dir(&dir).map(|report| {
            println!("precompressed {} files in {}", report.files, dir.display());
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One clear line, the whole cause chain, no backtrace: this is what an
            // operator sees when the configuration is wrong.
            eprintln!("nafitha-server: error: {}", one_line(&error));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause whose text its parent already
/// ends with (some libraries repeat their source in their own message).
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain().map(ToString::to_string) {
        if !line.ends_with(&cause) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&cause);
        }
    }
    line
}

fn serve() -> anyhow::Result<()> {
    telemetry::init();
    let config = Config::from_env()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let app = startup::Application::build(config).await?;
        println!("Nafitha is running at http://{}", app.address());
        app.run_until_stopped(startup::shutdown_signal()).await
    })
}
