//! Personal data from collection to deletion: what Kith holds about one person (an account
//! holder, or a broker's client who has no account), exported on request and erased on
//! request, and the requests people make from their account page.

pub mod erasure;
pub mod export;
pub mod notice;
pub mod requests;
pub mod retention;

use entity::users::UserId;

/// Whose data: a person with an account, or a broker's client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Person(UserId),
    Client(i64),
}

impl Subject {
    /// The audit log's (subject type, id) for this subject.
    pub fn audit_subject(self) -> (&'static str, String) {
        match self {
            Subject::Person(id) => ("user", id.to_string()),
            Subject::Client(id) => ("client", id.to_string()),
        }
    }

    /// A file-name-safe label: `person-57`, `client-12`.
    pub fn slug(self) -> String {
        match self {
            Subject::Person(id) => format!("person-{id}"),
            Subject::Client(id) => format!("client-{id}"),
        }
    }
}

/// What stands in for an erased person's name.
pub fn erased_name(subject: Subject) -> String {
    match subject {
        Subject::Person(id) => format!("Erased person {id}"),
        Subject::Client(id) => format!("Erased client {id}"),
    }
}

/// What stands in for the words of an erased person's enquiry or message.
pub const REMOVED_TEXT: &str = "Removed when the person's data was erased.";
