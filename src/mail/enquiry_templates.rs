//! Enquiry notices. They say that something happened and link to Kith; the enquiry's words
//! and anyone's contact details stay in Kith, not in email.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

pub fn enquiry_received(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("New enquiry about {title}"),
        name,
        &[
            Block::Para(format!(
                "Someone has sent an enquiry about {title} through Kith. Please read it and reply, even if you cannot help: people are waiting to arrange their support."
            )),
            Block::Link("Read and reply to the enquiry".into(), link.into()),
        ],
    )
}

pub fn enquiry_message(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("New message about {title}"),
        name,
        &[
            Block::Para(format!(
                "There is a new message in your enquiry about {title}."
            )),
            Block::Link("Read the message".into(), link.into()),
        ],
    )
}

pub fn enquiry_closed(
    to: &str,
    name: &str,
    title: &str,
    outcome: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Enquiry closed: {title}"),
        name,
        &[
            Block::Para(format!(
                "The enquiry about {title} is closed. Outcome: {outcome}."
            )),
            Block::Link("See the enquiry".into(), link.into()),
        ],
    )
}
