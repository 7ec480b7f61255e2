//! Staff invitations: an admin invites an email address to a staff role (broker, quality
//! checker, commissioner, admin); following the emailed link creates the account or adds the
//! role to an existing one.

use chrono::{Duration, Utc};
use entity::users::UserId;
use entity::{invitations, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::BeginWrite;
use crate::domain::accounts::display_name::DisplayName;
use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::accounts::{find_by_email, grant_role_in};
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::councils::Site;
use crate::domain::tokens::{new_token, sha256_hex};
use crate::mail::{self, templates};
use crate::paths;
use entity::user_roles::Role;

pub const INVITATION_DAYS: i64 = 7;
/// Invitations one person may send in an hour, and in a day (staff and organisation
/// invitations together): enough to bring in a team, too few to spam from the council's
/// own sender address.
pub const INVITATIONS_PER_HOUR: usize = 20;
pub const INVITATIONS_PER_DAY: usize = 50;
/// Invitations any one address may be sent in a day, whoever sends them.
pub const INVITATIONS_PER_ADDRESS_PER_DAY: usize = 3;

#[derive(Debug, thiserror::Error)]
pub enum InvitationError {
    #[error("This invitation is not valid, has expired or has already been used")]
    Invalid,
    #[error(
        "People choose this role themselves when they register; grant it from the account page instead"
    )]
    NotAStaffRole,
    /// The address already has a confirmed account: only that account may accept.
    #[error("Sign in as the invited account to accept this invitation")]
    SignInFirst,
    #[error("Too many invitations have been sent; try again later")]
    TooMany { retry_after_secs: u64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub async fn invite(
    db: &DatabaseConnection,
    actor: &Actor,
    site: &Site,
    inviter_name: &str,
    email: &EmailAddress,
    role: Role,
) -> Result<(), InvitationError> {
    // A council's own staff roles only: nobody is invited to administer the deployment.
    if !Role::staff_roles().any(|staff| staff == role) {
        return Err(InvitationError::NotAStaffRole);
    }
    let token = new_token();
    let now = Utc::now();
    let txn = db.begin_write().await?;
    check_caps(&txn, actor.user_id, email).await?;
    let invitation = invitations::ActiveModel {
        email: Set(email.as_str().to_owned()),
        role: Set(role),
        council_id: Set(site.council),
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
            &format!("{}{}", site.base_url, paths::invitation(&token)),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InvitationCreated, "invitation", invitation.id).to(role.as_str()),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Why `check_caps` refused, or could not tell.
#[derive(Debug, thiserror::Error)]
pub enum CapError {
    #[error("Too many invitations have been sent; try again later")]
    TooMany { retry_after_secs: u64 },
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<CapError> for InvitationError {
    fn from(err: CapError) -> Self {
        match err {
            CapError::TooMany { retry_after_secs } => Self::TooMany { retry_after_secs },
            CapError::Db(err) => Self::Db(err),
        }
    }
}

/// Refuses another invitation from `inviter`, or to `email`, past the hourly and daily caps,
/// saying how long until one more may be sent. Counted from the invitations table, so the
/// caps hold across restarts and instances.
pub async fn check_caps(
    conn: &impl ConnectionTrait,
    inviter: Option<UserId>,
    email: &EmailAddress,
) -> Result<(), CapError> {
    let now = Utc::now();
    let mut waits = Vec::new();
    if let Some(inviter) = inviter {
        let sent = sent_in_the_last_day(
            conn,
            invitations::Column::InvitedBy.eq(inviter),
            INVITATIONS_PER_DAY,
        )
        .await?;
        waits.push(wait_for(
            &sent,
            INVITATIONS_PER_HOUR,
            Duration::hours(1),
            now,
        ));
        waits.push(wait_for(&sent, INVITATIONS_PER_DAY, Duration::days(1), now));
    }
    let to_address = sent_in_the_last_day(
        conn,
        invitations::Column::Email.eq(email.as_str()),
        INVITATIONS_PER_ADDRESS_PER_DAY,
    )
    .await?;
    waits.push(wait_for(
        &to_address,
        INVITATIONS_PER_ADDRESS_PER_DAY,
        Duration::days(1),
        now,
    ));
    match waits.into_iter().flatten().max() {
        Some(wait) => Err(CapError::TooMany {
            retry_after_secs: wait.num_seconds().max(1).unsigned_abs(),
        }),
        None => Ok(()),
    }
}

/// When the newest `at_most` invitations matching `which` were sent in the last day, newest
/// first.
async fn sent_in_the_last_day(
    conn: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    at_most: usize,
) -> Result<Vec<chrono::DateTime<Utc>>, DbErr> {
    invitations::Entity::find()
        .select_only()
        .column(invitations::Column::CreatedAt)
        .filter(which)
        .filter(invitations::Column::CreatedAt.gt(Utc::now() - Duration::days(1)))
        .order_by_desc(invitations::Column::CreatedAt)
        .limit(at_most as u64)
        .into_tuple()
        .all(conn)
        .await
}

/// With `sent` newest first: how long until fewer than `cap` fall inside `window`, if the cap
/// is reached now.
fn wait_for(
    sent: &[chrono::DateTime<Utc>],
    cap: usize,
    window: Duration,
    now: chrono::DateTime<Utc>,
) -> Option<Duration> {
    let in_window: Vec<_> = sent.iter().filter(|t| now - **t < window).collect();
    if in_window.len() < cap {
        return None;
    }
    // The cap-th newest must leave the window before another fits.
    Some(*in_window[cap - 1] + window - now)
}

/// An invitation that can still be accepted, with the account that already uses its email.
pub struct OpenInvitation {
    pub invitation: invitations::Model,
    pub role: Role,
    pub existing_user: Option<users::Model>,
}

/// Who may accept an invitation, and how: the proof the invitee must give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// No account uses the address: following the link proves it; choose a name and password.
    NewAccount,
    /// An account was started with the address but never confirmed, so nobody has proven
    /// they own it (it may be someone else's squat): accepting treats it as new — a fresh
    /// name and password, every old session ended, the address marked confirmed.
    ReplaceUnconfirmed,
    /// A confirmed account uses the address: only someone signed in as it may accept.
    SignedInAccount,
}

impl OpenInvitation {
    pub fn claim(&self) -> Claim {
        match &self.existing_user {
            None => Claim::NewAccount,
            Some(user) if user.email_verified_at.is_none() => Claim::ReplaceUnconfirmed,
            Some(_) => Claim::SignedInAccount,
        }
    }
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
    let role = invitation.role;
    let email = EmailAddress::parse(&invitation.email).map_err(|_| InvitationError::Invalid)?;
    let existing_user = find_by_email(db, &email).await?;
    // An erased account is never taken over by an old invitation.
    if existing_user
        .as_ref()
        .is_some_and(|u| u.erased_at.is_some())
    {
        return Err(InvitationError::Invalid);
    }
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

/// Accepts the invitation and returns the account that now holds the role. `new_account`
/// is what a new or unconfirmed account chose; a confirmed account must be the signed-in
/// `actor`.
pub async fn accept(
    db: &DatabaseConnection,
    actor: &Actor,
    token: &str,
    new_account: Option<NewStaffAccount>,
) -> Result<UserId, InvitationError> {
    let open = find_open(db, token).await?;
    let claim = open.claim();
    if claim == Claim::SignedInAccount && actor.user_id != open.existing_user.as_ref().map(|u| u.id)
    {
        return Err(InvitationError::SignInFirst);
    }
    let txn = db.begin_write().await?;
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
        (Some(user), _) if claim == Claim::SignedInAccount => user.id,
        (Some(user), Some(account)) => {
            reclaim_unconfirmed(&txn, actor, user, account, open.invitation.council_id).await?
        }
        (None, Some(account)) => {
            let now = Utc::now();
            let user = users::ActiveModel {
                email: Set(open.invitation.email.clone()),
                display_name: Set(account.display_name.as_str().to_owned()),
                password_hash: Set(account.password_hash),
                council_id: Set(open.invitation.council_id),
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
                Event::new(Action::AccountRegistered, "user", user.id)
                    .to(open.role.as_str())
                    .detail("by invitation"),
            )
            .await?;
            user.id
        }
        (_, None) => return Err(InvitationError::Invalid),
    };
    grant_role_in(
        &txn,
        user_id,
        open.invitation.council_id,
        open.role,
        open.invitation.invited_by,
    )
    .await?;
    let actor = Actor {
        user_id: Some(user_id),
        ..actor.clone()
    };
    if let Some(organisation_id) = open.invitation.organisation_id {
        crate::domain::providers::organisations::join(&txn, &actor, organisation_id, user_id)
            .await?;
    }
    audit::record(
        &txn,
        &actor,
        Event::new(Action::InvitationAccepted, "invitation", open.invitation.id)
            .to(open.role.as_str()),
    )
    .await?;
    audit::record(
        &txn,
        &actor,
        Event::new(Action::RoleGranted, "user", user_id)
            .to(open.role.as_str())
            .detail("by invitation"),
    )
    .await?;
    txn.commit().await?;
    Ok(user_id)
}

/// Gives an unconfirmed account to the person who proved the address by following the
/// invitation: their name and password replace whatever was set, every session of the old
/// account ends, and the address counts as confirmed from now on.
async fn reclaim_unconfirmed(
    txn: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    user: users::Model,
    account: NewStaffAccount,
    council: entity::councils::CouncilId,
) -> Result<UserId, DbErr> {
    let now = Utc::now();
    let user_id = user.id;
    // The roles and council the squatter registered with are theirs, not the invitee's.
    entity::user_roles::Entity::delete_many()
        .filter(entity::user_roles::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    let mut active: users::ActiveModel = user.into();
    active.council_id = Set(council);
    active.display_name = Set(account.display_name.as_str().to_owned());
    active.password_hash = Set(account.password_hash);
    active.email_verified_at = Set(Some(now));
    active.updated_at = Set(now);
    active.update(txn).await?;
    let ended = crate::domain::accounts::sessions::end_all_of(txn, user_id).await?;
    // An authenticator the squatter set up is theirs, not the invitee's.
    crate::domain::accounts::two_factor::remove(txn, user_id).await?;
    audit::record(
        txn,
        &actor.or_user(user_id),
        Event::new(Action::AccountReclaimedByInvitation, "user", user_id)
            .detail(format!("unconfirmed account reset; {ended} sessions ended")),
    )
    .await?;
    Ok(user_id)
}

/// `council`'s invitations not yet accepted, newest first (expired ones included, marked by
/// the view).
pub async fn pending(
    db: &DatabaseConnection,
    council: entity::councils::CouncilId,
) -> Result<Vec<invitations::Model>, DbErr> {
    invitations::Entity::find()
        .filter(invitations::Column::CouncilId.eq(council))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::OrganisationId.is_null())
        .order_by_desc(invitations::Column::Id)
        .all(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_waits_for_the_oldest_counted_invitation_to_leave_the_window() {
        let now = Utc::now();
        let sent: Vec<_> = (0..3).map(|m| now - Duration::minutes(m * 10)).collect();
        assert_eq!(wait_for(&sent, 4, Duration::hours(1), now), None);
        let wait = wait_for(&sent, 3, Duration::hours(1), now).expect("capped");
        assert_eq!(
            wait.num_minutes(),
            40,
            "the one sent 20 minutes ago leaves in 40"
        );
        let old = vec![now - Duration::hours(2); 5];
        assert_eq!(wait_for(&old, 3, Duration::hours(1), now), None);
    }
}
