//! Innovation-fund notices: panel membership, applications received, and decisions.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

pub fn panel_added(to: &str, name: &str, round: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("You are on the panel for {round}"),
        name,
        &[
            Block::Para(format!(
                "The council has asked you to sit on the panel for the innovation-fund round “{round}”. You will score each application against the round’s criteria. If you have a conflict of interest with an applicant, declare it on that application and you will not score it."
            )),
            Block::Link("See your panel rounds".into(), link.into()),
        ],
    )
}

pub fn application_received(to: &str, name: &str, round: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Application received: {round}"),
        name,
        &[
            Block::Para(format!(
                "Thank you. We have received your application to “{round}”. A panel will score it after the round closes, and we will email you the decision."
            )),
            Block::Link("See your application".into(), link.into()),
        ],
    )
}

pub fn awarded(
    to: &str,
    name: &str,
    round: &str,
    amount: &str,
    conditions: &str,
    link: &str,
) -> OutgoingMail {
    let mut blocks = vec![Block::Para(format!(
        "Good news: the council has awarded you {amount} from “{round}”."
    ))];
    if !conditions.is_empty() {
        blocks.push(Block::Para(format!(
            "Conditions of the award: {conditions}"
        )));
    }
    blocks.push(Block::Link("See the decision".into(), link.into()));
    compose(to, &format!("Grant awarded: {round}"), name, &blocks)
}

pub fn declined(to: &str, name: &str, round: &str, feedback: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Decision on your application: {round}"),
        name,
        &[
            Block::Para(format!(
                "Thank you for applying to “{round}”. The council has decided not to fund this application."
            )),
            Block::Para(format!("The panel’s feedback: {feedback}")),
            Block::Link("See the decision".into(), link.into()),
        ],
    )
}
