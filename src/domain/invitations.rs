//! Staff invitations: an admin invites an email address to a staff role (broker, quality
//! checker, commissioner, admin); following the emailed link creates the account or adds the
//! role to an existing one.

use chrono::{Duration, Utc};
use entity::{invitations, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

use super::accounts::{find_by_email, grant_role_in};
use super::audit::{self, Actor, Event};
use super::display_name::DisplayName;
use super::email_address::EmailAddress;
use crate::auth::roles::Role;
use crate::auth::tokens::{new_token, sha256_hex};
use crate::mail::{self, templates};

pub const INVITATION_DAYS: i64 = 7;

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("This invitation is not valid, has expired or has already been used")]
    Invalid,
    #[error(
        "People choose this role themselves when they register; grant it from the account page instead"
    )]
    NotAStaffRole,
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub async fn invite(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    inviter_name: &str,
    email: &EmailAddress,
    role: Role,
) -> Result<(), InvitationError> {
    if role.is_self_service() {
        return Err(InvitationError::NotAStaffRole);
    }
    let token = new_token();
    let now = Utc::now();
    let txn = db.begin().await?;
    let invitation = invitations::ActiveModel {
        email: Set(email.as_str().to_owned()),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(sha256_hex(&token)),
        invited_by: Set(actor.user_id),
        expires_at: Set(now + Duration::days(INVITATION_DAYS)),
        accepted_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    mail::enqueue(
        &txn,
        templates::invitation(
            email.as_str(),
            &format!("a {}", role.label().to_lowercase()),
            inviter_name,
            &format!("{base_url}/invitations/{token}"),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new("invitation.created", "invitation", invitation.id)
            .to(role.as_str())
            .detail(email.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An invitation that can still be accepted, with the account that already uses its email.
pub struct OpenInvitation {
    pub invitation: invitations::Model,
    pub role: Role,
    pub existing_user: Option<users::Model>,
}

pub async fn find_open(
    db: &DatabaseConnection,
    token: &str,
) -> Result<OpenInvitation, InvitationError> {
    let invitation = invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(sha256_hex(token)))
        .one(db)
        .await?
        .filter(|i| i.accepted_at.is_none() && i.expires_at > Utc::now())
        .ok_or(InvitationError::Invalid)?;
    let role: Role = invitation
        .role
        .parse()
        .map_err(|_| InvitationError::Invalid)?;
    let email = EmailAddress::parse(&invitation.email).map_err(|_| InvitationError::Invalid)?;
    let existing_user = find_by_email(db, &email).await?;
    Ok(OpenInvitation {
        invitation,
        role,
        existing_user,
    })
}

/// For a new account, the name and password hash they chose.
pub struct NewStaffAccount {
    pub display_name: DisplayName,
    pub password_hash: String,
}

/// Accepts the invitation and returns the account that now holds the role.
pub async fn accept(
    db: &DatabaseConnection,
    actor: &Actor,
    token: &str,
    new_account: Option<NewStaffAccount>,
) -> Result<i64, InvitationError> {
    let open = find_open(db, token).await?;
    let txn = db.begin().await?;
    // Guarded on accepted_at so the link works once even under concurrent use.
    let res = invitations::Entity::update_many()
        .col_expr(
            invitations::Column::AcceptedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(invitations::Column::Id.eq(open.invitation.id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(InvitationError::Invalid);
    }
    let user_id = match (open.existing_user, new_account) {
        (Some(user), _) => user.id,
        (None, Some(account)) => {
            let now = Utc::now();
            let user = users::ActiveModel {
                email: Set(open.invitation.email.clone()),
                display_name: Set(account.display_name.as_str().to_owned()),
                password_hash: Set(account.password_hash),
                // The emailed link proves the address.
                email_verified_at: Set(Some(now)),
                disabled_at: Set(None),
                last_sign_in_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(
                &txn,
                &Actor {
                    user_id: Some(user.id),
                    ..actor.clone()
                },
                Event::new("account.registered", "user", user.id)
                    .to(open.role.as_str())
                    .detail("by invitation"),
            )
            .await?;
            user.id
        }
        (None, None) => return Err(InvitationError::Invalid),
    };
    grant_role_in(&txn, user_id, open.role, open.invitation.invited_by).await?;
    let actor = Actor {
        user_id: Some(user_id),
        ..actor.clone()
    };
    if let Some(organisation_id) = open.invitation.organisation_id {
        super::organisations::join(&txn, &actor, organisation_id, user_id).await?;
    }
    audit::record(
        &txn,
        &actor,
        Event::new("invitation.accepted", "invitation", open.invitation.id).to(open.role.as_str()),
    )
    .await?;
    audit::record(
        &txn,
        &actor,
        Event::new("role.granted", "user", user_id)
            .to(open.role.as_str())
            .detail("by invitation"),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Invitations not yet accepted, newest first (expired ones included, marked by the view).
pub async fn pending(db: &DatabaseConnection) -> Result<Vec<invitations::Model>, DbErr> {
    invitations::Entity::find()
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::OrganisationId.is_null())
        .order_by_desc(invitations::Column::Id)
        .all(db)
        .await
}
