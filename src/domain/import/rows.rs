//! One row to import: where it came from, its organisation and its listing as form fields.

use std::collections::BTreeMap;

use crate::domain::categories::{CLIENT_GROUPS, CategoryNode, choosable};
use crate::domain::listings::form::ListingForm;

/// The organisation a row belongs to, as the source describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OrganisationIn {
    /// Its id in the source; rows sharing one share the organisation.
    pub source_id: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub phone: Option<String>,
    pub cqc_provider_id: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ImportRow {
    /// How the report names the row: "row 4" or "service 6b69…".
    pub label: String,
    pub source_id: String,
    pub organisation: OrganisationIn,
    pub form: ListingForm,
    /// Optional details the source gave that Kith could not keep (a phone that is not a
    /// number, a website without an address), said in the report; the row is imported
    /// without them rather than refused.
    pub left_out: Vec<String>,
}

/// A row the source itself could not give (bad JSON object, wrong number of columns…).
#[derive(Clone, Debug, PartialEq)]
pub struct BadRow {
    pub label: String,
    pub reason: String,
}

/// Everything read from a source, in the source's order.
#[derive(Default)]
pub struct Read {
    pub items: Vec<Result<ImportRow, BadRow>>,
}

/// Kith's words for things, to recognise them in other directories' data by slug or name.
pub struct Vocabulary {
    /// Lower-case slug or name → choosable category id.
    categories: BTreeMap<String, i64>,
    pub choosable: Vec<i64>,
}

impl Vocabulary {
    pub fn new(tree: &[CategoryNode]) -> Self {
        let choosable: Vec<i64> = choosable(tree).into_iter().map(|(id, _)| id).collect();
        let mut categories = BTreeMap::new();
        for node in tree {
            for c in std::iter::once(&node.category).chain(&node.children) {
                if choosable.contains(&c.id) {
                    categories.insert(c.slug.to_lowercase(), c.id);
                    categories.insert(c.name.trim().to_lowercase(), c.id);
                }
            }
        }
        Self {
            categories,
            choosable,
        }
    }

    /// A category id for a slug or name, if Kith has one by that name.
    pub fn category(&self, word: &str) -> Option<i64> {
        self.categories.get(&word.trim().to_lowercase()).copied()
    }

    /// A client group key for a key or label.
    pub fn client_group(word: &str) -> Option<&'static str> {
        let word = word.trim().to_lowercase();
        CLIENT_GROUPS
            .iter()
            .find(|(k, label)| *k == word || label.to_lowercase() == word)
            .map(|(k, _)| *k)
    }
}

/// "Monday", "MO", "mon" → "mon".
pub fn day_key(word: &str) -> Option<&'static str> {
    use crate::domain::listings::content::DAYS;
    const RRULE: [&str; 7] = ["mo", "tu", "we", "th", "fr", "sa", "su"];
    let word = word.trim().to_lowercase();
    DAYS.iter().enumerate().find_map(|(i, (key, name))| {
        (word == *key || word == RRULE[i] || word == name.to_lowercase()).then_some(*key)
    })
}
