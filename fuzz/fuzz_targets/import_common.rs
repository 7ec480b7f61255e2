//! What the import targets share: a small category tree, as the database would give it,
//! and the checks on whatever an importer read.

use chrono::{TimeZone, Utc};
use entity::categories;
use kith::domain::categories::CategoryNode;
use kith::domain::import::apply;
use kith::domain::import::rows::{Read, Vocabulary};

fn category(id: i64, parent_id: Option<i64>, name: &str, slug: &str) -> categories::Model {
    categories::Model {
        id,
        parent_id,
        name: name.into(),
        slug: slug.into(),
        description: None,
        position: id as i32,
        archived_at: None,
        created_at: Utc.timestamp_opt(1_790_000_000, 0).unwrap(),
    }
}

/// Built once: every input is read with the same words.
pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
    VOCABULARY.get_or_init(build)
}

fn build() -> Vocabulary {
    Vocabulary::new(&[
        CategoryNode {
            category: category(1, None, "Help at home", "help-at-home"),
            children: vec![
                category(2, Some(1), "Domestic help", "domestic"),
                category(3, Some(1), "Personal care", "personal-care"),
            ],
        },
        CategoryNode {
            category: category(4, None, "Meals and food", "meals"),
            children: Vec::new(),
        },
        CategoryNode {
            category: category(5, None, "Day support", "day-support"),
            children: Vec::new(),
        },
    ])
}

/// A source either gives rows or says what is wrong with it; a row it could not give says
/// why, and every row it gave passes the importer's checks or is refused with a reason.
pub fn check_read(read: Result<Read, String>) {
    match read {
        Err(message) => assert!(!message.is_empty()),
        Ok(read) => {
            for item in read.items {
                match item {
                    Err(bad) => assert!(!bad.reason.is_empty() && !bad.label.is_empty()),
                    Ok(row) => {
                        if let Err(reason) = apply::check(&row, vocabulary()) {
                            assert!(!reason.is_empty());
                        }
                    }
                }
            }
        }
    }
}
