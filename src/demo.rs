//! Demo data: one account for each role and a few approved provider organisations, so a
//! newcomer can sign in and look around. Loaded automatically only into an empty embedded
//! SQLite database.

use entity::users;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, TransactionTrait};

use crate::auth::roles::Role;
use crate::domain::accounts::{
    create_verified_account, find_by_email, grant_role_in, hash_password,
};
use crate::domain::audit::Actor;
use crate::domain::display_name::DisplayName;
use crate::domain::email_address::EmailAddress;
use crate::domain::organisations::{self, NewOrganisation};

/// The password of every demo account. Demo data is for trying Kith out, never production.
pub const DEMO_PASSWORD: &str = "kith-demo-password";

struct DemoAccount {
    email: &'static str,
    name: &'static str,
    roles: &'static [Role],
    organisation: Option<(&'static str, &'static str, Option<&'static str>)>,
}

const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@kith.example",
        name: "Priya Shah",
        roles: &[Role::Admin],
        organisation: None,
    },
    DemoAccount {
        email: "commissioner@kith.example",
        name: "Tom Clarke",
        roles: &[Role::Commissioner],
        organisation: None,
    },
    DemoAccount {
        email: "checker@kith.example",
        name: "Maureen Doyle",
        roles: &[Role::QualityChecker],
        organisation: None,
    },
    DemoAccount {
        email: "broker@kith.example",
        name: "Samuel Okafor",
        roles: &[Role::Broker],
        organisation: None,
    },
    DemoAccount {
        email: "budget.holder@kith.example",
        name: "Margaret Wilson",
        roles: &[Role::BudgetHolder],
        organisation: None,
    },
    DemoAccount {
        email: "provider@kith.example",
        name: "Jo Bennett",
        roles: &[Role::Provider],
        organisation: Some(("Sale Moor Home Support", "micro_enterprise", None)),
    },
    DemoAccount {
        email: "pa@kith.example",
        name: "Kasia Nowak",
        roles: &[Role::Provider],
        organisation: Some((
            "Kasia Nowak, personal assistant",
            "personal_assistant",
            None,
        )),
    },
    DemoAccount {
        email: "care.agency@kith.example",
        name: "Imran Hussain",
        roles: &[Role::Provider],
        organisation: Some((
            "Stretford Care at Home",
            "registered_care_provider",
            Some("1-123456789"),
        )),
    },
];

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

pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<()> {
    let hash = hash_password(DEMO_PASSWORD.to_owned()).await?;
    let actor = Actor {
        user_id: None,
        request_id: Some("demo-seed".into()),
    };
    let txn = db.begin().await?;
    for account in DEMO_ACCOUNTS {
        let email = EmailAddress::parse(account.email)?;
        if find_by_email(&txn, &email).await?.is_some() {
            continue;
        }
        let user_id = create_verified_account(
            &txn,
            &actor,
            &email,
            &DisplayName::parse(account.name)?,
            hash.clone(),
        )
        .await?;
        for role in account.roles {
            grant_role_in(&txn, user_id, *role, None).await?;
        }
        if let Some((name, kind, cqc)) = account.organisation {
            organisations::create(
                &txn,
                &actor,
                NewOrganisation {
                    name,
                    kind,
                    cqc_location_id: cqc,
                    status: "approved",
                },
                user_id,
            )
            .await?;
        }
    }
    txn.commit().await?;
    Ok(())
}
