//! Recognised devices: after a successful sign-in the browser keeps a signed cookie naming
//! the account. Failed sign-ins from strangers then slow down only strangers: someone who
//! types wrong passwords for an account cannot lock its owner out of a browser they have
//! signed in from before (OWASP's "device cookies").

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite, time::Duration};
use entity::users::UserId;

use crate::domain::tokens::new_token;

const DEVICE_COOKIE: &str = "kith_device";
const SECURE_DEVICE_COOKIE: &str = "__Host-kith_device";
/// How long a browser stays recognised after its last sign-in.
const DEVICE_DAYS: i64 = 365;

/// A browser that has signed in to an account before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    pub user_id: UserId,
    /// Random, so each browser has its own count of failed attempts.
    pub id: String,
}

fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_DEVICE_COOKIE
    } else {
        DEVICE_COOKIE
    }
}

/// The value of the signed cookie `name`, if its signature holds.
pub(super) fn signed_value(req: &HttpRequest, key: &Key, name: &str) -> Option<String> {
    let cookie = req.cookie(name)?;
    let mut jar = CookieJar::new();
    jar.add_original(cookie.into_owned());
    jar.signed(key).get(name).map(|c| c.value().to_owned())
}

/// A cookie Kith signs: whole site, HttpOnly, SameSite=Lax, Secure over https.
pub(super) fn signed_cookie(
    key: &Key,
    secure: bool,
    name: &'static str,
    value: String,
    days: i64,
) -> Cookie<'static> {
    let mut jar = CookieJar::new();
    jar.signed_mut(key).add(
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Lax)
            .max_age(Duration::days(days))
            .finish(),
    );
    jar.get(name)
        .cloned()
        .unwrap_or_else(|| Cookie::new(name, ""))
}

/// The device this request's signed cookie names, if the signature holds.
pub fn recognise(req: &HttpRequest, key: &Key, secure: bool) -> Option<Device> {
    let value = signed_value(req, key, cookie_name(secure))?;
    let (user_id, id) = value.split_once('.')?;
    Some(Device {
        user_id: user_id.parse().ok()?,
        id: id.to_owned(),
    })
}

/// The cookie that makes this browser recognised for `user_id` (keeping its device id if it
/// already had one for that account).
pub fn remember(
    key: &Key,
    secure: bool,
    user_id: UserId,
    known: Option<&Device>,
) -> Cookie<'static> {
    let id = known
        .filter(|d| d.user_id == user_id)
        .map_or_else(new_token, |d| d.id.clone());
    signed_cookie(
        key,
        secure,
        cookie_name(secure),
        format!("{user_id}.{id}"),
        DEVICE_DAYS,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_signed_device_cookie_is_recognised_and_a_forged_one_is_not() {
        let key = Key::generate();
        let cookie = remember(&key, false, UserId(42), None);
        let req = TestRequest::default()
            .cookie(cookie.clone())
            .to_http_request();
        let device = recognise(&req, &key, false).expect("recognised");
        assert_eq!(device.user_id, UserId(42));
        let again = remember(&key, false, UserId(42), Some(&device));
        assert!(again.value().ends_with(&device.id), "keeps its id");

        let forged = Cookie::new(DEVICE_COOKIE, format!("7.{}", device.id));
        let req = TestRequest::default().cookie(forged).to_http_request();
        assert_eq!(recognise(&req, &key, false), None);
        let req = TestRequest::default().cookie(cookie).to_http_request();
        assert_eq!(
            recognise(&req, &Key::generate(), false),
            None,
            "another key"
        );
    }
}
