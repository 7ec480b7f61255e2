//! Optional photos a checker attaches to an inspection (kept private unless marked for the
//! public report), and when a checker was reminded that an accepted check is nearly due.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Inspections {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InspectionPhotos {
    Table,
    Id,
    InspectionId,
    File,
    Thumbnail,
    Alt,
    Public,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckerAssignments {
    Table,
    RemindedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InspectionPhotos::Table)
                    .col(big_pk_auto(InspectionPhotos::Id))
                    .col(big_integer(InspectionPhotos::InspectionId))
                    .col(string_len(InspectionPhotos::File, 80))
                    .col(string_len(InspectionPhotos::Thumbnail, 80))
                    .col(string_len(InspectionPhotos::Alt, 300))
                    .col(boolean(InspectionPhotos::Public))
                    .col(timestamp_with_time_zone(InspectionPhotos::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(InspectionPhotos::Table, InspectionPhotos::InspectionId)
                            .to(Inspections::Table, Inspections::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_inspection_photos_inspection")
                    .table(InspectionPhotos::Table)
                    .col(InspectionPhotos::InspectionId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(CheckerAssignments::Table)
                    .add_column(timestamp_with_time_zone_null(
                        CheckerAssignments::RemindedAt,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
