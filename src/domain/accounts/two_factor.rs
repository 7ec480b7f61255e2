//! Two-factor sign-in: a code from an authenticator app (TOTP, RFC 6238: 6 digits, 30-second
//! steps, one step of clock drift either way), each code accepted once, and ten single-use
//! recovery codes kept only as SHA-256. Staff roles must use it; anyone may.

use chrono::Utc;
use entity::users::UserId;
use entity::{recovery_codes, two_factor, users};
use rand::Rng;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use totp_rs::{Builder, Secret, Totp};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::tokens::sha256_hex;
use crate::paths;
use entity::user_roles::Role;

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "Kith";
pub const RECOVERY_CODE_COUNT: usize = 10;
/// Letters and digits that cannot be mistaken for one another when copied from paper.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_CODE_CHARS: usize = 10;

#[derive(Debug, thiserror::Error)]
pub enum TwoFactorError {
    #[error(
        "The code is not right, or has already been used. Enter the newest code from your app, or a recovery code"
    )]
    WrongCode,
    #[error("Two-factor sign-in is already set up for this account")]
    AlreadyOn,
    #[error("Two-factor sign-in is not set up for this account")]
    NotSetUp,
    #[error("Staff accounts must use two-factor sign-in")]
    RequiredForStaff,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Whether an account holding `roles` must sign in with a second factor.
pub fn required_for(roles: &[Role]) -> bool {
    roles.iter().any(|r| !r.is_self_service())
}

/// A fresh random secret (160 bits), base32 as apps expect it.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    Some(
        Builder::new()
            .with_secret(secret)
            .with_issuer(Some(ISSUER))
            .with_account_name(account.replace(':', ""))
            .build_noncompliant(),
    )
}

/// The code an app shows for `secret` at `unix_seconds` (tests and the demo use it).
pub fn code_at(secret: &str, unix_seconds: u64) -> String {
    totp(secret, "x").map_or_else(String::new, |t| t.generate(unix_seconds).to_string())
}

/// The `otpauth://` address an app reads from the QR code.
pub fn otpauth_url(secret: &str, account: &str) -> String {
    totp(secret, account)
        .and_then(|t| t.to_url().ok())
        .unwrap_or_default()
}

/// The QR code of `url` as an SVG element, drawn here (nothing is fetched).
pub fn qr_svg(url: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#0b0c0c"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .quiet_zone(true)
            .build()
            .trim_start_matches(r#"<?xml version="1.0" standalone="yes"?>"#)
            .to_owned(),
        Err(_) => String::new(),
    }
}

/// The secret in groups of four, for typing into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn now_seconds() -> u64 {
    Utc::now().timestamp().max(0).unsigned_abs()
}

/// Digits only: people type spaces, and apps show "123 456".
fn six_digits(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

fn normalise_recovery_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The account's authenticator, confirmed or still being set up.
pub async fn of_user(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Option<two_factor::Model>, DbErr> {
    two_factor::Entity::find_by_id(user_id).one(conn).await
}

/// Whether the account has a confirmed authenticator.
pub async fn is_on(conn: &impl ConnectionTrait, user_id: UserId) -> Result<bool, DbErr> {
    Ok(of_user(conn, user_id)
        .await?
        .is_some_and(|t| t.confirmed_at.is_some()))
}

/// The secret being set up for the account: kept while set-up is unfinished (so a reload
/// shows the same QR code), made on first use.
pub async fn begin_setup(
    db: &DatabaseConnection,
    user_id: UserId,
) -> Result<String, TwoFactorError> {
    match of_user(db, user_id).await? {
        Some(t) if t.confirmed_at.is_some() => Err(TwoFactorError::AlreadyOn),
        Some(t) => Ok(t.secret),
        None => {
            let secret = new_secret();
            two_factor::Entity::insert(two_factor::ActiveModel {
                user_id: Set(user_id),
                secret: Set(secret.clone()),
                confirmed_at: Set(None),
                last_used_step: Set(0),
                created_at: Set(Utc::now()),
            })
            .exec_without_returning(db)
            .await?;
            Ok(secret)
        }
    }
}

/// Finishes set-up with the first code from the app; returns the recovery codes to show once.
pub async fn confirm_setup(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    code: &str,
) -> Result<Vec<String>, TwoFactorError> {
    let txn = db.begin_write().await?;
    let pending = match of_user(&txn, user_id).await? {
        Some(t) if t.confirmed_at.is_some() => return Err(TwoFactorError::AlreadyOn),
        Some(t) => t,
        None => return Err(TwoFactorError::NotSetUp),
    };
    let step = six_digits(code)
        .and_then(|c| totp(&pending.secret, "x")?.check(&c, now_seconds()))
        .ok_or(TwoFactorError::WrongCode)?;
    two_factor::Entity::update_many()
        .col_expr(
            two_factor::Column::ConfirmedAt,
            Expr::value(Some(Utc::now())),
        )
        .col_expr(
            two_factor::Column::LastUsedStep,
            Expr::value(step_i64(step)),
        )
        .filter(two_factor::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    let codes = replace_recovery_codes(&txn, user_id).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountTwoFactorEnabled, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

fn step_i64(step: u64) -> i64 {
    i64::try_from(step).unwrap_or(i64::MAX)
}

/// Gives the account a confirmed authenticator with a known secret (demo accounts and tests).
pub async fn enrol_with_secret(
    conn: &impl ConnectionTrait,
    user_id: UserId,
    secret: &str,
) -> Result<(), DbErr> {
    two_factor::Entity::delete_by_id(user_id).exec(conn).await?;
    two_factor::Entity::insert(two_factor::ActiveModel {
        user_id: Set(user_id),
        secret: Set(secret.to_owned()),
        confirmed_at: Set(Some(Utc::now())),
        last_used_step: Set(0),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

async fn replace_recovery_codes(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<Vec<String>, DbErr> {
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    let mut rng = rand::thread_rng();
    let codes: Vec<String> = (0..RECOVERY_CODE_COUNT)
        .map(|_| {
            (0..RECOVERY_CODE_CHARS)
                .map(|_| char::from(RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())]))
                .collect()
        })
        .collect();
    let now = Utc::now();
    recovery_codes::Entity::insert_many(codes.iter().map(|code| recovery_codes::ActiveModel {
        user_id: Set(user_id),
        code_hash: Set(sha256_hex(code)),
        used_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec_without_returning(conn)
    .await?;
    Ok(codes
        .iter()
        .map(|c| format!("{}-{}", &c[..5], &c[5..]))
        .collect())
}

/// New recovery codes for an account with two-factor sign-in; the old ones stop working.
pub async fn regenerate_recovery_codes(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
) -> Result<Vec<String>, TwoFactorError> {
    let txn = db.begin_write().await?;
    if !is_on(&txn, user_id).await? {
        return Err(TwoFactorError::NotSetUp);
    }
    let codes = replace_recovery_codes(&txn, user_id).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountRecoveryCodesReplaced, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

/// How the second factor was given.
#[derive(Debug, PartialEq, Eq)]
pub enum Proof {
    Code,
    /// A recovery code, with how many are left.
    RecoveryCode {
        left: u64,
    },
}

/// Checks a code from the app (each 30-second step accepted once, even by two servers at
/// the same moment) or an unused recovery code.
pub async fn verify(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    input: &str,
) -> Result<Proof, TwoFactorError> {
    let Some(authenticator) = of_user(db, user_id)
        .await?
        .filter(|t| t.confirmed_at.is_some())
    else {
        return Err(TwoFactorError::NotSetUp);
    };
    if let Some(code) = six_digits(input) {
        let step = totp(&authenticator.secret, "x")
            .and_then(|t| t.check(&code, now_seconds()))
            .ok_or(TwoFactorError::WrongCode)?;
        let used = two_factor::Entity::update_many()
            .col_expr(
                two_factor::Column::LastUsedStep,
                Expr::value(step_i64(step)),
            )
            .filter(two_factor::Column::UserId.eq(user_id))
            .filter(two_factor::Column::LastUsedStep.lt(step_i64(step)))
            .exec(db)
            .await?;
        return if used.rows_affected == 1 {
            Ok(Proof::Code)
        } else {
            Err(TwoFactorError::WrongCode)
        };
    }
    let hash = sha256_hex(&normalise_recovery_code(input));
    let txn = db.begin_write().await?;
    let used = recovery_codes::Entity::update_many()
        .col_expr(
            recovery_codes::Column::UsedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::CodeHash.eq(hash))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(TwoFactorError::WrongCode);
    }
    let left = recovery_codes_left(&txn, user_id).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountRecoveryCodeUsed, "user", user_id).detail(format!("{left} left")),
    )
    .await?;
    txn.commit().await?;
    Ok(Proof::RecoveryCode { left })
}

pub async fn recovery_codes_left(
    conn: &impl ConnectionTrait,
    user_id: UserId,
) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    recovery_codes::Entity::find()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .filter(recovery_codes::Column::UsedAt.is_null())
        .count(conn)
        .await
}

pub(crate) async fn remove(conn: &impl ConnectionTrait, user_id: UserId) -> Result<(), DbErr> {
    two_factor::Entity::delete_by_id(user_id).exec(conn).await?;
    recovery_codes::Entity::delete_many()
        .filter(recovery_codes::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The person turns it off for their own account (not allowed for staff).
pub async fn turn_off(
    db: &DatabaseConnection,
    actor: &Actor,
    user_id: UserId,
    roles: &[Role],
) -> Result<(), TwoFactorError> {
    if required_for(roles) {
        return Err(TwoFactorError::RequiredForStaff);
    }
    let txn = db.begin_write().await?;
    remove(&txn, user_id).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountTwoFactorDisabled, "user", user_id),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An administrator resets someone's two-factor sign-in (a lost phone): the authenticator
/// and recovery codes go, every session of the account ends, and the person is emailed. Staff
/// set it up again at their next sign-in.
pub async fn reset_by_admin(
    db: &DatabaseConnection,
    actor: &Actor,
    base_url: &str,
    user: &users::Model,
) -> Result<(), TwoFactorError> {
    let txn = db.begin_write().await?;
    if of_user(&txn, user.id).await?.is_none() {
        return Err(TwoFactorError::NotSetUp);
    }
    remove(&txn, user.id).await?;
    crate::domain::accounts::sessions::end_all_of(&txn, user.id).await?;
    crate::mail::enqueue(
        &txn,
        crate::mail::templates::two_factor_reset(
            &user.email,
            &user.display_name,
            &format!("{base_url}{}", paths::sign_in()),
        ),
    )
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::AccountTwoFactorReset, "user", user.id).detail("by an administrator"),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238_and_tolerate_one_step_of_drift() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", last six digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        assert_eq!(code_at(&secret, 59), "287082");
        assert_eq!(code_at(&secret, 1_111_111_109), "081804");
        let t = totp(&secret, "a@b").expect("totp");
        assert!(t.check("081804", 1_111_111_109 + 30).is_some());
        assert!(t.check("081804", 1_111_111_109 + 90).is_none());
        assert_eq!(six_digits(" 081 804 ").as_deref(), Some("081804"));
        assert_eq!(six_digits("08180"), None);
    }

    #[test]
    fn the_qr_code_is_an_inline_svg_of_the_otpauth_address() {
        let secret = new_secret();
        let url = otpauth_url(&secret, "asha@example.org");
        assert!(
            url.starts_with("otpauth://totp/Kith:asha%40example.org?"),
            "{url}"
        );
        assert!(url.contains(&format!("secret={secret}")));
        let svg = qr_svg(&url);
        assert!(svg.trim_start().starts_with("<svg"), "{svg}");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
        assert_eq!(normalise_recovery_code(" ABCDE-fghjk "), "abcdefghjk");
    }
}
