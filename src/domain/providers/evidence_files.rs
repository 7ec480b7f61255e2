//! Evidence documents: a provider's members upload them against an evidence kind; only those
//! members and the council's admins can open them. Every upload and removal is audited.

use crate::stored_files::{Released, Store};
use chrono::Utc;
use entity::provider_evidence_files as files;
use entity::provider_organisations::OrganisationId;
use entity::users::UserId;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    ModelTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::documents::StoredDocument;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::providers::evidence::EvidenceKind;
use crate::domain::providers::organisations::{self, OrganisationError};
use crate::domain::validation::has_control_chars;

/// Most documents one organisation may hold.
pub const MAX_FILES_PER_ORGANISATION: u64 = 40;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceFileError {
    #[error("Document not found")]
    NotFound,
    #[error("You have uploaded 40 documents. Remove some you no longer need first.")]
    TooMany,
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl From<OrganisationError> for EvidenceFileError {
    fn from(err: OrganisationError) -> Self {
        match err {
            OrganisationError::Db(db) => Self::Db(db),
            _ => Self::NotFound,
        }
    }
}

/// The name shown for an upload: the last path part, printable, at most 200 characters.
pub fn display_name(original: &str) -> String {
    let base = original.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let name: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if name.is_empty() || has_control_chars(&name) {
        "document".to_owned()
    } else {
        name
    }
}

pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    organisation_id: OrganisationId,
    user_id: UserId,
    kind: EvidenceKind,
    original_name: &str,
    stored: &StoredDocument,
) -> Result<i64, EvidenceFileError> {
    let txn = db.begin_write().await?;
    organisations::as_member(&txn, organisation_id, user_id).await?;
    let held = files::Entity::find()
        .filter(files::Column::OrganisationId.eq(organisation_id))
        .count(&txn)
        .await?;
    if held >= MAX_FILES_PER_ORGANISATION {
        return Err(EvidenceFileError::TooMany);
    }
    let file = files::ActiveModel {
        organisation_id: Set(organisation_id),
        kind: Set(kind),
        stored_name: Set(stored.stored_name.clone()),
        original_name: Set(display_name(original_name)),
        content_type: Set(stored.content_type.to_owned()),
        size_bytes: Set(i64::try_from(stored.size_bytes).unwrap_or(i64::MAX)),
        uploaded_by: Set(Some(user_id)),
        uploaded_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::EvidenceFileAdded,
            "provider_organisation",
            organisation_id,
        )
        .detail(format!("file {} ({})", file.id, kind.as_str())),
    )
    .await?;
    txn.commit().await?;
    Ok(file.id)
}

pub async fn of_organisation(
    db: &DatabaseConnection,
    organisation_id: OrganisationId,
) -> Result<Vec<files::Model>, DbErr> {
    files::Entity::find()
        .filter(files::Column::OrganisationId.eq(organisation_id))
        .order_by_asc(files::Column::Id)
        .all(db)
        .await
}

/// The document, if `user_id` may open it: a member of its organisation, or an admin.
pub async fn for_reader(
    db: &DatabaseConnection,
    file_id: i64,
    user_id: UserId,
    is_admin: bool,
) -> Result<files::Model, EvidenceFileError> {
    let file = files::Entity::find_by_id(file_id)
        .one(db)
        .await?
        .ok_or(EvidenceFileError::NotFound)?;
    if !is_admin {
        organisations::as_member(db, file.organisation_id, user_id).await?;
    }
    Ok(file)
}

/// Removes a document from the organisation (a member only). Returns the organisation id
/// and the stored file, to delete once nothing else refers to it.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    file_id: i64,
    user_id: UserId,
) -> Result<(OrganisationId, Released), EvidenceFileError> {
    let txn = db.begin_write().await?;
    let file = files::Entity::find_by_id(file_id)
        .one(&txn)
        .await?
        .ok_or(EvidenceFileError::NotFound)?;
    organisations::as_member(&txn, file.organisation_id, user_id).await?;
    let organisation_id = file.organisation_id;
    let detail = format!("file {} ({})", file.id, file.kind.as_str());
    let released = Released::one(Store::Documents, file.stored_name.clone());
    file.delete(&txn).await?;
    audit::record(
        &txn,
        actor,
        Event::new(
            Action::EvidenceFileRemoved,
            "provider_organisation",
            organisation_id,
        )
        .detail(detail),
    )
    .await?;
    txn.commit().await?;
    Ok((organisation_id, released))
}
