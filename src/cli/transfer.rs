//! `kith import …` and `kith export …`: moving directory data in and out, with progress
//! bars and a report that names every row it skipped and why.

use std::path::Path;

use kith::app;
use kith::auth::roles::Role;
use kith::config::Settings;
use kith::domain::accounts::email_address::EmailAddress;
use kith::domain::audit::Actor;
use kith::domain::import::apply::{self, Options, Outcome, Report};
use kith::domain::import::rows::{Read, Vocabulary};
use kith::domain::import::{read_oruk, template};
use kith::domain::{accounts, categories, cqc, oruk};

#[derive(Clone, Copy)]
pub enum Format {
    Oruk,
    Csv,
}

/// A progress bar: "[####    ] 40/100 rows (3s left)".
pub(crate) fn bar(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{{bar:40}} {{pos}}/{{len}} {what} ({{eta}} left)"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Who is importing: an administrator's account when listings are to be published at once.
async fn importer(
    db: &sea_orm::DatabaseConnection,
    by: Option<&str>,
    approve: bool,
) -> anyhow::Result<Actor> {
    let Some(email) = by else {
        anyhow::ensure!(
            !approve,
            "--approve publishes listings without review: say which administrator is doing it with --by EMAIL"
        );
        return Ok(Actor::system());
    };
    let email = EmailAddress::parse(email)?;
    let user = accounts::find_by_email(db, &email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("there is no account for {email}"))?;
    let roles = accounts::roles_of(db, user.id).await?;
    anyhow::ensure!(
        roles.contains(&Role::Admin),
        "{email} is not an administrator, so cannot import"
    );
    Ok(Actor {
        user_id: Some(user.id),
        request_id: None,
        council: None,
    })
}

pub fn print_report(report: &Report) {
    for row in &report.rows {
        if let Outcome::Skipped(reason) = &row.outcome {
            println!("skipped {}: {reason}", row.label);
        } else if !row.left_out.is_empty() {
            println!("{}: left out {}", row.label, row.left_out.join("; "));
        }
    }
    println!("{}", report.summary());
}

pub async fn import(
    settings: Settings,
    format: Format,
    path: &Path,
    dry_run: bool,
    approve: bool,
    by: Option<&str>,
) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    let actor = importer(&db, by, approve).await?;
    let vocabulary = Vocabulary::new(&categories::tree(&db, false).await?);
    let read: Read = match format {
        Format::Oruk => read_oruk(path, &vocabulary),
        Format::Csv => std::fs::read(path)
            .map_err(|e| format!("{} cannot be read: {e}", path.display()))
            .and_then(|bytes| template::read(&bytes, &vocabulary)),
    }
    .map_err(|e| anyhow::anyhow!(e))?;
    let progress = bar("rows");
    progress.set_length(read.items.len() as u64);
    let options = Options {
        dry_run,
        approve,
        source: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        policy: settings.review_policy(),
        today: kith::clock::Clock::system().today(),
    };
    let report = apply::run(&db, &actor, read, &vocabulary, &options, |done| {
        progress.set_position(done as u64);
    })
    .await?;
    progress.finish_and_clear();
    print_report(&report);
    Ok(())
}

/// `kith import cqc FILE`: reads CQC's register and applies it (see `domain::cqc::import`).
pub async fn import_cqc(settings: Settings, path: &Path, by: Option<&str>) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    let actor = importer(&db, by, false).await?;
    let bytes = std::fs::read(path)
        .map_err(|e| anyhow::anyhow!("{} cannot be read: {e}", path.display()))?;
    let register = cqc::register::read(&bytes).map_err(|e| anyhow::anyhow!(e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // The register is read for the first council's area.
    let council = kith::domain::councils::all(&db)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("there is no council"))?;
    let report = cqc::import::run(&db, &actor, register, &name, &council.local_authority).await?;
    for problem in &report.problems {
        println!("skipped {problem}");
    }
    for (kind, location) in &report.changes {
        println!(
            "for review: {location}: {}",
            cqc::changes::kind_label(*kind)
        );
    }
    if let Some((missing, known)) = report.part_of_register {
        println!(
            "{missing} of the {known} locations Kith knew are not in this file, so it looks like part of the register: nobody was marked deregistered"
        );
    }
    println!("{}", report.summary());
    if report.listings_matched == 0 && report.unlisted_in_area > 0 {
        println!(
            "No Kith listing is at a location in this file. {} registered locations in {} can be added as draft listings from the admin's CQC page.",
            report.unlisted_in_area, council.local_authority
        );
    }
    Ok(())
}

pub async fn export(settings: Settings, base_url: &str, dir: &Path) -> anyhow::Result<()> {
    let db = app::prepare_database(&settings, None).await?;
    kith::postcode_import::load(&settings)?;
    let progress = bar("services");
    let written = oruk::export::write(&db, base_url, dir, |done, total| {
        progress.set_length(total as u64);
        progress.set_position(done as u64);
    })
    .await?;
    progress.finish_and_clear();
    println!(
        "{written} published services written to {0}/services.json and the data package in {0}/csv",
        dir.display()
    );
    Ok(())
}
