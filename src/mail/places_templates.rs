//! Messages about places free and placement requests. None names the person a request is
//! for: the home reads that in Kith once it agrees to assess.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

/// The places a listing shows are more than a week old.
pub fn check_places(to: &str, name: &str, listing: &str, since: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Are the places at {listing} still free?"),
        name,
        &[
            Block::Para(format!(
                "Kith shows places free at {listing}, as you said on {since}. People see that this may be out of date."
            )),
            Block::Para(
                "Please check the numbers, change them if they have changed, and save them again."
                    .into(),
            ),
            Block::Link("Check the places".into(), link.into()),
        ],
    )
}

/// A broker asks a home for a place.
pub fn request_sent(
    to: &str,
    name: &str,
    listing: &str,
    kind: &str,
    start: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Placement request for {listing}"),
        name,
        &[
            Block::Para(format!(
                "A support broker asks whether {listing} can offer a place ({}) from {start}.",
                kind.to_lowercase()
            )),
            Block::Para("Read what the person needs, then agree to assess them, offer a place, or decline. You see their name once you agree to assess.".into()),
            Block::Link("Answer the request".into(), link.into()),
        ],
    )
}

/// A home answered the broker's request.
pub fn home_answered(
    to: &str,
    name: &str,
    listing: &str,
    status: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("{listing}: {}", status.to_lowercase()),
        name,
        &[
            Block::Para(format!(
                "{listing} has answered your placement request: {}.",
                status.to_lowercase()
            )),
            Block::Link("See the request".into(), link.into()),
        ],
    )
}

pub fn placement_confirmed(to: &str, name: &str, listing: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Placement confirmed at {listing}"),
        name,
        &[
            Block::Para(format!(
                "The broker has accepted your offer of a place at {listing}. If Kith showed places of that kind there, it has taken one off; check the numbers are right."
            )),
            Block::Link("See the placement".into(), link.into()),
        ],
    )
}

pub fn placement_closed(to: &str, name: &str, listing: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Placement request closed: {listing}"),
        name,
        &[
            Block::Para(format!(
                "The broker has closed their placement request to {listing}: they found a place elsewhere or no longer need one. Thank you."
            )),
            Block::Link("See the request".into(), link.into()),
        ],
    )
}
