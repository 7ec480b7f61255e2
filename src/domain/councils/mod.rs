//! The councils a deployment serves: each one's name, where its pages are reached (its own
//! host name, or `/c/{slug}/` on a shared one), the postcode districts it covers, the line
//! its pages end with, and what it publishes under (360Giving funder, CQC local authority).
//! An installation starts with one council, made from its settings; with one council no
//! address names it, as before councils were records.

pub mod directory;
pub mod slug;

use chrono::Utc;
use entity::councils::{self, CouncilId};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, QueryOrder, QuerySelect,
};

use crate::config::Settings;
use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::fund::export::Funder;
use crate::domain::postcode;
pub use directory::{Directory, Resolved};
pub use slug::CouncilSlug;

/// A council, as pages, exports and imports use it: its id and short name, and what its
/// record says (`council.name`, `council.funder`… through `Deref`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Council {
    pub id: CouncilId,
    pub slug: CouncilSlug,
    pub details: CouncilDetails,
}

impl std::ops::Deref for Council {
    type Target = CouncilDetails;

    fn deref(&self) -> &CouncilDetails {
        &self.details
    }
}

/// What a council's record says, as entered (the command line, the demo) and as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CouncilDetails {
    pub name: String,
    /// Its own host name (lower case, no port), if it has one.
    pub host: Option<String>,
    /// The postcode districts it covers (`M33`), upper case.
    pub districts: Vec<String>,
    /// How to reach its adult social care team, shown at the foot of its pages.
    pub contact: String,
    /// Who its grants are published as (360Giving).
    pub funder: Funder,
    /// Its name in CQC's register of care locations.
    pub local_authority: String,
}

/// Where what is done for a council leads people: which council, and the address its
/// emails' links start with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    pub council: CouncilId,
    pub base_url: String,
}

impl Council {
    /// Where this council's own host name serves it, with the deployment's scheme: what
    /// its links start with when its pages were asked for by that name.
    pub fn own_address(&self, deployment: &str) -> Option<String> {
        let scheme = deployment.split_once("://").map_or("https", |(s, _)| s);
        self.host.as_ref().map(|host| format!("{scheme}://{host}"))
    }
}

/// What each council's links start with when built outside a request (background jobs),
/// where no address names the council: its own host name, or for the first council the
/// deployment's address, or the deployment's address and `/c/{short name}`.
pub async fn link_bases(
    conn: &impl ConnectionTrait,
    deployment: &str,
) -> Result<std::collections::HashMap<CouncilId, String>, DbErr> {
    let all = all(conn).await?;
    let first = all.first().map(|c| c.id);
    Ok(all
        .iter()
        .map(|c| {
            let base = c.own_address(deployment).unwrap_or_else(|| {
                if Some(c.id) == first {
                    deployment.to_owned()
                } else {
                    format!("{deployment}{}", directory::path_prefix(&c.slug))
                }
            });
            (c.id, base)
        })
        .collect())
}

impl Council {
    fn of(row: councils::Model) -> Self {
        Self {
            id: row.id,
            // Stored slugs were parsed on the way in; an unreadable one still names it.
            slug: CouncilSlug::parse(&row.slug).unwrap_or_else(|_| CouncilSlug::stored(row.slug)),
            details: CouncilDetails {
                name: row.name,
                host: row.host,
                districts: serde_json::from_value(row.districts).unwrap_or_default(),
                contact: row.contact,
                funder: Funder {
                    identifier: row.funder_identifier,
                    name: row.funder_name,
                    prefix: row.grant_prefix,
                },
                local_authority: row.local_authority,
            },
        }
    }
}

/// The deployment's first council: the one a single-council installation has, which owns
/// what was there before councils were records.
pub async fn first(conn: &impl ConnectionTrait) -> Result<CouncilId, DbErr> {
    first_if_any(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("there is no council yet".into()))
}

/// The first council, if there is one yet. Reads only the id, so that it works part-way
/// through migrating (see [`ensure_first`]).
async fn first_if_any(conn: &impl ConnectionTrait) -> Result<Option<CouncilId>, DbErr> {
    councils::Entity::find()
        .select_only()
        .column(councils::Column::Id)
        .order_by_asc(councils::Column::Id)
        .into_tuple::<CouncilId>()
        .one(conn)
        .await
}

/// Every council, the first made first.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<Council>, DbErr> {
    Ok(councils::Entity::find()
        .order_by_asc(councils::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(Council::of)
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum CouncilError {
    #[error("there is no council called {0:?}")]
    NotFound(String),
    #[error("give the council a name")]
    NoName,
    #[error("{0}")]
    Slug(#[from] slug::SlugError),
    #[error(
        "{0:?} is not a host name (letters, digits, dots and hyphens, such as trafford.kith.example)"
    )]
    Host(String),
    #[error("{0:?}: {1}")]
    District(String, postcode::PostcodeError),
    #[error("the {0} is longer than {1} characters")]
    TooLong(&'static str, usize),
    #[error("another council already has that short name or host name")]
    Taken,
    #[error(
        "the first council could not be made from the settings funder_name, funder_identifier, grant_prefix and council_local_authority: {0}"
    )]
    FromSettings(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl CouncilDetails {
    /// Refuses what the record cannot hold: no name, or a field past its column's length.
    fn check(&self) -> Result<(), CouncilError> {
        if self.name.trim().is_empty() {
            return Err(CouncilError::NoName);
        }
        for (field, text, max) in [
            ("name", &self.name, 120),
            ("contact line", &self.contact, 300),
            ("funder identifier", &self.funder.identifier, 80),
            ("funder name", &self.funder.name, 120),
            ("grant prefix", &self.funder.prefix, 80),
            ("CQC area", &self.local_authority, 120),
        ] {
            if text.trim().chars().count() > max {
                return Err(CouncilError::TooLong(field, max));
            }
        }
        Ok(())
    }
}

/// A host name as people type it in an address: lower case, without a port.
pub fn parse_host(raw: &str) -> Result<Option<String>, CouncilError> {
    let host = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Ok(None);
    }
    let fits = host.len() <= 253
        && host.split('.').count() >= 2
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if fits {
        Ok(Some(host))
    } else {
        Err(CouncilError::Host(raw.trim().to_owned()))
    }
}

/// Postcode districts as typed ("m33, WA14"): each must be a real one.
pub fn parse_districts(raw: &str) -> Result<Vec<String>, CouncilError> {
    postcode::parse_districts(raw).map_err(|err| CouncilError::District(raw.trim().to_owned(), err))
}

/// Makes the first council from the settings when there is none (a new installation, or
/// one from before councils were records), so that everything it published before it
/// goes on publishing under the same names. Part of setting the database up
/// ([`crate::db::migrate`]), under its lock: instances starting together wait for each
/// other there, so one makes the council and the rest find it, whatever their settings say.
pub(crate) async fn ensure_first(
    txn: &DatabaseTransaction,
    settings: &Settings,
) -> Result<(), CouncilError> {
    // This runs between migrations, before later ones change the councils (or the audit
    // log): it reads and writes only the columns the councils migration made.
    if first_if_any(txn).await?.is_none() {
        let slug = CouncilSlug::from_name(&settings.council_local_authority);
        let funder = settings.funder();
        let details = CouncilDetails {
            name: settings.funder_name.trim().to_owned(),
            host: None,
            districts: Vec::new(),
            contact: String::new(),
            funder: Funder {
                identifier: funder.identifier.trim().to_owned(),
                name: funder.name.trim().to_owned(),
                prefix: funder.prefix.trim().to_owned(),
            },
            local_authority: settings.council_local_authority.trim().to_owned(),
        };
        insert(txn, &Actor::system(), &slug, &details)
            .await
            .map_err(|err| CouncilError::FromSettings(err.to_string()))?;
    }
    Ok(())
}

/// Adds a council; audited.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    slug: &CouncilSlug,
    details: &CouncilDetails,
) -> Result<CouncilId, CouncilError> {
    let txn = db.begin_write().await?;
    let id = insert(&txn, actor, slug, details).await?;
    txn.commit().await?;
    Ok(id)
}

async fn insert(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    slug: &CouncilSlug,
    details: &CouncilDetails,
) -> Result<CouncilId, CouncilError> {
    details.check()?;
    let now = Utc::now();
    let row = councils::ActiveModel {
        slug: Set(slug.as_str().to_owned()),
        name: Set(details.name.trim().to_owned()),
        host: Set(details.host.clone()),
        districts: Set(serde_json::json!(details.districts)),
        contact: Set(details.contact.trim().to_owned()),
        funder_identifier: Set(details.funder.identifier.clone()),
        funder_name: Set(details.funder.name.clone()),
        grant_prefix: Set(details.funder.prefix.clone()),
        local_authority: Set(details.local_authority.trim().to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // Inserted without reading the row back, which would name every column of today's
    // councils (see `ensure_first`).
    let id = councils::Entity::insert(row)
        .exec(conn)
        .await
        .map_err(taken)?
        .last_insert_id;
    audit::record(
        conn,
        actor,
        Event::new(Action::CouncilCreated, "council", id).detail(slug.as_str()),
    )
    .await?;
    Ok(id)
}

/// A unique key refused: the short name or host name is another council's.
fn taken(err: DbErr) -> CouncilError {
    let text = err.to_string().to_lowercase();
    if text.contains("unique") || text.contains("duplicate") {
        CouncilError::Taken
    } else {
        CouncilError::Db(err)
    }
}

/// Changes a council's record; audited with the fields that changed.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    slug: &str,
    details: &CouncilDetails,
) -> Result<Council, CouncilError> {
    details.check()?;
    let txn = db.begin_write().await?;
    let row = councils::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .find(|c| c.slug == slug)
        .ok_or_else(|| CouncilError::NotFound(slug.to_owned()))?;
    let before = Council::of(row.clone());
    let mut active: councils::ActiveModel = row.into();
    active.name = Set(details.name.trim().to_owned());
    active.host = Set(details.host.clone());
    active.districts = Set(serde_json::json!(details.districts));
    active.contact = Set(details.contact.trim().to_owned());
    active.funder_identifier = Set(details.funder.identifier.clone());
    active.funder_name = Set(details.funder.name.clone());
    active.grant_prefix = Set(details.funder.prefix.clone());
    active.local_authority = Set(details.local_authority.trim().to_owned());
    active.updated_at = Set(Utc::now());
    let after = Council::of(active.update(&txn).await.map_err(taken)?);
    let changed = changed_fields(&before, &after);
    if !changed.is_empty() {
        audit::record(
            &txn,
            actor,
            Event::new(Action::CouncilChanged, "council", after.id).detail(changed.join(", ")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

fn changed_fields(before: &Council, after: &Council) -> Vec<&'static str> {
    [
        ("name", before.name != after.name),
        ("host", before.host != after.host),
        ("districts", before.districts != after.districts),
        ("contact", before.contact != after.contact),
        ("funder", before.funder != after.funder),
        (
            "local authority",
            before.local_authority != after.local_authority,
        ),
    ]
    .into_iter()
    .filter_map(|(field, differs)| differs.then_some(field))
    .collect()
}
