//! The name an account is shown by.

use std::fmt;

use crate::domain::validation::has_control_chars;

const MAX_NAME_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DisplayNameError {
    #[error("Enter your name")]
    Empty,
    #[error("Name must be 100 characters or fewer")]
    TooLong,
    #[error("Name must only include letters, numbers, spaces and punctuation")]
    ControlCharacters,
}

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, DisplayNameError> {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(DisplayNameError::TooLong);
        }
        if has_control_chars(&name) {
            return Err(DisplayNameError::ControlCharacters);
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_collapses_and_limits() {
        assert_eq!(
            DisplayName::parse("  Siân   O'Neill ").map(|n| n.0),
            Ok("Siân O'Neill".into())
        );
        assert_eq!(DisplayName::parse(" \t "), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(101)),
            Err(DisplayNameError::TooLong)
        );
        assert_eq!(
            DisplayName::parse("a\u{0}b"),
            Err(DisplayNameError::ControlCharacters)
        );
    }
}
