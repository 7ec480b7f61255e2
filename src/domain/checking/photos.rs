//! Photos a checker takes on a quality check. They are optional, follow the listing photo
//! rules (checked, cleaned, described), and are kept out of the public media folder: the
//! checker and the admins see them all; everyone else sees only those the checker marked for
//! the public report, once the report is published and the listing is public (its provider
//! also while it is suspended).

use crate::stored_files::{Released, Store};
use chrono::Utc;
use entity::inspections::InspectionStatus;
use entity::users::UserId;
use entity::{inspection_photos, inspections};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::db::BeginWrite;
use crate::domain::audit::{self, Action, Actor, Event};
use crate::domain::checking::inspections::{InspectionError, of_checker};
use crate::domain::{listings, providers::organisations};

pub const MAX_PHOTOS: u64 = 6;

/// A cleaned, stored picture ready to attach.
pub struct NewPhoto {
    pub file: String,
    pub thumbnail: String,
    pub alt: String,
    pub public: bool,
}

/// Who is asking to see a photo.
pub struct Viewer {
    pub user_id: UserId,
    /// The council whose admin they are, if they are one where they asked.
    pub admin_of: Option<entity::councils::CouncilId>,
}

fn editable(model: &inspections::Model) -> Result<(), InspectionError> {
    if model.status == InspectionStatus::Draft || model.status == InspectionStatus::Returned {
        Ok(())
    } else {
        Err(InspectionError::Closed)
    }
}

pub async fn of_inspection(
    db: &DatabaseConnection,
    inspection_id: i64,
) -> Result<Vec<inspection_photos::Model>, InspectionError> {
    Ok(inspection_photos::Entity::find()
        .filter(inspection_photos::Column::InspectionId.eq(inspection_id))
        .order_by_asc(inspection_photos::Column::Id)
        .all(db)
        .await?)
}

/// Attaches a photo to the checker's own draft (or returned) inspection.
/// Refuses before an upload is decoded when the inspection has all its photos (`add` checks
/// again inside its transaction).
pub async fn has_room_for_a_photo(
    db: &DatabaseConnection,
    inspection_id: i64,
) -> Result<(), InspectionError> {
    let count = inspection_photos::Entity::find()
        .filter(inspection_photos::Column::InspectionId.eq(inspection_id))
        .count(db)
        .await?;
    if count >= MAX_PHOTOS {
        return Err(InspectionError::TooManyPhotos);
    }
    Ok(())
}

pub async fn add(
    db: &DatabaseConnection,
    actor: &Actor,
    inspection_id: i64,
    checker_user_id: UserId,
    photo: NewPhoto,
) -> Result<(), InspectionError> {
    let model = of_checker(db, inspection_id, checker_user_id).await?;
    editable(&model)?;
    let txn = db.begin_write().await?;
    let count = inspection_photos::Entity::find()
        .filter(inspection_photos::Column::InspectionId.eq(inspection_id))
        .count(&txn)
        .await?;
    if count >= MAX_PHOTOS {
        return Err(InspectionError::TooManyPhotos);
    }
    let row = inspection_photos::ActiveModel {
        inspection_id: Set(inspection_id),
        file: Set(photo.file),
        thumbnail: Set(photo.thumbnail),
        alt: Set(photo.alt),
        public: Set(photo.public),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionPhotoAdded, "inspection", inspection_id).detail(format!(
            "photo {} ({})",
            row.id,
            if row.public { "public" } else { "private" }
        )),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Removes a photo from the checker's own draft (or returned) inspection.
pub async fn remove(
    db: &DatabaseConnection,
    actor: &Actor,
    inspection_id: i64,
    photo_id: i64,
    checker_user_id: UserId,
) -> Result<Released, InspectionError> {
    let model = of_checker(db, inspection_id, checker_user_id).await?;
    editable(&model)?;
    let txn = db.begin_write().await?;
    let photo = inspection_photos::Entity::find_by_id(photo_id)
        .filter(inspection_photos::Column::InspectionId.eq(inspection_id))
        .one(&txn)
        .await?
        .ok_or(InspectionError::NotFound)?;
    let mut released = Released::one(Store::InspectionMedia, photo.file.clone());
    released.add(Store::InspectionMedia, photo.thumbnail.clone());
    inspection_photos::Entity::delete_by_id(photo.id)
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        actor,
        Event::new(Action::InspectionPhotoRemoved, "inspection", inspection_id)
            .detail(format!("photo {photo_id}")),
    )
    .await?;
    txn.commit().await?;
    Ok(released)
}

/// The photo if this viewer may see it; otherwise "not found", so nothing leaks.
pub async fn readable(
    db: &DatabaseConnection,
    photo_id: i64,
    viewer: Option<&Viewer>,
) -> Result<inspection_photos::Model, InspectionError> {
    let photo = inspection_photos::Entity::find_by_id(photo_id)
        .one(db)
        .await?
        .ok_or(InspectionError::NotFound)?;
    let inspection = inspections::Entity::find_by_id(photo.inspection_id)
        .one(db)
        .await?
        .ok_or(InspectionError::NotFound)?;
    if let Some(v) = viewer
        && (v.admin_of == Some(inspection.council_id) || v.user_id == inspection.checker_user_id)
    {
        return Ok(photo);
    }
    if !photo.public || inspection.status != InspectionStatus::Published {
        return Err(InspectionError::NotFound);
    }
    if listings::public_listing(db, inspection.listing_id)
        .await?
        .is_some()
    {
        return Ok(photo);
    }
    match viewer {
        Some(v)
            if organisations::as_member(db, inspection.organisation_id, v.user_id)
                .await
                .is_ok() =>
        {
            Ok(photo)
        }
        _ => Err(InspectionError::NotFound),
    }
}
