//! A provider's public profile as they fill it in: each field parsed into what Kith stores,
//! with a message per field for anything that will not do.

use crate::domain::accounts::email_address::EmailAddress;
use crate::domain::postcode::{Postcode, parse_districts};
use crate::domain::validation::{FieldErrors, has_control_chars};

pub const MAX_DESCRIPTION_CHARS: usize = 2000;
pub const MAX_ADDRESS_CHARS: usize = 300;
pub const MAX_ALT_CHARS: usize = 250;

/// The raw form, every field text.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
    pub address: String,
    pub postcode: String,
    pub areas_served: String,
    pub cqc_provider_id: String,
}

/// A profile ready to save: empty optional fields become `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub description: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub website: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub areas_served: Vec<String>,
    pub cqc_provider_id: Option<String>,
}

fn optional(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty()).then_some(t)
}

fn free_text(
    errors: &mut FieldErrors,
    field: &'static str,
    text: &str,
    max: usize,
    label: &str,
) -> Option<String> {
    let text = optional(text)?;
    if text.chars().count() > max {
        errors.add(field, format!("{label} must be {max} characters or fewer"));
    } else if has_control_chars(text) {
        errors.add(
            field,
            format!("{label} must only include letters, numbers, spaces and punctuation"),
        );
    }
    Some(text.replace("\r\n", "\n"))
}

pub fn parse_phone(raw: &str) -> Result<String, &'static str> {
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '(' | ')' | '-'));
    if allowed && (10..=15).contains(&digits) {
        Ok(raw.trim().to_owned())
    } else {
        Err("Enter a telephone number, like 0161 496 0000 or +44 7700 900 982")
    }
}

pub fn parse_website(raw: &str) -> Result<String, &'static str> {
    const MESSAGE: &str =
        "Enter a website address starting with https://, like https://www.example.org";
    if raw.len() > 300 {
        return Err(MESSAGE);
    }
    let url = url::Url::parse(raw.trim()).map_err(|_| MESSAGE)?;
    if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none_or(|h| !h.contains('.'))
    {
        return Err(MESSAGE);
    }
    Ok(url.to_string())
}

/// CQC ids, for providers and for locations alike, look like 1-123456789.
fn cqc_id(raw: &str) -> Option<String> {
    let id = raw.trim();
    id.strip_prefix("1-")
        .is_some_and(|digits| {
            (6..=12).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .then(|| id.to_owned())
}

/// The CQC id of one registered location (a care home, an agency's office).
pub fn parse_cqc_location_id(raw: &str) -> Result<String, &'static str> {
    cqc_id(raw).ok_or("Enter the CQC location ID in the right format, like 1-123456789")
}

/// The CQC id of the registered provider (one for all its locations).
pub fn parse_cqc_provider_id(raw: &str) -> Result<String, &'static str> {
    cqc_id(raw).ok_or("Enter the CQC provider ID in the right format, like 1-101234567")
}

impl ProfileForm {
    pub fn parse(&self) -> Result<Profile, FieldErrors> {
        let mut errors = FieldErrors::default();
        let description = free_text(
            &mut errors,
            "description",
            &self.description,
            MAX_DESCRIPTION_CHARS,
            "Description",
        );
        let contact_email = optional(&self.contact_email).and_then(|e| {
            errors
                .take("contact_email", EmailAddress::parse(e))
                .map(|e| e.as_str().to_owned())
        });
        let contact_phone = optional(&self.contact_phone)
            .and_then(|p| errors.take("contact_phone", parse_phone(p)));
        let website =
            optional(&self.website).and_then(|w| errors.take("website", parse_website(w)));
        let address = free_text(
            &mut errors,
            "address",
            &self.address,
            MAX_ADDRESS_CHARS,
            "Address",
        );
        let postcode = optional(&self.postcode).and_then(|p| {
            errors
                .take("postcode", Postcode::parse(p))
                .map(|p| p.as_str().to_owned())
        });
        let areas_served = errors
            .take("areas_served", parse_districts(&self.areas_served))
            .unwrap_or_default();
        // Asked for at registration; organisations from before it was asked (or imported
        // from a directory without it) may still be without one, and can save their profile.
        let cqc_provider_id = optional(&self.cqc_provider_id)
            .and_then(|id| errors.take("cqc_provider_id", parse_cqc_provider_id(id)));
        if contact_email.is_none()
            && contact_phone.is_none()
            && errors.get("contact_email").is_none()
            && errors.get("contact_phone").is_none()
        {
            errors.add(
                "contact_email",
                "Enter an email address or a telephone number so people can contact you",
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Profile {
            description,
            contact_email,
            contact_phone,
            website,
            address,
            postcode,
            areas_served,
            cqc_provider_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_profile_parses_and_empty_fields_become_none() {
        let form = ProfileForm {
            contact_phone: "0161 496 0000".into(),
            website: "https://example.org/about".into(),
            areas_served: "m16 m32".into(),
            ..Default::default()
        };
        let p = form.parse().expect("valid");
        assert_eq!(p.areas_served, vec!["M16", "M32"]);
        assert_eq!(p.description, None);
        assert_eq!(p.website.as_deref(), Some("https://example.org/about"));
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let form = ProfileForm {
            description: "x".repeat(2001),
            contact_email: "nope".into(),
            contact_phone: "call me".into(),
            website: "javascript:alert(1)".into(),
            postcode: "ZZZ".into(),
            areas_served: "Trafford".into(),
            cqc_provider_id: "123".into(),
            ..Default::default()
        };
        let errors = form.parse().expect_err("invalid");
        for field in [
            "description",
            "contact_email",
            "contact_phone",
            "website",
            "postcode",
            "areas_served",
            "cqc_provider_id",
        ] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(
            ProfileForm::default()
                .parse()
                .expect_err("no contact")
                .get("contact_email")
                .is_some()
        );
    }
}
