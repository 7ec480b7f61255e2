//! Provider profiles: description, contact details, address (never shown for personal
//! assistants), areas served and logo; and invitations that add a member to an organisation.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ProviderOrganisations {
    Table,
    Description,
    ContactEmail,
    ContactPhone,
    Website,
    Address,
    Postcode,
    AreasServed,
    LogoFile,
    LogoThumbnail,
    LogoAlt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    OrganisationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        let columns = [
            text_null(ProviderOrganisations::Description),
            string_len_null(ProviderOrganisations::ContactEmail, 320),
            string_len_null(ProviderOrganisations::ContactPhone, 40),
            string_len_null(ProviderOrganisations::Website, 300),
            text_null(ProviderOrganisations::Address),
            string_len_null(ProviderOrganisations::Postcode, 10),
            text_null(ProviderOrganisations::AreasServed),
            string_len_null(ProviderOrganisations::LogoFile, 80),
            string_len_null(ProviderOrganisations::LogoThumbnail, 80),
            string_len_null(ProviderOrganisations::LogoAlt, 300),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(ProviderOrganisations::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(big_integer_null(Invitations::OrganisationId))
                    .to_owned(),
            )
            .await
    }
}
