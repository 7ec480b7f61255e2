//! Authentication and authorisation on the web side: server-side sessions, CSRF, the access
//! rule on every route, second factors and rate limits on sign-in and password reset. What
//! they rest on and the domain also needs (password hashing, tokens, roles, ending sessions)
//! lives in the domain, which never imports from here.

pub mod access;
pub mod csrf;
pub mod devices;
pub mod rate_limit;
pub mod roles;
pub mod second_factor;
pub mod session_store;

pub use access::{Access, CurrentUser, MaybeUser, VerifiedUser};
pub use roles::Role;
