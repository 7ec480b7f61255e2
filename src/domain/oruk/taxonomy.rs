//! Kith's two vocabularies as ORUK taxonomies: the council's types of support (categories,
//! two levels) and who a service is for (client groups).

use std::collections::BTreeMap;

use entity::categories;
use entity::provider_organisations::ProviderKind;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder};

use super::ids::{self, Kind};
use super::model::{Taxonomy, TaxonomyTerm};
use crate::domain::categories::CLIENT_GROUPS;
use crate::domain::providers::organisations::ORGANISATION_KINDS;
use crate::domain::search::documents::path_of;
use crate::paths;

pub const TYPES_OF_SUPPORT: i64 = 1;
pub const WHO_FOR: i64 = 2;
pub const PROVIDER_KINDS: i64 = 3;
/// The sub-numbers that tell client groups' and provider kinds' terms from categories'.
const CLIENT_GROUP_SUB: u16 = 1;
const PROVIDER_KIND_SUB: u16 = 2;

/// Every term of Kith's taxonomies, by ORUK id; categories include archived ones so old
/// links still resolve.
#[derive(Default)]
pub struct Terms {
    pub by_id: BTreeMap<String, TaxonomyTerm>,
    /// Kith category id → ORUK term id.
    pub of_category: BTreeMap<i64, String>,
    /// Category id → "parent/child" path, for search filters.
    pub paths: BTreeMap<i64, String>,
}

pub fn taxonomy_id(n: i64) -> String {
    ids::id(Kind::Taxonomy, n, 0)
}

pub fn category_term_id(category: i64) -> String {
    ids::id(Kind::TaxonomyTerm, category, 0)
}

pub fn client_group_term_id(key: &str) -> Option<String> {
    let i = CLIENT_GROUPS.iter().position(|(k, _)| *k == key)?;
    Some(ids::id(Kind::TaxonomyTerm, i as i64 + 1, CLIENT_GROUP_SUB))
}

pub fn provider_kind_term_id(kind: ProviderKind) -> Option<String> {
    let i = ORGANISATION_KINDS.iter().position(|(k, _, _)| *k == kind)?;
    Some(ids::id(Kind::TaxonomyTerm, i as i64 + 1, PROVIDER_KIND_SUB))
}

/// What an ORUK term id filters on: a category id or a client group key.
pub enum TermRef {
    Category(i64),
    ClientGroup(&'static str),
    ProviderKind(&'static str),
}

pub fn parse_term(id: &str) -> Option<TermRef> {
    match ids::parse(Kind::TaxonomyTerm, id)? {
        (n, 0) => Some(TermRef::Category(n)),
        (n, CLIENT_GROUP_SUB) => CLIENT_GROUPS
            .get(usize::try_from(n - 1).ok()?)
            .map(|(k, _)| TermRef::ClientGroup(k)),
        (n, PROVIDER_KIND_SUB) => ORGANISATION_KINDS
            .get(usize::try_from(n - 1).ok()?)
            .map(|(k, _, _)| TermRef::ProviderKind(k.as_str())),
        _ => None,
    }
}

pub fn parse_taxonomy(id: &str) -> Option<i64> {
    match ids::parse(Kind::Taxonomy, id)? {
        (n @ (TYPES_OF_SUPPORT | WHO_FOR | PROVIDER_KINDS), 0) => Some(n),
        _ => None,
    }
}

pub async fn load(conn: &impl ConnectionTrait, base_url: &str) -> Result<Terms, DbErr> {
    let all = categories::Entity::find()
        .order_by_asc(categories::Column::Position)
        .order_by_asc(categories::Column::Id)
        .all(conn)
        .await?;
    let slugs: BTreeMap<i64, String> = all.iter().map(|c| (c.id, c.slug.clone())).collect();
    let mut terms = Terms::default();
    for c in &all {
        let id = category_term_id(c.id);
        let path = path_of(c, c.parent_id.and_then(|p| slugs.get(&p)));
        terms.by_id.insert(
            id.clone(),
            TaxonomyTerm {
                id: id.clone(),
                name: c.name.clone(),
                description: c.description.clone().unwrap_or_else(|| c.name.clone()),
                parent_id: c.parent_id.map(category_term_id),
                taxonomy: Some("Kith types of support".into()),
                taxonomy_id: Some(taxonomy_id(TYPES_OF_SUPPORT)),
                term_uri: Some(format!("{base_url}{}?category={path}", paths::search())),
                term: Some(c.slug.clone()),
            },
        );
        terms.of_category.insert(c.id, id);
        terms.paths.insert(c.id, path);
    }
    for (key, label) in CLIENT_GROUPS {
        let id = client_group_term_id(key).unwrap_or_default();
        terms.by_id.insert(
            id.clone(),
            TaxonomyTerm {
                id,
                name: label.to_owned(),
                description: format!("Services for {}", label.to_lowercase()),
                parent_id: None,
                taxonomy: Some("Kith who it is for".into()),
                taxonomy_id: Some(taxonomy_id(WHO_FOR)),
                term_uri: Some(format!("{base_url}{}?client_group={key}", paths::search())),
                term: Some(key.to_owned()),
            },
        );
    }
    for (key, label, description) in ORGANISATION_KINDS {
        let id = provider_kind_term_id(key).unwrap_or_default();
        terms.by_id.insert(
            id.clone(),
            TaxonomyTerm {
                id,
                name: label.to_owned(),
                description: description.to_owned(),
                parent_id: None,
                taxonomy: Some("Kith kind of provider".into()),
                taxonomy_id: Some(taxonomy_id(PROVIDER_KINDS)),
                term_uri: Some(format!(
                    "{base_url}{}?kind={}",
                    paths::search(),
                    key.as_str()
                )),
                term: Some(key.as_str().to_owned()),
            },
        );
    }
    Ok(terms)
}

/// The two taxonomies, each with its terms.
pub fn taxonomies(terms: &Terms, base_url: &str) -> Vec<Taxonomy> {
    [
        (
            TYPES_OF_SUPPORT,
            "Kith types of support",
            "The council's types of care and support, in two levels",
        ),
        (
            WHO_FOR,
            "Kith who it is for",
            "The groups of people a service is meant for",
        ),
        (
            PROVIDER_KINDS,
            "Kith kind of provider",
            "What kind of organisation or person provides a service",
        ),
    ]
    .into_iter()
    .map(|(n, name, description)| {
        let id = taxonomy_id(n);
        Taxonomy {
            taxonomy_terms: Some(
                terms
                    .by_id
                    .values()
                    .filter(|t| t.taxonomy_id.as_deref() == Some(id.as_str()))
                    .cloned()
                    .collect(),
            ),
            id,
            name: name.to_owned(),
            description: description.to_owned(),
            uri: Some(format!(
                "{base_url}{}",
                paths::openreferral_taxonomy(&taxonomy_id(n))
            )),
            version: Some("1".to_owned()),
        }
    })
    .collect()
}
