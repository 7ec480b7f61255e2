//! The service taxonomy: two levels of categories that admins add, rename and archive, and
//! the fixed list of client groups.

use chrono::Utc;
use entity::categories;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::validation::has_control_chars;

const MAX_NAME_CHARS: usize = 100;
const MAX_DESCRIPTION_CHARS: usize = 500;

/// Who a service is for (fixed: the council's client groups).
pub const CLIENT_GROUPS: [(&str, &str); 6] = [
    ("older_people", "Older people"),
    ("learning_disability", "People with a learning disability"),
    (
        "physical_sensory_disability",
        "People with a physical or sensory disability",
    ),
    ("mental_health", "People with mental health needs"),
    ("autism", "Autistic people"),
    ("carers", "Carers"),
];

#[derive(Debug, thiserror::Error)]
pub enum CategoryError {
    #[error("Category not found")]
    NotFound,
    #[error("Enter a name")]
    NameEmpty,
    #[error("Name must be 100 characters or fewer, without special characters")]
    NameInvalid,
    #[error("Description must be 500 characters or fewer, without special characters")]
    DescriptionInvalid,
    #[error("A category with this name already exists")]
    Duplicate,
    #[error("Choose a top-level category that is in use as the parent")]
    BadParent,
    #[error("Archive or move the kinds inside this category first")]
    HasActiveChildren,
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A top-level category with its kinds.
pub struct CategoryNode {
    pub category: categories::Model,
    pub children: Vec<categories::Model>,
}

pub async fn tree(
    db: &DatabaseConnection,
    include_archived: bool,
) -> Result<Vec<CategoryNode>, DbErr> {
    let mut query = categories::Entity::find()
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id);
    if !include_archived {
        query = query.filter(categories::Column::ArchivedAt.is_null());
    }
    let all = query.all(db).await?;
    let (tops, kids): (Vec<_>, Vec<_>) = all.into_iter().partition(|c| c.parent_id.is_none());
    Ok(tops
        .into_iter()
        .map(|category| {
            let children = kids
                .iter()
                .filter(|k| k.parent_id == Some(category.id))
                .cloned()
                .collect();
            CategoryNode { category, children }
        })
        .collect())
}

fn parse_name(raw: &str) -> Result<String, CategoryError> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        Err(CategoryError::NameEmpty)
    } else if name.chars().count() > MAX_NAME_CHARS || has_control_chars(&name) {
        Err(CategoryError::NameInvalid)
    } else {
        Ok(name)
    }
}

fn parse_description(raw: &str) -> Result<Option<String>, CategoryError> {
    let text = raw.trim();
    if text.chars().count() > MAX_DESCRIPTION_CHARS || has_control_chars(text) {
        return Err(CategoryError::DescriptionInvalid);
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// "Carers' breaks & respite" → "carers-breaks-respite".
/// Every category's name by id, archived ones included (old listings may use them).
pub async fn names(
    db: &DatabaseConnection,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    Ok(categories::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The categories a listing can be filed under: top-level ones without kinds, and the kinds.
/// Each as (id, label), in taxonomy order.
pub fn choosable(tree: &[CategoryNode]) -> Vec<(i64, String)> {
    tree.iter()
        .flat_map(|node| {
            if node.children.is_empty() {
                vec![(node.category.id, node.category.name.clone())]
            } else {
                node.children
                    .iter()
                    .map(|c| (c.id, c.name.clone()))
                    .collect()
            }
        })
        .collect()
}

pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '/' || c == '&')
            && !slug.ends_with('-')
            && !slug.is_empty()
        {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

async fn slug_taken(
    conn: &impl sea_orm::ConnectionTrait,
    slug: &str,
    except: Option<i64>,
) -> Result<bool, DbErr> {
    let mut query = categories::Entity::find().filter(categories::Column::Slug.eq(slug));
    if let Some(id) = except {
        query = query.filter(categories::Column::Id.ne(id));
    }
    Ok(query.count(conn).await? > 0)
}

pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    name: &str,
    parent_id: Option<i64>,
    description: &str,
) -> Result<i64, CategoryError> {
    let name = parse_name(name)?;
    let description = parse_description(description)?;
    let slug = slugify(&name);
    if slug.is_empty() {
        return Err(CategoryError::NameInvalid);
    }
    let txn = db.begin_write().await?;
    if let Some(parent_id) = parent_id {
        let parent = categories::Entity::find_by_id(parent_id).one(&txn).await?;
        if !parent.is_some_and(|p| p.parent_id.is_none() && p.archived_at.is_none()) {
            return Err(CategoryError::BadParent);
        }
    }
    if slug_taken(&txn, &slug, None).await? {
        return Err(CategoryError::Duplicate);
    }
    let siblings = categories::Entity::find()
        .filter(match parent_id {
            Some(p) => categories::Column::ParentId.eq(p),
            None => categories::Column::ParentId.is_null(),
        })
        .count(&txn)
        .await?;
    let created = categories::ActiveModel {
        parent_id: Set(parent_id),
        name: Set(name.clone()),
        slug: Set(slug),
        description: Set(description),
        position: Set(i32::try_from(siblings).unwrap_or(i32::MAX)),
        archived_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::CategoryCreated, "category", created.id).to(name),
    )
    .await?;
    txn.commit().await?;
    Ok(created.id)
}

pub async fn get(db: &DatabaseConnection, id: i64) -> Result<categories::Model, CategoryError> {
    categories::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(CategoryError::NotFound)
}

/// Renames (the slug stays, so links and imports keep working) and re-describes.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    name: &str,
    description: &str,
) -> Result<(), CategoryError> {
    let name = parse_name(name)?;
    let description = parse_description(description)?;
    let txn = db.begin_write().await?;
    let category = categories::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(CategoryError::NotFound)?;
    let duplicate = categories::Entity::find()
        .filter(categories::Column::Name.eq(name.as_str()))
        .filter(categories::Column::Id.ne(id))
        .count(&txn)
        .await?;
    if duplicate > 0 || slug_taken(&txn, &slugify(&name), Some(id)).await? {
        return Err(CategoryError::Duplicate);
    }
    let before = category.name.clone();
    let mut active: categories::ActiveModel = category.into();
    active.name = Set(name.clone());
    active.description = Set(description);
    active.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::CategoryUpdated, "category", id)
            .from(before)
            .to(name),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub async fn set_archived(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i64,
    archived: bool,
) -> Result<(), CategoryError> {
    let txn = db.begin_write().await?;
    let category = categories::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(CategoryError::NotFound)?;
    if category.archived_at.is_some() == archived {
        return Ok(());
    }
    if archived {
        let active_children = categories::Entity::find()
            .filter(categories::Column::ParentId.eq(id))
            .filter(categories::Column::ArchivedAt.is_null())
            .count(&txn)
            .await?;
        if active_children > 0 {
            return Err(CategoryError::HasActiveChildren);
        }
    } else if let Some(parent_id) = category.parent_id {
        let parent = categories::Entity::find_by_id(parent_id).one(&txn).await?;
        if parent.is_some_and(|p| p.archived_at.is_some()) {
            return Err(CategoryError::BadParent);
        }
    }
    let mut active: categories::ActiveModel = category.into();
    active.archived_at = Set(archived.then(Utc::now));
    active.update(&txn).await?;
    let (from, to) = if archived {
        ("in use", "archived")
    } else {
        ("archived", "in use")
    };
    audit::record(
        &txn,
        actor,
        Event::new(Action::CategoryStatusChanged, "category", id)
            .from(from)
            .to(to),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_plain() {
        assert_eq!(slugify("Carers' breaks & respite"), "carers-breaks-respite");
        assert_eq!(slugify("  Équipement / AT "), "équipement-at");
        assert_eq!(slugify("!!!"), "");
    }
}
