//! Providers: organisations and their members, profiles, the evidence they give the council,
//! its expiry and files, and the council's approval.

pub mod approval;
pub mod evidence;
pub mod evidence_expiry;
pub mod evidence_files;
pub mod organisations;
pub mod profile;
