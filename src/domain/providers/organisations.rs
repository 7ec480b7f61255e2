//! Provider organisations and the accounts that act for them: creating one, its profile and
//! logo, its members, and what the public may see of it.

use crate::domain::councils::Site;
use crate::stored_files::{Released, Store};
use chrono::{Duration, Utc};
use entity::provider_members::MemberRole;
use entity::provider_organisations::OrganisationId;
use entity::provider_organisations::OrganisationStatus;
use entity::provider_organisations::ProviderKind;
use entity::users::UserId;
use entity::{invitations, provider_members, provider_organisations, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::providers::profile::Profile;
use crate::domain::tokens::{new_token, sha256_hex};
use crate::images::StoredImage;
use crate::mail::{self, templates};
use crate::paths;
use entity::user_roles::Role;

const MAX_NAME_CHARS: usize = 200;
const MEMBER_INVITATION_DAYS: i64 = 7;

/// The kinds of provider the council recognises.
pub const ORGANISATION_KINDS: [(ProviderKind, &str, &str); 6] = [
    (
        ProviderKind::RegisteredCareProvider,
        "Registered care provider",
        "Registered with the Care Quality Commission (CQC)",
    ),
    (
        ProviderKind::MicroEnterprise,
        "Micro-enterprise",
        "A small local business with 8 staff or fewer",
    ),
    (
        ProviderKind::SocialEnterprise,
        "Social enterprise",
        "A business that reinvests its profits in its social purpose",
    ),
    (
        ProviderKind::UserLed,
        "User- or carer-led organisation",
        "Run and controlled by the people who use its services, or their carers",
    ),
    (
        ProviderKind::VoluntaryGroup,
        "Voluntary or community group",
        "A charity, faith group or community group",
    ),
    (
        ProviderKind::PersonalAssistant,
        "Personal assistant",
        "One person working directly for people who employ them with a direct payment",
    ),
];

pub fn kind_label(kind: ProviderKind) -> &'static str {
    ORGANISATION_KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(kind.as_str(), |(_, label, _)| label)
}

#[derive(Debug, thiserror::Error)]
pub enum OrganisationError {
    /// Not found, or not visible to this account: the two are not told apart.
    #[error("Organisation not found")]
    NotFound,
    #[error("Only the owner of the organisation can do this")]
    NotOwner,
    #[error("That person is already a member")]
    AlreadyMember,
    #[error("Too many invitations have been sent; try again later")]
    TooManyInvitations { retry_after_secs: u64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<crate::domain::accounts::invitations::CapError> for OrganisationError {
    fn from(err: crate::domain::accounts::invitations::CapError) -> Self {
        match err {
            crate::domain::accounts::invitations::CapError::TooMany { retry_after_secs } => {
                Self::TooManyInvitations { retry_after_secs }
            }
            crate::domain::accounts::invitations::CapError::Db(err) => Self::Db(err),
        }
    }
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub kind: ProviderKind,
    pub cqc_provider_id: Option<&'a str>,
    pub status: OrganisationStatus,
}

/// Checks a new organisation's name.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err("Enter the name people will know you by")
    } else if name.chars().count() > MAX_NAME_CHARS {
        Err("Name must be 200 characters or fewer")
    } else if contains_address(&name) {
        Err("Name must not contain a web address or email address")
    } else if name
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| word.eq_ignore_ascii_case("council"))
    {
        // Invitations and listings show this name as the sender: only the council is the council.
        Err("Name must not include the word ‘council’: use your organisation’s own name")
    } else {
        Ok(name)
    }
}

/// Whether text carries something a reader could follow: a scheme, `www.`, an email address
/// or a word ending in a common domain suffix (`example.com`, `pay.gov.uk`).
fn contains_address(text: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "com", "org", "net", "uk", "io", "co", "info", "biz", "me", "app", "link", "xyz", "ly",
        "site", "online", "shop", "top", "click",
    ];
    let lower = text.to_lowercase();
    if lower.contains("://") || lower.contains("www.") || lower.contains('@') {
        return true;
    }
    lower
        .split(|c: char| {
            c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';' | '"' | '\'' | ':' | '/')
        })
        .any(|word| {
            let word = word.trim_end_matches(['.', '!', '?']);
            word.rsplit_once('.')
                .is_some_and(|(head, suffix)| !head.is_empty() && SUFFIXES.contains(&suffix))
        })
}

pub async fn find(
    conn: &impl ConnectionTrait,
    id: OrganisationId,
) -> Result<provider_organisations::Model, OrganisationError> {
    provider_organisations::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(OrganisationError::NotFound)
}

/// How many providers the council has approved (the home page's figure).
pub async fn count_approved(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    provider_organisations::Entity::find()
        .filter(provider_organisations::Column::Status.eq(OrganisationStatus::Approved))
        .count(conn)
        .await
}

/// Creates an organisation with `owner_user_id` as its owner.
pub async fn create(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    org: NewOrganisation<'_>,
    owner_user_id: UserId,
) -> Result<OrganisationId, DbErr> {
    let now = Utc::now();
    let created = provider_organisations::ActiveModel {
        name: Set(org.name.to_owned()),
        kind: Set(org.kind),
        cqc_provider_id: Set(org.cqc_provider_id.map(str::to_owned)),
        status: Set(org.status),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    add_member(conn, created.id, owner_user_id, MemberRole::Owner).await?;
    audit::record(
        conn,
        actor,
        Event::new(
            Action::OrganisationCreated,
            "provider_organisation",
            created.id,
        )
        .to(org.status),
    )
    .await?;
    Ok(created.id)
}

async fn add_member(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
    user_id: UserId,
    member_role: MemberRole,
) -> Result<(), DbErr> {
    provider_members::Entity::insert(provider_members::ActiveModel {
        organisation_id: Set(organisation_id),
        user_id: Set(user_id),
        member_role: Set(member_role),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// The organisations an account acts for, with its role in each.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<(provider_organisations::Model, MemberRole)>, DbErr> {
    let rows = provider_members::Entity::find()
        .filter(provider_members::Column::UserId.eq(user_id))
        .find_also_related(provider_organisations::Entity)
        .order_by_asc(provider_members::Column::OrganisationId)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(member, org)| org.map(|o| (o, member.member_role)))
        .collect())
}

/// The organisation, if `user_id` is one of its members, with their member role.
pub async fn as_member(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> Result<(provider_organisations::Model, MemberRole), OrganisationError> {
    let member = provider_members::Entity::find_by_id((organisation_id, user_id))
        .one(conn)
        .await?
        .ok_or(OrganisationError::NotFound)?;
    let org = find(conn, organisation_id).await?;
    Ok((org, member.member_role))
}

pub async fn members(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
) -> Result<Vec<(users::Model, MemberRole)>, DbErr> {
    let rows = provider_members::Entity::find()
        .filter(provider_members::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(provider_members::Column::CreatedAt)
        .all(conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(user) = users::Entity::find_by_id(row.user_id).one(conn).await? {
            out.push((user, row.member_role));
        }
    }
    Ok(out)
}

/// Queues `mail` (given each person's email and name) to every member of the organisation
/// who can still read it (not disabled or erased); returns how many.
pub async fn email_members(
    conn: &impl ConnectionTrait,
    organisation_id: OrganisationId,
    mail: impl Fn(&str, &str) -> mail::OutgoingMail,
) -> Result<usize, DbErr> {
    let mut sent = 0;
    for (member, _) in members(conn, organisation_id).await? {
        if member.disabled_at.is_none() && member.erased_at.is_none() {
            mail::enqueue(conn, mail(&member.email, &member.display_name)).await?;
            sent += 1;
        }
    }
    Ok(sent)
}

pub async fn update_profile(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
    profile: Profile,
) -> Result<(), OrganisationError> {
    let txn = db.begin_write().await?;
    let (org, _) = as_member(&txn, organisation_id, user_id).await?;
    let mut active: provider_organisations::ActiveModel = org.into();
    active.description = Set(profile.description);
    active.contact_email = Set(profile.contact_email);
    active.contact_phone = Set(profile.contact_phone);
    active.website = Set(profile.website);
    active.address = Set(profile.address);
    active.postcode = Set(profile.postcode);
    active.areas_served =
        Set((!profile.areas_served.is_empty()).then(|| profile.areas_served.join(", ")));
    if profile.cqc_provider_id.is_some() {
        active.cqc_provider_id = Set(profile.cqc_provider_id);
    }
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::OrganisationProfileUpdated,
            "provider_organisation",
            organisation_id,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_logo(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
    logo: &StoredImage,
    alt: &str,
) -> Result<Released, OrganisationError> {
    let txn = db.begin_write().await?;
    let (org, _) = as_member(&txn, organisation_id, user_id).await?;
    let before = org.logo_file.clone().unwrap_or_default();
    let mut released = Released::none();
    for name in [&org.logo_file, &org.logo_thumbnail].into_iter().flatten() {
        released.add(Store::Media, name.clone());
    }
    let mut active: provider_organisations::ActiveModel = org.into();
    active.logo_file = Set(Some(logo.image.file_name()));
    active.logo_thumbnail = Set(Some(logo.thumbnail.file_name()));
    active.logo_alt = Set(Some(alt.to_owned()));
    active.updated_at = Set(Utc::now());
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::OrganisationLogoChanged,
            "provider_organisation",
            organisation_id,
        )
        .from(before)
        .to(logo.image.file_name()),
    )
    .await?;
    txn.commit().await?;
    Ok(released)
}

/// The owner invites someone to act for the organisation; accepting gives them the provider
/// role and membership.
pub async fn invite_member(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    organisation_id: OrganisationId,
    owner_id: UserId,
    inviter_name: &str,
    email: &EmailAddress,
) -> Result<(), OrganisationError> {
    let txn = db.begin_write().await?;
    let (org, member_role) = as_member(&txn, organisation_id, owner_id).await?;
    if member_role != MemberRole::Owner {
        return Err(OrganisationError::NotOwner);
    }
    let existing = members(&txn, organisation_id).await?;
    if existing.iter().any(|(u, _)| u.email == email.as_str()) {
        return Err(OrganisationError::AlreadyMember);
    }
    crate::domain::accounts::invitations::check_caps(&txn, Some(owner_id), email).await?;
    let token = new_token();
    let now = Utc::now();
    let invitation = invitations::ActiveModel {
        email: Set(email.as_str().to_owned()),
        role: Set(Role::Provider),
        council_id: Set(site.council),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(Some(owner_id)),
        expires_at: Set(now + Duration::days(MEMBER_INVITATION_DAYS)),
        accepted_at: Set(None),
        created_at: Set(now),
        organisation_id: Set(Some(organisation_id)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let as_what = format!("a member of {}", org.name);
    mail::enqueue(
        &txn,
        templates::invitation(
            email.as_str(),
            &as_what,
            inviter_name,
            &format!("{}{}", site.base_url, paths::invitation(&token)),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::OrganisationMemberInvited,
            "provider_organisation",
            organisation_id,
        )
        .to(invitation.id.to_string()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Called when a member invitation is accepted, inside its transaction.
pub async fn join(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
) -> Result<(), DbErr> {
    if provider_members::Entity::find_by_id((organisation_id, user_id))
        .one(conn)
        .await?
        .is_none()
    {
        add_member(conn, organisation_id, user_id, MemberRole::Member).await?;
        audit::record(
            conn,
            actor,
            Event::new(
                Action::OrganisationMemberAdded,
                "provider_organisation",
                organisation_id,
            )
            .to(user_id.to_string()),
        )
        .await?;
    }
    Ok(())
}

/// What anyone may see of an approved organisation. A personal assistant's address and
/// postcode (their home) are never part of it.
#[derive(Debug, Clone)]
pub struct PublicProfile {
    pub id: OrganisationId,
    pub name: String,
    pub kind: ProviderKind,
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub areas_served: Option<String>,
    pub cqc_provider_id: Option<String>,
    pub logo_file: Option<String>,
    pub logo_alt: Option<String>,
    /// Approved by the council, so it has a public page (`/providers/{id}`) to link to.
    pub has_public_page: bool,
}

impl From<provider_organisations::Model> for PublicProfile {
    fn from(org: provider_organisations::Model) -> Self {
        let private_address = org.kind == ProviderKind::PersonalAssistant;
        Self {
            id: org.id,
            name: org.name,
            kind: org.kind,
            description: org.description,
            contact_email: org.contact_email,
            contact_phone: org.contact_phone,
            website: org.website,
            address: if private_address { None } else { org.address },
            postcode: if private_address { None } else { org.postcode },
            areas_served: org.areas_served,
            cqc_provider_id: org.cqc_provider_id,
            logo_file: org.logo_file,
            logo_alt: org.logo_alt,
            has_public_page: org.status == OrganisationStatus::Approved,
        }
    }
}

pub async fn public_profile(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
) -> Result<Option<PublicProfile>, DbErr> {
    Ok(provider_organisations::Entity::find_by_id(organisation_id)
        .filter(provider_organisations::Column::Status.eq(OrganisationStatus::Approved))
        .one(db)
        .await?
        .map(PublicProfile::from))
}

#[cfg(test)]
mod name_tests {
    use super::parse_name;

    #[test]
    fn names_with_addresses_or_the_council_are_refused() {
        for bad in [
            "Trafford Council: your personal budget payment is suspended - re-confirm at https://x.example",
            "Pay now at trafford-budgets.com",
            "www.careforyou",
            "help@care.example",
            "COUNCIL services",
            "Visit pay.gov.uk today",
        ] {
            assert!(parse_name(bad).is_err(), "{bad}");
        }
        for good in [
            "Old Trafford Home Care Ltd.",
            "St. Mary's Day Centre",
            "Councillors' Lunch Club? no: Counselling & Care",
            "A.B. Support",
        ] {
            assert!(parse_name(good).is_ok(), "{good}");
        }
    }
}
