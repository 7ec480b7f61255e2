//! A council's short name, as it appears in `/c/{slug}/` addresses: lower-case letters,
//! digits and single hyphens, 2 to 40 characters (`trafford`, `stockport`).

/// A council's short name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CouncilSlug(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error(
        "a council's short name is 2 to 40 lower-case letters, digits and hyphens, such as trafford"
    )]
    Shape,
}

impl CouncilSlug {
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        let slug = raw.trim();
        let fits = (2..=40).contains(&slug.len())
            && slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !slug.starts_with('-')
            && !slug.ends_with('-')
            && !slug.contains("--");
        if fits {
            Ok(Self(slug.to_owned()))
        } else {
            Err(SlugError::Shape)
        }
    }

    /// A short name made from a council's name ("Trafford" gives `trafford`, "Stockport
    /// Metropolitan Borough" gives `stockport-metropolitan-borough`); `council` when the
    /// name has no letters or digits.
    pub fn from_name(name: &str) -> Self {
        let words: Vec<String> = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        let mut slug = String::new();
        for word in words {
            if slug.len() + word.len() + 1 > 40 {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(&word);
        }
        Self::parse(&slug).unwrap_or_else(|_| Self("council".to_owned()))
    }

    /// A slug read back from the database, kept as it is.
    pub(super) fn stored(slug: String) -> Self {
        Self(slug)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_lower_case_words_joined_by_hyphens() {
        for good in ["trafford", "stockport", "west-berkshire", "b2"] {
            assert_eq!(CouncilSlug::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "t",
            "Trafford",
            "west--berks",
            "-x",
            "x-",
            "a/b",
            "trafford council",
        ] {
            assert_eq!(CouncilSlug::parse(bad), Err(SlugError::Shape), "{bad}");
        }
        assert_eq!(CouncilSlug::from_name("Trafford").as_str(), "trafford");
        assert_eq!(
            CouncilSlug::from_name("Stockport Metropolitan Borough").as_str(),
            "stockport-metropolitan-borough"
        );
        assert_eq!(CouncilSlug::from_name("—").as_str(), "council");
    }
}
