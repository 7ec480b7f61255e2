//! A password someone is choosing: long enough, not absurdly long, not a well-known one.

pub const MIN_PASSWORD_CHARS: usize = 10;
/// The hint under every new-password field.
pub const HINT: &str = "Use 10 characters or more";
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
    #[error("Password must be 10 characters or more")]
    TooShort,
    #[error("Password must be 128 characters or fewer")]
    TooLong,
    #[error("Choose a password that is harder to guess")]
    TooCommon,
}

impl NewPassword {
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
        if COMMON_PASSWORDS.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c))
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
    errors: &mut super::validation::FieldErrors,
    password: &str,
    confirm: &str,
) -> Option<NewPassword> {
    let parsed = errors.take("password", NewPassword::parse(password));
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
            NewPassword::parse("Password123").err(),
            Some(NewPasswordError::TooCommon)
        );
        assert_eq!(
            NewPassword::parse("aaaaaaaaaaaa").err(),
            Some(NewPasswordError::TooCommon)
        );
    }
}
