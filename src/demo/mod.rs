//! Demo data: one account for each role, a few named provider organisations and a
//! marketplace of some fifty more with a few hundred listings, so a newcomer can sign in and
//! look around. Loaded automatically only into an empty embedded SQLite database.

mod care_homes;
mod conversations;
mod demand;
mod funding;
pub mod listing_templates;
mod marketplace;

use chrono::{Duration, Utc};
use entity::provider_organisations::{OrganisationId, OrganisationStatus, ProviderKind};
use entity::users::UserId;
use entity::{provider_evidence, provider_organisations, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait,
};

use crate::auth::roles::Role;
use crate::db::BeginWrite;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::{create_verified_account, find_by_email, grant_role_in};
use crate::domain::audit::Actor;
use crate::domain::providers::evidence::{EvidenceKind, required_for};
use crate::domain::providers::organisations::{self, NewOrganisation};
use marketplace::{Marketplace, Plan};

/// The password of every demo account. Demo data is for trying Kith out, never production.
pub const DEMO_PASSWORD: &str = "kith-demo-password";
/// The authenticator secret of every demo staff account (base32, documented in the README so
/// the demo can be signed into: add it to an authenticator app, or compute the code).
pub const DEMO_TOTP_SECRET: &str = "KITHDEMOKITHDEMOKITHDEMOKITHDEMO";

struct DemoAccount {
    email: &'static str,
    name: &'static str,
    roles: &'static [Role],
    organisation: Option<&'static DemoOrganisation<'static>>,
    /// The listings the organisation shows, in these states.
    listings: &'static [Plan],
    /// Its care homes, with CQC ratings and places free.
    homes: &'static [&'static care_homes::DemoHome],
}

/// A demo provider with a filled-in profile and its evidence.
struct DemoOrganisation<'a> {
    name: &'a str,
    kind: ProviderKind,
    cqc: Option<&'a str>,
    status: OrganisationStatus,
    description: &'a str,
    phone: &'a str,
    email: &'a str,
    address: Option<(&'a str, &'a str)>,
    areas: &'a str,
}

const SALE_MOOR: DemoOrganisation<'static> = DemoOrganisation {
    name: "Sale Moor Home Support",
    kind: ProviderKind::MicroEnterprise,
    cqc: None,
    status: OrganisationStatus::Approved,
    description: "A team of five local people helping older people stay independent at home: shopping, cleaning, meals, appointments and a friendly face.\n\nWe speak English, Polish and Urdu.",
    phone: "0161 496 0101",
    email: "hello@salemoorsupport.example",
    address: Some(("12 Northenden Road, Sale", "M33 3HF")),
    areas: "M33, M32, WA15",
};

const KASIA: DemoOrganisation<'static> = DemoOrganisation {
    name: "Kasia Nowak, personal assistant",
    kind: ProviderKind::PersonalAssistant,
    cqc: None,
    status: OrganisationStatus::Approved,
    description: "I am a personal assistant with eight years' experience supporting adults with learning disabilities and autism: personal care, travel training and getting out into the community.",
    phone: "07700 900 123",
    email: "kasia.pa@example.org",
    // Her home: recorded for the council's checks, never shown publicly.
    address: Some(("4 Quiet Close, Stretford", "M32 9AB")),
    areas: "M32, M16, M41",
};

const STRETFORD_CARE: DemoOrganisation<'static> = DemoOrganisation {
    name: "Stretford Care at Home",
    kind: ProviderKind::RegisteredCareProvider,
    cqc: Some("1-123456789"),
    status: OrganisationStatus::Approved,
    description: "A CQC-registered home care agency offering personal care, night sitting and respite for carers across Stretford and Old Trafford.",
    phone: "0161 496 0202",
    email: "office@stretfordcare.example",
    address: Some(("88 Chester Road, Stretford", "M32 0RL")),
    areas: "M32, M16, M15",
};

const COMMUNITY_KITCHEN: DemoOrganisation<'static> = DemoOrganisation {
    name: "Old Trafford Community Kitchen",
    kind: ProviderKind::VoluntaryGroup,
    cqc: None,
    status: OrganisationStatus::Submitted,
    description: "A volunteer-run lunch club and cooking group for older people and carers, with culturally familiar food from the Caribbean, South Asia and West Africa.",
    phone: "0161 496 0303",
    email: "kitchen@otck.example",
    address: Some((
        "Community Centre, Shrewsbury Street, Old Trafford",
        "M16 9AX",
    )),
    areas: "M16",
};

const BROOK_HOUSE_CARE: DemoOrganisation<'static> = DemoOrganisation {
    name: "Brook House Care",
    kind: ProviderKind::RegisteredCareProvider,
    cqc: Some("1-9100000101"),
    status: OrganisationStatus::Approved,
    description: "A family business running two care homes in Sale and Timperley since 1998.",
    phone: "0161 496 0404",
    email: "homes@brookhousecare.example",
    address: Some(("Rifle Road, Sale", "M33 2LX")),
    areas: "M33, WA15",
};

const WILLOW_BANK_HOMES: DemoOrganisation<'static> = DemoOrganisation {
    name: "Willow Bank Homes",
    kind: ProviderKind::RegisteredCareProvider,
    cqc: Some("1-9100000102"),
    status: OrganisationStatus::Approved,
    description: "One care home in Urmston, with nursing and residential care for 36 people.",
    phone: "0161 496 0505",
    email: "office@willowbank.example",
    address: Some(("Church Road, Urmston", "M41 9EJ")),
    areas: "M41",
};

const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@kith.example",
        name: "Priya Shah",
        roles: &[Role::Admin],
        organisation: None,
        listings: &[],
        homes: &[],
    },
    DemoAccount {
        email: "commissioner@kith.example",
        name: "Tom Clarke",
        roles: &[Role::Commissioner],
        organisation: None,
        listings: &[],
        homes: &[],
    },
    DemoAccount {
        email: "checker@kith.example",
        name: "Maureen Doyle",
        roles: &[Role::QualityChecker],
        organisation: None,
        listings: &[],
        homes: &[],
    },
    DemoAccount {
        email: "broker@kith.example",
        name: "Samuel Okafor",
        roles: &[Role::Broker],
        organisation: None,
        listings: &[],
        homes: &[],
    },
    DemoAccount {
        email: "budget.holder@kith.example",
        name: "Margaret Wilson",
        roles: &[Role::BudgetHolder],
        organisation: None,
        listings: &[],
        homes: &[],
    },
    DemoAccount {
        email: "provider@kith.example",
        name: "Jo Bennett",
        roles: &[Role::Provider],
        organisation: Some(&SALE_MOOR),
        listings: &[
            Plan::Live,
            Plan::LiveWithPendingChange,
            Plan::Draft,
            Plan::Live,
        ],
        homes: &[],
    },
    DemoAccount {
        email: "pa@kith.example",
        name: "Kasia Nowak",
        roles: &[Role::Provider],
        organisation: Some(&KASIA),
        listings: &[Plan::Live, Plan::Live],
        homes: &[],
    },
    DemoAccount {
        email: "care.agency@kith.example",
        name: "Imran Hussain",
        roles: &[Role::Provider],
        organisation: Some(&STRETFORD_CARE),
        listings: &[Plan::Live, Plan::Live, Plan::Submitted, Plan::Suspended],
        homes: &[],
    },
    DemoAccount {
        email: "nursing.home@kith.example",
        name: "Helen Carter",
        roles: &[Role::Provider],
        organisation: Some(&BROOK_HOUSE_CARE),
        listings: &[],
        homes: &[&care_homes::BROOK_HOUSE, &care_homes::CEDAR_LODGE],
    },
    DemoAccount {
        email: "care.home@kith.example",
        name: "David Mensah",
        roles: &[Role::Provider],
        organisation: Some(&WILLOW_BANK_HOMES),
        listings: &[],
        homes: &[&care_homes::WILLOW_BANK],
    },
    DemoAccount {
        email: "kitchen@kith.example",
        name: "Grace Mensah",
        roles: &[Role::Provider],
        organisation: Some(&COMMUNITY_KITCHEN),
        listings: &[Plan::Draft],
        homes: &[],
    },
];

/// Every demo account's email, in the order the sign-in help lists them.
pub fn account_emails() -> impl Iterator<Item = &'static str> {
    DEMO_ACCOUNTS.iter().map(|a| a.email)
}

pub fn logins_summary() -> String {
    DEMO_ACCOUNTS
        .iter()
        .map(|a| {
            format!(
                "{} ({})",
                a.email,
                a.roles
                    .iter()
                    .map(|r| r.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn database_is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(users::Entity::find().count(db).await? == 0)
}

pub async fn is_seeded(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let first = EmailAddress::parse(DEMO_ACCOUNTS[0].email)?;
    Ok(find_by_email(db, &first).await?.is_some())
}

/// Loads the demo data; `base_url` is used in the links of the demo emails it queues.
/// The demo's council: Trafford, its districts and a contact line (its funder names stay the
/// example ones, which `kith check-deploy` refuses).
async fn name_the_council(db: &DatabaseConnection, actor: &Actor) -> anyhow::Result<()> {
    let Some(first) = crate::domain::councils::all(db).await?.into_iter().next() else {
        return Ok(());
    };
    let details = crate::domain::councils::CouncilDetails {
        name: "Trafford Council".to_owned(),
        districts: marketplace::DEMO_DISTRICTS
            .iter()
            .map(|d| (*d).to_owned())
            .collect(),
        contact: "Adult social care (demo number): 0161 496 0000".to_owned(),
        ..first.details.clone()
    };
    crate::domain::councils::update(db, actor, first.slug.as_str(), &details).await?;
    Ok(())
}

pub async fn seed(db: &DatabaseConnection, base_url: &str) -> anyhow::Result<()> {
    let hash = crate::domain::accounts::passwords::hash_password(DEMO_PASSWORD.to_owned()).await?;
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
        council: None,
    };
    let txn = db.begin_write().await?;
    let council = crate::domain::councils::first(&txn).await?;
    let mut own = Vec::new();
    let mut admin_id = None;
    for account in DEMO_ACCOUNTS {
        let email = EmailAddress::parse(account.email)?;
        if find_by_email(&txn, &email).await?.is_some() {
            continue;
        }
        let user_id = create_verified_account(
            &txn,
            &actor,
            council,
            &email,
            &DisplayName::parse(account.name)?,
            hash.clone(),
        )
        .await?;
        for role in account.roles {
            grant_role_in(&txn, user_id, council, *role, None).await?;
        }
        if crate::domain::accounts::two_factor::required_for(account.roles) {
            crate::domain::accounts::two_factor::enrol_with_secret(&txn, user_id, DEMO_TOTP_SECRET)
                .await?;
        }
        if account.roles.contains(&Role::Admin) {
            admin_id.get_or_insert(user_id);
        }
        if let Some(org) = account.organisation {
            let id = seed_organisation(&txn, &actor, org, user_id).await?;
            own.push((id, org, account.listings, account.homes));
        }
    }
    if let Some(admin_id) = admin_id {
        let mut market = Marketplace::new(&txn, &actor, &hash, admin_id).await?;
        for (id, org, plans, homes) in &own {
            let sector = org
                .address
                .map(|(_, postcode)| &postcode[..postcode.len() - 2])
                .unwrap_or("M33 7");
            market
                .seed_planned(*id, org.name, org.kind, sector, plans)
                .await?;
            for home in *homes {
                market.seed_care_home(*id, home).await?;
            }
        }
        market.seed_providers().await?;
        tracing::info!(
            listings = market.listings_created,
            "demo marketplace seeded"
        );
    }
    txn.commit().await?;
    if admin_id.is_some() {
        let homes: Vec<(&care_homes::DemoHome, &str, &str)> = own
            .iter()
            .flat_map(|(_, org, _, homes)| {
                homes
                    .iter()
                    .map(|home| (*home, org.cqc.unwrap_or_default(), org.name))
            })
            .collect();
        let titles = demo_listing_ids(db).await?;
        care_homes::seed_register_and_places(db, &homes, |title| titles.get(title).copied())
            .await?;
        conversations::seed(db, base_url).await?;
        funding::seed(db, base_url).await?;
        demand::seed(db).await?;
        name_the_council(db, &actor).await?;
    }
    Ok(())
}

/// The demo's listings by title (the care homes are looked up by theirs).
async fn demo_listing_ids(
    db: &DatabaseConnection,
) -> anyhow::Result<std::collections::HashMap<String, entity::listings::ListingId>> {
    use sea_orm::QuerySelect;
    let rows: Vec<(entity::listings::ListingId, String)> =
        entity::listing_revisions::Entity::find()
            .select_only()
            .column(entity::listing_revisions::Column::ListingId)
            .column(entity::listing_revisions::Column::Title)
            .into_tuple()
            .all(db)
            .await?;
    Ok(rows.into_iter().map(|(id, title)| (title, id)).collect())
}

/// A verified provider account for a demo organisation's owner.
async fn create_owner(
    txn: &DatabaseTransaction,
    actor: &Actor,
    email: &str,
    name: &str,
    password_hash: &str,
) -> anyhow::Result<UserId> {
    // A provider's account serves every council; it is recorded against the first.
    let council = crate::domain::councils::first(txn).await?;
    let user_id = create_verified_account(
        txn,
        actor,
        council,
        &EmailAddress::parse(email)?,
        &DisplayName::parse(name)?,
        password_hash.to_owned(),
    )
    .await?;
    grant_role_in(txn, user_id, council, Role::Provider, None).await?;
    Ok(user_id)
}

async fn seed_organisation(
    txn: &DatabaseTransaction,
    actor: &Actor,
    org: &DemoOrganisation<'_>,
    owner: UserId,
) -> anyhow::Result<OrganisationId> {
    let new = NewOrganisation {
        name: org.name,
        kind: org.kind,
        cqc_provider_id: org.cqc,
        status: org.status,
    };
    let id = organisations::create(txn, actor, new, owner).await?;
    let model = provider_organisations::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo organisation vanished"))?;
    let mut active: provider_organisations::ActiveModel = model.into();
    active.description = Set(Some(org.description.to_owned()));
    active.contact_phone = Set(Some(org.phone.to_owned()));
    active.contact_email = Set(Some(org.email.to_owned()));
    active.address = Set(org.address.map(|(a, _)| a.to_owned()));
    active.postcode = Set(org.address.map(|(_, p)| p.to_owned()));
    active.areas_served = Set(Some(org.areas.to_owned()));
    active.submitted_at = Set(Some(Utc::now() - Duration::days(3)));
    active.update(txn).await?;
    let today = Utc::now().date_naive();
    for kind in required_for(org.kind) {
        let (check_type, reference, issued, expires) = match kind {
            EvidenceKind::Dbs => (
                Some("enhanced_barred"),
                Some("001234567890"),
                Some(today - Duration::days(400)),
                Some(today + Duration::days(700)),
            ),
            // One demo insurance runs out soon, so the reminder and warning can be seen.
            EvidenceKind::Insurance if org.name == SALE_MOOR.name => (
                None,
                Some("PL-55501"),
                None,
                Some(today + Duration::days(20)),
            ),
            EvidenceKind::Insurance => (
                None,
                Some("PL-10001"),
                None,
                Some(today + Duration::days(250)),
            ),
            EvidenceKind::Cqc => (None, org.cqc, None, None),
            _ => (None, None, None, None),
        };
        provider_evidence::Entity::insert(provider_evidence::ActiveModel {
            organisation_id: Set(id),
            kind: Set(kind),
            details: Set(format!("Demo evidence: {}", kind.in_sentence())),
            check_type: Set(check_type.map(str::to_owned)),
            reference_number: Set(reference.map(str::to_owned)),
            issued_on: Set(issued),
            expires_on: Set(expires),
            reminder_sent_at: Set(None),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
    }
    Ok(id)
}
