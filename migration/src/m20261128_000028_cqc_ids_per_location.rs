//! CQC ids where they belong. The id an organisation gave was one CQC *location* id for the
//! whole provider, so a provider with five homes linked all five to one home's CQC page.
//! Each listing now carries its own location's id in its content, and the organisation the
//! CQC *provider* id, which nobody has given yet. An organisation with one listing gives
//! that listing its id (in every revision, so nothing approved changes); for one with
//! several, which home the id was is not known, so no listing is given it and the audit
//! log keeps it, for the council to ask the provider.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Id,
    CqcLocationId,
    CqcProviderId,
}

#[derive(DeriveIden)]
enum Listings {
    Table,
    Id,
    OrganisationId,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    OccurredAt,
    Action,
    SubjectType,
    SubjectId,
    Detail,
}

#[derive(DeriveIden)]
enum ListingRevisions {
    Table,
    Id,
    ListingId,
    Content,
}

/// The content with the location id set, unless it already names one.
fn with_location(content: &str, location_id: &str) -> Option<String> {
    let mut value: serde_json::Value = serde_json::from_str(content).ok()?;
    let map = value.as_object_mut()?;
    if map.get("cqc_location_id").is_some_and(|v| !v.is_null()) {
        return None;
    }
    map.insert("cqc_location_id".into(), location_id.into());
    serde_json::to_string(&value).ok()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A run that stopped part-way (SQLite runs no migration in one transaction) resumes.
        if !manager
            .has_column("provider_organisations", "cqc_provider_id")
            .await?
        {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProviderOrganisations::Table)
                        .add_column(string_null(ProviderOrganisations::CqcProviderId))
                        .to_owned(),
                )
                .await?;
        }
        if !manager
            .has_column("provider_organisations", "cqc_location_id")
            .await?
        {
            return Ok(());
        }
        let db = manager.get_connection();
        // Organisations with an id, and how many listings each has.
        let given = Query::select()
            .column((ProviderOrganisations::Table, ProviderOrganisations::Id))
            .column((
                ProviderOrganisations::Table,
                ProviderOrganisations::CqcLocationId,
            ))
            .expr_as(
                Expr::col((Listings::Table, Listings::Id)).count(),
                Alias::new("listings"),
            )
            .from(ProviderOrganisations::Table)
            .left_join(
                Listings::Table,
                Expr::col((Listings::Table, Listings::OrganisationId))
                    .equals((ProviderOrganisations::Table, ProviderOrganisations::Id)),
            )
            .and_where(
                Expr::col((
                    ProviderOrganisations::Table,
                    ProviderOrganisations::CqcLocationId,
                ))
                .is_not_null(),
            )
            .group_by_col((ProviderOrganisations::Table, ProviderOrganisations::Id))
            .group_by_col((
                ProviderOrganisations::Table,
                ProviderOrganisations::CqcLocationId,
            ))
            .to_owned();
        let mut single = Vec::new();
        for row in db.query_all(&given).await? {
            let id: i64 = row.try_get("", "id")?;
            let location: String = row.try_get("", "cqc_location_id")?;
            let listings: i64 = row.try_get("", "listings")?;
            if listings == 1 {
                single.push(id);
                continue;
            }
            db.execute(
                &Query::insert()
                    .into_table(AuditLog::Table)
                    .columns([
                        AuditLog::OccurredAt,
                        AuditLog::Action,
                        AuditLog::SubjectType,
                        AuditLog::SubjectId,
                        AuditLog::Detail,
                    ])
                    .values_panic([
                        Expr::current_timestamp(),
                        "organisation.cqc_location_id_unplaced".into(),
                        "provider_organisation".into(),
                        id.to_string().into(),
                        format!(
                            "CQC location ID {location} was given for the whole organisation, which has {listings} listings: not given to any of them; ask the provider for each listing's own"
                        )
                        .into(),
                    ])
                    .to_owned(),
            )
            .await?;
        }
        let revisions = Query::select()
            .column((ListingRevisions::Table, ListingRevisions::Id))
            .column((ListingRevisions::Table, ListingRevisions::Content))
            .column((
                ProviderOrganisations::Table,
                ProviderOrganisations::CqcLocationId,
            ))
            .from(ListingRevisions::Table)
            .inner_join(
                Listings::Table,
                Expr::col((Listings::Table, Listings::Id))
                    .equals((ListingRevisions::Table, ListingRevisions::ListingId)),
            )
            .inner_join(
                ProviderOrganisations::Table,
                Expr::col((ProviderOrganisations::Table, ProviderOrganisations::Id))
                    .equals((Listings::Table, Listings::OrganisationId)),
            )
            .and_where(
                Expr::col((ProviderOrganisations::Table, ProviderOrganisations::Id)).is_in(single),
            )
            .to_owned();
        for row in db.query_all(&revisions).await? {
            let id: i64 = row.try_get("", "id")?;
            let content: String = row.try_get("", "content")?;
            let location: String = row.try_get("", "cqc_location_id")?;
            if let Some(content) = with_location(&content, &location) {
                db.execute(
                    &Query::update()
                        .table(ListingRevisions::Table)
                        .value(ListingRevisions::Content, content)
                        .and_where(Expr::col(ListingRevisions::Id).eq(id))
                        .to_owned(),
                )
                .await?;
            }
        }
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderOrganisations::Table)
                    .drop_column(ProviderOrganisations::CqcLocationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderOrganisations::Table)
                    .add_column(string_null(ProviderOrganisations::CqcLocationId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ProviderOrganisations::Table)
                    .drop_column(ProviderOrganisations::CqcProviderId)
                    .to_owned(),
            )
            .await
    }
}
