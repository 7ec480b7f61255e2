//! Email: messages are queued in the outbox table inside the transaction that causes them,
//! then a background worker sends them (SMTP, `.eml` files in development, or a capture in
//! tests) with retries and back-off, so no notification is lost.

pub mod checking_templates;
pub mod cqc_templates;
pub mod enquiry_templates;
pub mod fund_templates;
pub mod outbox;
pub mod places_templates;
pub mod search_templates;
pub mod templates;
pub mod transport;
pub mod worker;

pub use outbox::{OutgoingMail, enqueue};
pub use transport::{CapturedMail, MailTransport};
