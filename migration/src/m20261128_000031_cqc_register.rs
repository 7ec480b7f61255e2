//! Registered care as CQC describes it:
//!
//! - `cqc_locations`: what the latest import of CQC's register said of each location Kith
//!   cares about (those of its listings, of providers it knows, and in the council's area):
//!   rating, beds, care home or not, service types;
//! - `cqc_imports`: each import of the register, who ran it and what it found;
//! - `cqc_changes`: what changed since the last import, waiting for an admin (a rating gone
//!   down or inadequate, a location deregistered or dormant, a provider's new location);
//! - the "Care homes" type of support, with residential, nursing, dementia and respite stays.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CqcLocations {
    Table,
    LocationId,
    Name,
    ProviderId,
    ProviderName,
    Postcode,
    Street,
    Town,
    Phone,
    Website,
    LocalAuthority,
    LocationType,
    InspectionCategory,
    CareHome,
    Beds,
    OverallRating,
    PublishedOn,
    Inherited,
    Dormant,
    RegisteredOn,
    Safe,
    Effective,
    Caring,
    Responsive,
    WellLed,
    ServiceTypes,
    UserBands,
    RegulatedActivities,
    LastImportId,
    RemovedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CqcImports {
    Table,
    Id,
    FileName,
    ImportedByUserId,
    RowsRead,
    LocationsKept,
    ListingsMatched,
    ChangesQueued,
    ProvidersKnown,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CqcChanges {
    Table,
    Id,
    ImportId,
    LocationId,
    Kind,
    FromRating,
    ToRating,
    CreatedAt,
    ResolvedAt,
    ResolvedByUserId,
    Resolution,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    Description,
    Position,
    CreatedAt,
}

const CARE_HOMES: (&str, &str, &str) = (
    "Care homes",
    "care-homes",
    "Homes where people live and are cared for: residential, nursing, dementia care and short stays",
);

const CARE_HOME_KINDS: [(&str, &str); 4] = [
    ("Residential care", "care-homes-residential"),
    ("Nursing care", "care-homes-nursing"),
    ("Dementia care", "care-homes-dementia"),
    ("Respite stays in a care home", "care-homes-respite"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CqcImports::Table)
                    .col(big_pk_auto(CqcImports::Id))
                    .col(string_len(CqcImports::FileName, 200))
                    .col(big_integer_null(CqcImports::ImportedByUserId))
                    .col(big_integer(CqcImports::RowsRead))
                    .col(big_integer(CqcImports::LocationsKept))
                    .col(big_integer(CqcImports::ListingsMatched))
                    .col(big_integer(CqcImports::ChangesQueued))
                    .col(text(CqcImports::ProvidersKnown))
                    .col(timestamp_with_time_zone(CqcImports::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CqcImports::Table, CqcImports::ImportedByUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CqcLocations::Table)
                    .col(string_len(CqcLocations::LocationId, 20).primary_key())
                    .col(string_len(CqcLocations::Name, 300))
                    .col(string_len(CqcLocations::ProviderId, 20))
                    .col(string_len(CqcLocations::ProviderName, 300))
                    .col(string_len(CqcLocations::Postcode, 10))
                    .col(string_len_null(CqcLocations::Street, 300))
                    .col(string_len_null(CqcLocations::Town, 300))
                    .col(string_len_null(CqcLocations::Phone, 300))
                    .col(string_len_null(CqcLocations::Website, 300))
                    .col(string_len(CqcLocations::LocalAuthority, 100))
                    .col(string_len(CqcLocations::LocationType, 100))
                    .col(string_len(CqcLocations::InspectionCategory, 150))
                    .col(boolean(CqcLocations::CareHome))
                    .col(integer_null(CqcLocations::Beds))
                    .col(string_len_null(CqcLocations::OverallRating, 30))
                    .col(date_null(CqcLocations::PublishedOn))
                    .col(boolean(CqcLocations::Inherited))
                    .col(boolean(CqcLocations::Dormant))
                    .col(date_null(CqcLocations::RegisteredOn))
                    .col(string_len_null(CqcLocations::Safe, 30))
                    .col(string_len_null(CqcLocations::Effective, 30))
                    .col(string_len_null(CqcLocations::Caring, 30))
                    .col(string_len_null(CqcLocations::Responsive, 30))
                    .col(string_len_null(CqcLocations::WellLed, 30))
                    .col(text(CqcLocations::ServiceTypes))
                    .col(text(CqcLocations::UserBands))
                    .col(text(CqcLocations::RegulatedActivities))
                    .col(big_integer(CqcLocations::LastImportId))
                    .col(timestamp_with_time_zone_null(CqcLocations::RemovedAt))
                    .col(timestamp_with_time_zone(CqcLocations::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cqc_locations_provider")
                    .table(CqcLocations::Table)
                    .col(CqcLocations::ProviderId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CqcChanges::Table)
                    .col(big_pk_auto(CqcChanges::Id))
                    .col(big_integer(CqcChanges::ImportId))
                    .col(string_len(CqcChanges::LocationId, 20))
                    .col(string_len(CqcChanges::Kind, 30))
                    .col(string_len_null(CqcChanges::FromRating, 30))
                    .col(string_len_null(CqcChanges::ToRating, 30))
                    .col(timestamp_with_time_zone(CqcChanges::CreatedAt))
                    .col(timestamp_with_time_zone_null(CqcChanges::ResolvedAt))
                    .col(big_integer_null(CqcChanges::ResolvedByUserId))
                    .col(string_len_null(CqcChanges::Resolution, 30))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CqcChanges::Table, CqcChanges::ImportId)
                            .to(CqcImports::Table, CqcImports::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CqcChanges::Table, CqcChanges::ResolvedByUserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_cqc_changes_open")
                    .table(CqcChanges::Table)
                    .col(CqcChanges::ResolvedAt)
                    .col(CqcChanges::Id)
                    .to_owned(),
            )
            .await?;
        seed_care_homes(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CqcChanges::Table.into_iden(),
            CqcLocations::Table.into_iden(),
            CqcImports::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The id of the category with this slug, if there is one.
async fn category_id(manager: &SchemaManager<'_>, slug: &str) -> Result<Option<i64>, DbErr> {
    let db = manager.get_connection();
    let select = Query::select()
        .column(Categories::Id)
        .from(Categories::Table)
        .and_where(Expr::col(Categories::Slug).eq(slug))
        .to_owned();
    let row = db.query_one(&select).await?;
    row.map(|r| r.try_get::<i64>("", "id")).transpose()
}

/// Adds "Care homes" and its kinds, keeping any an admin already made under those slugs (a
/// council that imported real homes may have added "Care homes" by hand).
async fn seed_care_homes(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let now = Expr::current_timestamp();
    let (name, slug, description) = CARE_HOMES;
    let parent = match category_id(manager, slug).await? {
        Some(id) => id,
        None => {
            let position = Query::select()
                .expr_as(Expr::col(Categories::Position).max(), Alias::new("last"))
                .from(Categories::Table)
                .and_where(Expr::col(Categories::ParentId).is_null())
                .to_owned();
            let last = db
                .query_one(&position)
                .await?
                .and_then(|r| r.try_get::<Option<i32>>("", "last").ok().flatten())
                .unwrap_or(0);
            let insert = Query::insert()
                .into_table(Categories::Table)
                .columns([
                    Categories::Name,
                    Categories::Slug,
                    Categories::Description,
                    Categories::Position,
                    Categories::CreatedAt,
                ])
                .values_panic([
                    name.into(),
                    slug.into(),
                    description.into(),
                    (last + 1).into(),
                    now.clone(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
            category_id(manager, slug)
                .await?
                .ok_or_else(|| DbErr::Custom("the care homes category was not saved".into()))?
        }
    };
    for (position, (name, slug)) in CARE_HOME_KINDS.iter().enumerate() {
        if category_id(manager, slug).await?.is_some() {
            continue;
        }
        let insert = Query::insert()
            .into_table(Categories::Table)
            .columns([
                Categories::ParentId,
                Categories::Name,
                Categories::Slug,
                Categories::Position,
                Categories::CreatedAt,
            ])
            .values_panic([
                parent.into(),
                (*name).into(),
                (*slug).into(),
                (position as i32 + 1).into(),
                now.clone(),
            ])
            .to_owned();
        manager.exec_stmt(insert).await?;
    }
    Ok(())
}
