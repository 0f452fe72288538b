//! `nafitha-server`: serve the portal, or run one of its operator commands.

use std::process::ExitCode;

use clap::Parser;
use nafitha_server::cli::{ApiKeyCommand, Cli, Command, StaffCommand};
use nafitha_server::config::Config;
use nafitha_server::{assets, startup, telemetry};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(),
        Command::Precompress { dir } => assets::precompress_dir(&dir).map(|report| {
            println!("precompressed {} files in {}", report.files, dir.display());
        }),
        Command::Staff(command) => staff(command),
        Command::ApiKey(command) => api_key(command),
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
/// ends with (some libraries repeat their source in their own message); line breaks
/// inside a cause (a storage service's XML answer) become spaces.
fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error
        .chain()
        .map(|c| c.to_string().replace(['\r', '\n'], " "))
    {
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
        if let Some(metrics) = app.metrics_address() {
            println!("Metrics are served at http://{metrics}/metrics");
        }
        if !app.demo_staff().is_empty() {
            println!(
                "Demo staff (NAFITHA_DEMO=1; new passwords at every start), sign in at /staff:"
            );
            for a in app.demo_staff() {
                println!(
                    "  {:<28} {}  ({}, {}{})",
                    a.username,
                    a.password,
                    a.role,
                    a.agency,
                    a.department
                        .as_deref()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                );
            }
        }
        app.run_until_stopped(startup::shutdown_signal()).await
    })
}

/// Runs a command-line task on the database the environment names, migrated and seeded
/// as the server would find it, and closes it afterwards.
fn with_store(
    task: impl AsyncFnOnce(&nafitha_server::store::Store, &Config) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let store = nafitha_server::store::Store::connect(&config.database, 2).await?;
        store
            .seed_catalogue(&nafitha_server::store::seed::Catalogue::embedded()?)
            .await?;
        let done = task(&store, &config).await;
        store.close().await;
        done
    })
}

fn staff(command: StaffCommand) -> anyhow::Result<()> {
    use nafitha_server::store::staff::{StaffAccount, StaffAdded};
    with_store(async |store, config| {
        match command {
            StaffCommand::Add {
                username,
                role,
                agency,
                department,
                ..
            } => {
                let username = nafitha_domain::backoffice::check_username(&username)
                    .map_err(|message| anyhow::anyhow!("{}", message.en))?;
                let mut password = String::new();
                std::io::stdin().read_line(&mut password)?;
                let password = password.trim_end_matches(['\r', '\n']);
                anyhow::ensure!(
                    password.chars().count() >= 12,
                    "the password must be at least 12 characters"
                );
                let account = StaffAccount {
                    username: username.clone(),
                    password_hash: nafitha_server::auth::password::hash_password(password)?,
                    role,
                    agency,
                    department,
                    disabled: false,
                };
                match store.add_staff(&account, config.clock.now_ms()).await? {
                    StaffAdded::Added => println!("added {username}"),
                    StaffAdded::UsernameTaken => anyhow::bail!("the username {username} is taken"),
                    StaffAdded::UnknownAgency => {
                        anyhow::bail!("there is no agency {}", account.agency)
                    }
                    StaffAdded::UnknownDepartment => anyhow::bail!(
                        "agency {} has no department {}",
                        account.agency,
                        account.department.unwrap_or_default()
                    ),
                }
            }
            StaffCommand::List => {
                for a in store.list_staff().await? {
                    let state = if a.disabled { "disabled" } else { "active" };
                    let department = a.department.as_deref().unwrap_or("-");
                    println!(
                        "{}\t{}\t{}\t{}\t{state}",
                        a.username, a.role, a.agency, department
                    );
                }
            }
            StaffCommand::Disable { username } => {
                anyhow::ensure!(
                    store.disable_staff(&username).await?,
                    "there is no account {username}"
                );
                println!("disabled {username}");
            }
        }
        Ok(())
    })
}

fn api_key(command: ApiKeyCommand) -> anyhow::Result<()> {
    use nafitha_domain::partner::NewApiKey;
    use nafitha_server::store::partners::{KeyAdded, KeyToStore};
    with_store(async |store, config| {
        match command {
            ApiKeyCommand::Add {
                partner,
                agency,
                channel,
                services,
            } => {
                let valid = NewApiKey {
                    partner,
                    channel,
                    services,
                }
                .validate()
                .map_err(|problems| {
                    let list: Vec<String> = problems
                        .iter()
                        .map(|p| format!("{}: {}", p.field, p.message.en))
                        .collect();
                    anyhow::anyhow!("{}", list.join("; "))
                })?;
                let (key, key_hash, prefix) = nafitha_server::auth::new_api_key();
                let stored = KeyToStore {
                    key_hash: &key_hash,
                    prefix: &prefix,
                    key: &valid,
                    agency: agency.as_deref(),
                    created_by: "command line",
                    now_ms: config.clock.now_ms(),
                };
                match store.add_api_key(&stored).await? {
                    KeyAdded::Added(id) => println!("key {id} for {}: {key}", valid.partner),
                    KeyAdded::UnknownAgency => anyhow::bail!(
                        "there is no agency {} (the operator's keys leave --agency out)",
                        agency.unwrap_or_default()
                    ),
                    KeyAdded::UnknownService(code) => {
                        anyhow::bail!("there is no service {code} in the key's scope")
                    }
                }
            }
            ApiKeyCommand::List => {
                for k in store.api_keys(None).await? {
                    let state = if k.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "live"
                    };
                    println!(
                        "{}\t{}…\t{}\t{}\t{}\t{}\t{state}",
                        k.id,
                        k.prefix,
                        k.partner,
                        k.channel.code(),
                        k.agency.as_deref().unwrap_or("*"),
                        if k.services.is_empty() {
                            "*".to_owned()
                        } else {
                            k.services.join(",")
                        },
                    );
                }
            }
            ApiKeyCommand::Revoke { id } => {
                anyhow::ensure!(
                    store
                        .revoke_api_key(id, None, config.clock.now_ms())
                        .await?,
                    "there is no live key {id}"
                );
                println!("revoked key {id}");
            }
        }
        Ok(())
    })
}
