//! `kith council list` and `kith council set`: the councils' records, from the command line.

use kith::config::Settings;
use kith::domain::audit::Actor;
use kith::domain::councils::{self, Council, CouncilDetails};

#[derive(clap::Subcommand)]
pub enum CouncilCommand {
    /// Every council this deployment serves, with its short name and host name.
    List,
    /// Change a council's record (only what is given changes). Running servers see the
    /// change within 30 seconds.
    Set(Box<SetArgs>),
}

#[derive(clap::Args)]
pub struct SetArgs {
    /// The council's short name, as `kith council list` shows it.
    slug: String,
    /// Its name as its pages show it ("Trafford Council").
    #[arg(long)]
    name: Option<String>,
    /// The host name its pages are served at ("trafford.kith.example"); "" for none.
    #[arg(long)]
    host: Option<String>,
    /// The postcode districts it covers ("M16, M32, M33").
    #[arg(long)]
    districts: Option<String>,
    /// The line at the foot of its pages: how to reach its adult social care team.
    #[arg(long)]
    contact: Option<String>,
    /// Its organisation identifier for 360Giving ("GB-LAE-TRF").
    #[arg(long)]
    funder_identifier: Option<String>,
    /// Its name as a funder in published grants data.
    #[arg(long)]
    funder_name: Option<String>,
    /// Its 360Giving identifier prefix ("360G-trafford").
    #[arg(long)]
    grant_prefix: Option<String>,
    /// Its name in CQC's register of care locations ("Trafford").
    #[arg(long)]
    local_authority: Option<String>,
}

pub async fn run(settings: Settings, command: CouncilCommand) -> anyhow::Result<()> {
    let db = kith::app::prepare_database(&settings, None).await?;
    match command {
        CouncilCommand::List => {
            for council in councils::all(&db).await? {
                print_council(&council);
            }
            Ok(())
        }
        CouncilCommand::Set(args) => {
            let council = councils::all(&db)
                .await?
                .into_iter()
                .find(|c| c.slug.as_str() == args.slug)
                .ok_or_else(|| anyhow::anyhow!("there is no council called {:?}", args.slug))?;
            let details = changed(&council, *args)?;
            let after =
                councils::update(&db, &Actor::system(), council.slug.as_str(), &details).await?;
            print_council(&after);
            Ok(())
        }
    }
}

/// The council's record with what was given changed.
fn changed(council: &Council, args: SetArgs) -> anyhow::Result<CouncilDetails> {
    let mut details = council.details.clone();
    let trimmed = |text: String| text.trim().to_owned();
    if let Some(name) = args.name {
        details.name = trimmed(name);
    }
    if let Some(host) = args.host {
        details.host = councils::parse_host(&host)?;
    }
    if let Some(raw) = args.districts {
        details.districts = councils::parse_districts(&raw)?;
    }
    if let Some(contact) = args.contact {
        details.contact = trimmed(contact);
    }
    if let Some(identifier) = args.funder_identifier {
        details.funder.identifier = trimmed(identifier);
    }
    if let Some(name) = args.funder_name {
        details.funder.name = trimmed(name);
    }
    if let Some(prefix) = args.grant_prefix {
        details.funder.prefix = trimmed(prefix);
    }
    if let Some(area) = args.local_authority {
        details.local_authority = trimmed(area);
    }
    Ok(details)
}

fn print_council(c: &Council) {
    println!("{} — {}", c.slug.as_str(), c.name);
    println!(
        "  host name:       {}",
        c.host.as_deref().unwrap_or("(none)")
    );
    println!(
        "  districts:       {}",
        if c.districts.is_empty() {
            "(none)".to_owned()
        } else {
            c.districts.join(", ")
        }
    );
    println!(
        "  contact:         {}",
        if c.contact.is_empty() {
            "(none)"
        } else {
            &c.contact
        }
    );
    println!(
        "  funder:          {} ({}, grants {})",
        c.funder.name, c.funder.identifier, c.funder.prefix
    );
    println!("  CQC area:        {}", c.local_authority);
}
