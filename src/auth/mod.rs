//! Authentication and authorisation: passwords, server-side sessions, CSRF, roles, the access
//! rule on every route, and rate limits on sign-in and password reset.

pub mod access;
pub mod csrf;
pub mod devices;
pub mod password;
pub mod rate_limit;
pub mod roles;
pub mod second_factor;
pub mod session_store;
pub mod tokens;

pub use access::{Access, CurrentUser, MaybeUser, VerifiedUser};
pub use roles::Role;
