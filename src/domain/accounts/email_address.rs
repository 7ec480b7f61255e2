//! An email address as Kith stores it: trimmed, lower-cased, plausibly deliverable.

use std::fmt;

const MAX_EMAIL_CHARS: usize = 254;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("Enter your email address")]
    Empty,
    #[error("Email address must be 254 characters or fewer")]
    TooLong,
    #[error("Enter an email address in the correct format, like name@example.com")]
    Format,
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.chars().count() > MAX_EMAIL_CHARS {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(EmailError::Format)?;
        let bad_char = |c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '<' | '>' | '"' | ',' | ';' | '(' | ')' | '[' | ']' | '\\'
                )
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains('@') || local.chars().any(bad_char) || !domain_ok {
            return Err(EmailError::Format);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_rejects() {
        assert_eq!(
            EmailAddress::parse("  Ann@Example.ORG ").map(|e| e.0),
            Ok("ann@example.org".into())
        );
        assert_eq!(EmailAddress::parse(""), Err(EmailError::Empty));
        for bad in [
            "ann",
            "ann@",
            "@x.org",
            "ann@localhost",
            "a b@x.org",
            "<script>@x.org",
            "ann@x..org",
            "ann@-x.org",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailError::Format), "{bad}");
        }
        assert_eq!(
            EmailAddress::parse(&format!("{}@x.org", "a".repeat(300))),
            Err(EmailError::TooLong)
        );
    }
}
