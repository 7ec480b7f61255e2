//! The messages Kith sends. Each is built from one list of blocks, rendered as plain text and
//! as simple HTML, so the two alternatives always say the same thing.

use entity::listings::ListingStatus;
use entity::provider_organisations::OrganisationStatus;
use maud::{DOCTYPE, html};

use super::outbox::OutgoingMail;

pub enum Block {
    Para(String),
    /// A call to action: the link text and the full URL.
    Link(String, String),
}

pub(super) fn compose(
    to: &str,
    subject: &str,
    greeting_name: &str,
    blocks: &[Block],
) -> OutgoingMail {
    let mut text = format!("Dear {greeting_name},\n\n");
    for block in blocks {
        match block {
            Block::Para(p) => text.push_str(&format!("{p}\n\n")),
            Block::Link(label, url) => text.push_str(&format!("{label}:\n{url}\n\n")),
        }
    }
    text.push_str("Kith – care and support marketplace\n");
    let html = html! {
        (DOCTYPE)
        html lang="en" {
            head { meta charset="utf-8"; title { (subject) } }
            body style="font-family: arial, sans-serif; font-size: 19px; line-height: 1.4; color: #0b0c0c; max-width: 640px; margin: 0 auto; padding: 20px;" {
                p style="font-weight: bold; font-size: 24px; border-bottom: 8px solid #1d70b8; padding-bottom: 8px;" { "Kith" }
                p { "Dear " (greeting_name) "," }
                @for block in blocks {
                    @match block {
                        Block::Para(p) => p { (p) },
                        Block::Link(label, url) => p { a href=(url) style="color: #1d70b8;" { (label) } },
                    }
                }
                p style="color: #505a5f; font-size: 16px;" { "Kith – care and support marketplace" }
            }
        }
    };
    OutgoingMail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html: html.into_string(),
    }
}

pub fn verify_email(to: &str, name: &str, link: &str) -> OutgoingMail {
    compose(to, "Confirm your email address for Kith", name, &[
        Block::Para("Thank you for creating a Kith account. Confirm your email address using the link below. The link works for 48 hours.".into()),
        Block::Link("Confirm your email address".into(), link.into()),
        Block::Para("If you did not create an account, you can ignore this email.".into()),
    ])
}

pub fn already_registered(to: &str, name: &str, sign_in: &str, reset: &str) -> OutgoingMail {
    compose(to, "You already have a Kith account", name, &[
        Block::Para("Someone tried to create a Kith account with this email address. You already have an account, so no new account was made.".into()),
        Block::Link("Sign in to Kith".into(), sign_in.into()),
        Block::Link("Reset your password if you have forgotten it".into(), reset.into()),
        Block::Para("If this was not you, you do not need to do anything.".into()),
    ])
}

pub fn password_reset(to: &str, name: &str, link: &str) -> OutgoingMail {
    compose(to, "Reset your Kith password", name, &[
        Block::Para("We received a request to reset the password for your Kith account. The link below works once, for 1 hour.".into()),
        Block::Link("Choose a new password".into(), link.into()),
        Block::Para("If you did not ask to reset your password, you can ignore this email: your password has not changed.".into()),
    ])
}

pub fn password_changed(to: &str, name: &str, reset: &str) -> OutgoingMail {
    compose(to, "Your Kith password has been changed", name, &[
        Block::Para("The password for your Kith account was changed, and you were signed out on your other devices.".into()),
        Block::Para("If you did not do this, reset your password now and tell the Kith team at the council.".into()),
        Block::Link("Reset your password".into(), reset.into()),
    ])
}

pub fn two_factor_reset(to: &str, name: &str, sign_in: &str) -> OutgoingMail {
    compose(to, "Your Kith two-factor sign-in was reset", name, &[
        Block::Para("An administrator has reset the authenticator app and recovery codes of your Kith account, and you were signed out everywhere.".into()),
        Block::Para("When you next sign in you will be asked to set up your authenticator app again.".into()),
        Block::Link("Sign in".into(), sign_in.into()),
        Block::Para("If you did not ask for this, tell the Kith team at the council straight away.".into()),
    ])
}

/// `as_what` completes "invited … as": "a quality checker", "a member of Team Care".
pub fn invitation(to: &str, as_what: &str, inviter: &str, link: &str) -> OutgoingMail {
    compose(to, &format!("You have been invited to Kith as {as_what}"), to, &[
        Block::Para(format!("{inviter} has invited you to use Kith, the council's care and support marketplace, as {as_what}.")),
        Block::Link("Accept the invitation".into(), link.into()),
        Block::Para("The link works for 7 days. If you were not expecting this, you can ignore this email.".into()),
    ])
}

pub fn provider_submitted(to: &str, name: &str, organisation: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("{organisation} has asked to be approved"),
        name,
        &[
            Block::Para(format!(
                "{organisation} has recorded its evidence and is waiting for the council's checks."
            )),
            Block::Link("Review the provider".into(), link.into()),
        ],
    )
}

pub fn provider_decision(
    to: &str,
    name: &str,
    organisation: &str,
    status: OrganisationStatus,
    message: &str,
    link: &str,
) -> OutgoingMail {
    let (subject, opening) = match status {
        OrganisationStatus::Approved => (format!("{organisation} is approved on Kith"), "Good news: the council has approved you. You can now publish your services on Kith.".to_owned()),
        OrganisationStatus::ChangesRequested => (format!("Changes needed before {organisation} can be approved"), "The council has looked at your evidence and needs you to change something before approving you.".to_owned()),
        _ => (format!("{organisation} has not been approved"), "The council has looked at your evidence and cannot approve you.".to_owned()),
    };
    let mut blocks = vec![Block::Para(opening)];
    if !message.is_empty() {
        blocks.push(Block::Para(format!("The council said: {message}")));
    }
    blocks.push(Block::Link(
        "See your evidence and status".into(),
        link.into(),
    ));
    compose(to, &subject, name, &blocks)
}

pub fn evidence_expiring(
    to: &str,
    name: &str,
    organisation: &str,
    what: &str,
    date: &str,
    lapsed: bool,
    link: &str,
) -> OutgoingMail {
    let (subject, para) = if lapsed {
        (
            format!("Your {} has lapsed", what.to_lowercase()),
            format!(
                "The {} for {organisation} ran out on {date}. Until you update it, the council will see it flagged.",
                what.to_lowercase()
            ),
        )
    } else {
        (
            format!("Your {} runs out on {date}", what.to_lowercase()),
            format!(
                "The {} for {organisation} runs out on {date}. Please update it on Kith before then.",
                what.to_lowercase()
            ),
        )
    };
    compose(
        to,
        &subject,
        name,
        &[
            Block::Para(para),
            Block::Link("Update your evidence".into(), link.into()),
        ],
    )
}

pub fn listing_submitted(
    to: &str,
    name: &str,
    title: &str,
    organisation: &str,
    is_update: bool,
    link: &str,
) -> OutgoingMail {
    let what = if is_update {
        "changes to a published listing"
    } else {
        "a new listing"
    };
    compose(
        to,
        &format!("Listing to review: {title}"),
        name,
        &[
            Block::Para(format!(
                "{organisation} has sent {what} for review: {title}."
            )),
            Block::Link("Review the listing".into(), link.into()),
        ],
    )
}

pub fn listing_decision(
    to: &str,
    name: &str,
    title: &str,
    status: ListingStatus,
    was_live: bool,
    message: &str,
    link: &str,
) -> OutgoingMail {
    let (subject, opening) = match (status, was_live) {
        (ListingStatus::Approved, false) => (format!("{title} is published on Kith"), "Good news: the council has approved your listing. People can now find it on Kith.".to_owned()),
        (ListingStatus::Approved, true) => (format!("Your changes to {title} are published"), "The council has approved your changes. Kith now shows the new version.".to_owned()),
        (ListingStatus::ChangesRequested, _) => (format!("Changes needed to {title}"), "The council has looked at your listing and needs you to change something before it can be published.".to_owned()),
        (_, live) => (format!("{title} was not approved"), if live { "The council could not approve your changes. The version already published stays on Kith." } else { "The council could not approve your listing." }.to_owned()),
    };
    let mut blocks = vec![Block::Para(opening)];
    if !message.is_empty() {
        blocks.push(Block::Para(format!("The council said: {message}")));
    }
    blocks.push(Block::Link("See your listing".into(), link.into()));
    compose(to, &subject, name, &blocks)
}

pub fn listing_suspension(
    to: &str,
    name: &str,
    title: &str,
    suspended: bool,
    reason: &str,
    link: &str,
) -> OutgoingMail {
    let (subject, opening) = if suspended {
        (
            format!("{title} has been suspended"),
            "The council has taken your listing off Kith for now. People cannot find it until the council restores it.",
        )
    } else {
        (
            format!("{title} is back on Kith"),
            "The council has restored your listing. People can find it on Kith again.",
        )
    };
    compose(
        to,
        &subject,
        name,
        &[
            Block::Para(opening.to_owned()),
            Block::Para(format!("The council said: {reason}")),
            Block::Link("See your listing".into(), link.into()),
        ],
    )
}

pub fn listing_review_due(
    to: &str,
    name: &str,
    title: &str,
    due: &str,
    hidden: bool,
    link: &str,
) -> OutgoingMail {
    let (subject, opening) = if hidden {
        (
            format!("{title} is hidden until you check it"),
            format!(
                "Your listing was due to be checked on {due}. It is now hidden from people searching Kith. Confirm it is still right, or update it, and it will show again."
            ),
        )
    } else {
        (
            format!("Check your listing {title} by {due}"),
            format!(
                "Please check your listing is still right by {due}: prices, days and times, and whether you are taking new clients. Confirm it or update it on Kith. Listings not checked are hidden a few weeks later."
            ),
        )
    };
    compose(
        to,
        &subject,
        name,
        &[
            Block::Para(opening),
            Block::Link("Check your listing".into(), link.into()),
        ],
    )
}

pub fn erasure_requested(to: &str, name: &str, answer_by: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        "Someone has asked for their data to be erased",
        name,
        &[
            Block::Para(format!(
                "A person has asked the council to erase the personal data Kith holds about \
                 them. The council must erase it, or tell them why it cannot, by {answer_by}."
            )),
            Block::Link("See what would be erased and kept".into(), link.into()),
        ],
    )
}

pub fn erasure_declined(to: &str, name: &str, reason: &str) -> OutgoingMail {
    compose(
        to,
        "Your request to erase your data",
        name,
        &[
            Block::Para(
                "You asked the council to erase the personal data Kith holds about you. The \
                 council has not erased it."
                    .to_owned(),
            ),
            Block::Para(format!("The council said: {reason}")),
            Block::Para(
                "You can ask again from your account page, or complain to the Information \
                 Commissioner's Office (ico.org.uk) if you think this is wrong."
                    .to_owned(),
            ),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_html_carry_the_same_link_and_escape_names() {
        let mail = verify_email(
            "a@x.org",
            "<b>Ann</b>",
            "https://kith.example/verify-email/abc",
        );
        assert!(mail.text.contains("https://kith.example/verify-email/abc"));
        assert!(
            mail.html
                .contains("href=\"https://kith.example/verify-email/abc\"")
        );
        assert!(mail.html.contains("&lt;b&gt;Ann&lt;/b&gt;"));
    }
}
