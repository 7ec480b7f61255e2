//! A password someone is choosing: long enough, not absurdly long, not one of the 100,000
//! most common passwords (SecLists' list, MIT licence, in `data/`), and not built on the
//! account's own email address.

pub const MIN_PASSWORD_CHARS: usize = 12;
/// The hint under every new-password field.
pub const HINT: &str =
    "Use 12 characters or more. A few unrelated words is easy to remember and hard to guess.";

/// The 100,000 most common passwords, most common first (SecLists,
/// `10-million-password-list-top-100000.txt`; see `data/common-passwords.LICENSE`).
const COMMON_PASSWORD_LIST: &str = include_str!("data/common-passwords.txt");

fn is_common(lower: &str) -> bool {
    static SET: std::sync::OnceLock<std::collections::HashSet<String>> = std::sync::OnceLock::new();
    SET.get_or_init(|| {
        COMMON_PASSWORD_LIST
            .lines()
            .map(str::to_lowercase)
            .collect()
    })
    .contains(lower)
}
/// Caps the work argon2 is asked to do for one request.
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON_PASSWORDS: &[&str] = &[
    "password12",
    "password123",
    "1234567890",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "welcome123",
    "administrator",
    "passw0rd123",
    "0987654321",
    "123456789a",
    "abcdefghij",
];

pub struct NewPassword(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NewPasswordError {
    #[error("Enter a password")]
    Empty,
    #[error("Password must be 12 characters or more")]
    TooShort,
    #[error("Password must be 128 characters or fewer")]
    TooLong,
    #[error("Choose a password that is harder to guess")]
    TooCommon,
    #[error("Choose a password that does not contain your email address")]
    ContainsEmail,
}

impl NewPassword {
    /// Checks a password for the account with `email` (when known): it may not contain the
    /// part before the @.
    pub fn parse_for(raw: &str, email: Option<&str>) -> Result<Self, NewPasswordError> {
        let parsed = Self::parse(raw)?;
        let local = email
            .and_then(|e| e.split('@').next())
            .map(str::to_lowercase)
            .filter(|l| l.chars().count() >= 3);
        if local.is_some_and(|l| raw.to_lowercase().contains(&l)) {
            return Err(NewPasswordError::ContainsEmail);
        }
        Ok(parsed)
    }

    pub fn parse(raw: &str) -> Result<Self, NewPasswordError> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err(NewPasswordError::Empty);
        }
        if chars < MIN_PASSWORD_CHARS {
            return Err(NewPasswordError::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(NewPasswordError::TooLong);
        }
        let lower = raw.to_lowercase();
        if COMMON_PASSWORDS.contains(&lower.as_str())
            || is_common(&lower)
            || lower.chars().all(|c| lower.starts_with(c))
        {
            return Err(NewPasswordError::TooCommon);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Checks a new password and its confirmation, recording errors against both fields.
pub fn parse_confirmed(
    errors: &mut crate::domain::validation::FieldErrors,
    email: Option<&str>,
    password: &str,
    confirm: &str,
) -> Option<NewPassword> {
    let parsed = errors.take("password", NewPassword::parse_for(password, email));
    if parsed.is_some() && password != confirm {
        errors.add("password_confirm", "The passwords do not match");
    }
    parsed.filter(|_| password == confirm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_and_common_checks() {
        assert!(NewPassword::parse("a sensible passphrase").is_ok());
        assert_eq!(NewPassword::parse("").err(), Some(NewPasswordError::Empty));
        assert_eq!(
            NewPassword::parse("short").err(),
            Some(NewPasswordError::TooShort)
        );
        assert_eq!(
            NewPassword::parse(&"ab".repeat(65)).err(),
            Some(NewPasswordError::TooLong)
        );
        assert_eq!(
            NewPassword::parse("Password1234").err(),
            Some(NewPasswordError::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa").err(),
            Some(NewPasswordError::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("Qwertyuiop123").err(),
            Some(NewPasswordError::TooCommon),
            "from the vendored list, whatever the case"
        );
        assert_eq!(COMMON_PASSWORD_LIST.lines().count(), 100_000);
        assert_eq!(
            NewPassword::parse_for("asha.patel-is-me", Some("Asha.Patel@example.org")).err(),
            Some(NewPasswordError::ContainsEmail)
        );
        assert!(NewPassword::parse_for("a sensible passphrase", Some("asha@example.org")).is_ok());
    }
}
