//! Saved-search alerts and reports of problems with listings.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

/// New services matching a saved search: each with its link, then how to stop.
pub fn new_matches(
    to: &str,
    name: &str,
    search_name: &str,
    matches: &[(String, String, String)],
    search_link: &str,
    unsubscribe_link: &str,
) -> OutgoingMail {
    let subject = if matches.len() == 1 {
        format!("1 new service for your search: {search_name}")
    } else {
        format!(
            "{} new services for your search: {search_name}",
            matches.len()
        )
    };
    let mut blocks = vec![Block::Para(format!(
        "New on Kith for your saved search “{search_name}”:"
    ))];
    for (title, provider, link) in matches {
        blocks.push(Block::Link(format!("{title} – {provider}"), link.clone()));
    }
    blocks.push(Block::Link(
        "See everything your search finds".into(),
        search_link.into(),
    ));
    blocks.push(Block::Para(
        "You get this email because you saved this search on Kith and asked for emails about new services."
            .into(),
    ));
    blocks.push(Block::Link(
        "Stop these emails (no need to sign in)".into(),
        unsubscribe_link.into(),
    ));
    compose(to, &subject, name, &blocks)
}

/// A problem reported with a listing, for its provider's members or the admins.
/// What the person wrote is not in the email (anyone can report, so it could be anything):
/// it is on the page the link opens.
pub fn listing_reported(to: &str, name: &str, title: &str, what: &str, link: &str) -> OutgoingMail {
    compose(to, &format!("Problem reported with “{title}”"), name, &[
        Block::Para(format!("Someone reported a problem with “{title}” on Kith: {what}.")),
        Block::Link("Read what they said".into(), link.into()),
        Block::Para("Please check the listing and update it if something has changed. The council resolves the report once it is dealt with.".into()),
    ])
}
