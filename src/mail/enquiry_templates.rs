//! Enquiry and review notices. They say that something happened and link to Kith; the
//! enquiry's words and anyone's contact details stay in Kith, not in email.

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

pub fn review_decision(
    to: &str,
    name: &str,
    title: &str,
    published: bool,
    note: &str,
    link: &str,
) -> OutgoingMail {
    let mut blocks = if published {
        vec![Block::Para(format!(
            "Thank you for reviewing {title}. The council has published your review, so other people can read it."
        ))]
    } else {
        vec![Block::Para(format!(
            "Thank you for reviewing {title}. The council could not publish your review."
        ))]
    };
    if !note.is_empty() {
        blocks.push(Block::Para(format!("The council said: {note}")));
    }
    blocks.push(Block::Link("See the service".into(), link.into()));
    let subject = if published {
        format!("Your review of {title} is published")
    } else {
        format!("Your review of {title} was not published")
    };
    compose(to, &subject, name, &blocks)
}

pub fn review_published(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("New review of {title}"),
        name,
        &[
            Block::Para(format!(
                "A review of {title} is now published on Kith. You can reply to it once."
            )),
            Block::Link("Read the review and reply".into(), link.into()),
        ],
    )
}
