//! Quality-checking notices: assignments offered and declined, inspections sent for review,
//! returned and published, and providers' responses.

use super::outbox::OutgoingMail;
use super::templates::{Block, compose};

pub fn assignment_offered(
    to: &str,
    name: &str,
    title: &str,
    due: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Quality check to do: {title}"),
        name,
        &[
            Block::Para(format!(
                "The council would like you to check {title}. The check is due by {due}. Please accept or decline it so the council can plan."
            )),
            Block::Link("See the assignment".into(), link.into()),
        ],
    )
}

pub fn assignment_declined(
    to: &str,
    name: &str,
    title: &str,
    reason: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Quality check declined: {title}"),
        name,
        &[
            Block::Para(format!(
                "A quality checker cannot take the check of {title}."
            )),
            Block::Para(format!("They said: {reason}")),
            Block::Link("Assign another checker".into(), link.into()),
        ],
    )
}

pub fn inspection_submitted(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Inspection to review: {title}"),
        name,
        &[
            Block::Para(format!(
                "A quality checker has sent their inspection of {title}. Please review it."
            )),
            Block::Link("Quality checking".into(), link.into()),
        ],
    )
}

pub fn inspection_returned(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Your inspection of {title} needs more work"),
        name,
        &[
            Block::Para(format!(
                "The council has looked at your inspection of {title} and sent it back with comments."
            )),
            Block::Link(
                "Read the comments and update the inspection".into(),
                link.into(),
            ),
        ],
    )
}

pub fn inspection_published(
    to: &str,
    name: &str,
    title: &str,
    overall: &str,
    link: &str,
) -> OutgoingMail {
    compose(
        to,
        &format!("Quality check published: {title}"),
        name,
        &[
            Block::Para(format!(
                "The council has published the quality check of {title}. Overall rating: {overall}. You can respond under the report, for example with an action plan."
            )),
            Block::Link("Read the report".into(), link.into()),
        ],
    )
}

pub fn inspection_response(to: &str, name: &str, title: &str, link: &str) -> OutgoingMail {
    compose(
        to,
        &format!("Provider's response to the quality check: {title}"),
        name,
        &[
            Block::Para(format!(
                "The provider of {title} has responded to its quality check with an action plan."
            )),
            Block::Link("Read the report and the response".into(), link.into()),
        ],
    )
}

/// Where a check stands when its checker is reminded.
pub struct Reminder {
    pub accepted: bool,
    pub overdue: bool,
}

pub fn check_due_reminder(
    to: &str,
    name: &str,
    title: &str,
    due: &str,
    state: Reminder,
    link: &str,
) -> OutgoingMail {
    let when = if state.overdue {
        format!("was due by {due} and is now overdue")
    } else {
        format!("is due by {due}")
    };
    let ask = if state.accepted {
        "If you cannot finish it in time, tell the council so they can plan."
    } else {
        "You have not said yet whether you can do it: please accept or decline it."
    };
    compose(
        to,
        &format!("Reminder: quality check of {title}"),
        name,
        &[
            Block::Para(format!("Your quality check of {title} {when}. {ask}")),
            Block::Link("See the check".into(), link.into()),
        ],
    )
}
