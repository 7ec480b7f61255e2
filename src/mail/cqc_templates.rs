//! Messages about CQC's register.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

/// CQC lists a location of the provider's that Kith has no listing for.
pub fn new_location(
    to: &str,
    name: &str,
    organisation: &str,
    location: &str,
    postcode: &str,
    add_link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Add {location} to Kith"),
        name,
        &[
            Block::Para(format!(
                "The Care Quality Commission's register lists {location} ({postcode}) as a location of {organisation}. Kith has no listing for it yet."
            )),
            Block::Para(
                "If people can arrange care there, add it so they can find it. Give its CQC location ID on the listing so its CQC rating shows with it."
                    .into(),
            ),
            Block::Link("Add a listing".into(), add_link.into()),
        ],
    )
}
