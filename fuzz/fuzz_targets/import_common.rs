//! A small category tree, as the database would give it, for the import targets.

use chrono::{TimeZone, Utc};
use entity::categories;
use kith::domain::categories::CategoryNode;
use kith::domain::import::rows::Vocabulary;

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

pub fn vocabulary() -> Vocabulary {
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
