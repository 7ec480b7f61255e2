//! The enquiry form: what support, when, where (no finer than a postcode sector), the name
//! the provider should use, and how to reply. Also the reply and close forms' checks.

use crate::domain::postcode::sector_field;
use crate::domain::validation::{FieldErrors, FormFields, has_control_chars, required_text};
use entity::enquiries::ReplyBy;

pub const MAX_SUPPORT_CHARS: usize = 2000;
pub const MAX_WHEN_CHARS: usize = 500;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_MESSAGE_CHARS: usize = 4000;

#[derive(Clone, Debug, Default)]
pub struct EnquiryForm {
    pub support_wanted: String,
    pub when_wanted: String,
    pub postcode: String,
    pub contact_name: String,
    pub reply_by: String,
    pub reply_phone: String,
}

/// A checked enquiry, ready to send.
#[derive(Clone, Debug)]
pub struct NewEnquiry {
    pub support_wanted: String,
    pub when_wanted: String,
    pub postcode_sector: Option<String>,
    pub contact_name: String,
    pub reply_by: ReplyBy,
    pub reply_phone: Option<String>,
}

impl EnquiryForm {
    pub fn from_fields(f: &FormFields) -> Self {
        Self {
            support_wanted: f.one("support_wanted"),
            when_wanted: f.one("when_wanted"),
            postcode: f.one("postcode"),
            contact_name: f.one("contact_name"),
            reply_by: f.one("reply_by"),
            reply_phone: f.one("reply_phone"),
        }
    }

    /// What was typed about the support, as one message (for an enquiry already open about
    /// the same service); empty when nothing was typed.
    pub fn as_message(&self) -> String {
        let support = self.support_wanted.trim();
        let when = self.when_wanted.trim();
        match (support.is_empty(), when.is_empty()) {
            (true, true) => String::new(),
            (false, true) => support.to_owned(),
            (true, false) => format!("When: {when}"),
            (false, false) => format!("{support}\n\nWhen: {when}"),
        }
    }

    /// `broker_may_reply`: the enquiry is for a broker's client, so "reply to the broker" is
    /// a choice.
    pub fn parse(&self, broker_may_reply: bool) -> Result<NewEnquiry, FieldErrors> {
        let mut e = FieldErrors::default();
        let support_wanted = required_text(
            &mut e,
            "support_wanted",
            &self.support_wanted,
            MAX_SUPPORT_CHARS,
            "what support you are looking for",
        );
        let when_wanted = required_text(
            &mut e,
            "when_wanted",
            &self.when_wanted,
            MAX_WHEN_CHARS,
            "when you would like the support",
        );
        let postcode_sector = if self.postcode.trim().is_empty() {
            None
        } else {
            e.take("postcode", sector_field(&self.postcode))
        };
        let contact_name = required_text(
            &mut e,
            "contact_name",
            &self.contact_name,
            MAX_NAME_CHARS,
            "the name the provider should use",
        );
        let reply_by = match ReplyBy::parse(&self.reply_by) {
            Some(ReplyBy::Email) => Some(ReplyBy::Email),
            Some(ReplyBy::Phone) => Some(ReplyBy::Phone),
            Some(ReplyBy::Broker) if broker_may_reply => Some(ReplyBy::Broker),
            _ => {
                e.add("reply_by", "Select how the provider should reply");
                None
            }
        };
        let reply_phone = if reply_by == Some(ReplyBy::Phone) {
            e.take("reply_phone", parse_phone(&self.reply_phone))
        } else {
            None
        };
        match (support_wanted, when_wanted, contact_name, reply_by) {
            (Some(support_wanted), Some(when_wanted), Some(contact_name), Some(reply_by))
                if e.is_empty() =>
            {
                Ok(NewEnquiry {
                    support_wanted,
                    when_wanted,
                    postcode_sector,
                    contact_name,
                    reply_by,
                    reply_phone,
                })
            }
            _ => Err(e),
        }
    }
}

/// A UK phone number as people write it: 10 or 11 digits (or +44 and 9 or 10), spaces,
/// brackets and dashes allowed. Kept as written, tidied.
pub fn parse_phone(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Enter a phone number the provider can call");
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-' | '+'));
    let national = match digits.strip_prefix("44") {
        Some(rest) if text.starts_with('+') => format!("0{rest}"),
        _ => digits.clone(),
    };
    if !allowed || !national.starts_with('0') || !(10..=11).contains(&national.len()) {
        return Err("Enter a UK phone number, like 0161 496 0000 or 07700 900 123");
    }
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A message in the conversation: required, at most [`MAX_MESSAGE_CHARS`].
pub fn parse_message(raw: &str) -> Result<String, FieldErrors> {
    let mut e = FieldErrors::default();
    let text = raw.trim().replace("\r\n", "\n");
    if text.is_empty() {
        e.add("body", "Write your message");
    } else if text.chars().count() > MAX_MESSAGE_CHARS {
        e.add(
            "body",
            crate::domain::validation::too_long(
                "Your message",
                MAX_MESSAGE_CHARS,
                text.chars().count(),
            ),
        );
    } else if has_control_chars(&text) {
        e.add("body", "Use only letters, numbers, spaces and punctuation");
    }
    if e.is_empty() { Ok(text) } else { Err(e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> EnquiryForm {
        EnquiryForm {
            support_wanted: "Help with shopping".into(),
            when_wanted: "Tuesday mornings".into(),
            postcode: "m16 0ra".into(),
            contact_name: "Asha".into(),
            reply_by: "email".into(),
            reply_phone: String::new(),
        }
    }

    #[test]
    fn a_full_postcode_is_kept_only_as_its_sector() {
        let e = form().parse(false).unwrap();
        assert_eq!(e.postcode_sector.as_deref(), Some("M16 0"));
    }

    #[test]
    fn phone_replies_need_a_uk_number_and_broker_replies_need_a_client() {
        let mut f = form();
        f.reply_by = "phone".into();
        assert!(f.parse(false).unwrap_err().get("reply_phone").is_some());
        f.reply_phone = "+44 161 496 0000".into();
        assert_eq!(
            f.parse(false).unwrap().reply_phone.as_deref(),
            Some("+44 161 496 0000")
        );
        f.reply_phone = "12345".into();
        assert!(f.parse(false).is_err());
        f.reply_by = "broker".into();
        assert!(f.parse(false).unwrap_err().get("reply_by").is_some());
        assert_eq!(f.parse(true).unwrap().reply_by, ReplyBy::Broker);
    }

    #[test]
    fn messages_are_required_and_bounded() {
        assert!(parse_message("  ").is_err());
        assert!(parse_message(&"a".repeat(MAX_MESSAGE_CHARS + 1)).is_err());
        assert_eq!(
            parse_message(" Yes, Tuesday works \r\n").unwrap(),
            "Yes, Tuesday works"
        );
    }
}
