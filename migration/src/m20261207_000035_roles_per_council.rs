//! Roles are granted per council: an administrator of one council is not one of another.
//! Every grant names its council (a provider's and a deployment administrator's hold in
//! every council whichever council granted them, which the code knows by role), and so does
//! every invitation, and every account belongs to a council (where it registered, or was
//! invited to), and so does every published points table (each council has its own). What
//! was made before there were councils belongs to the first council.

use sea_orm_migration::{prelude::*, schema::*};

use crate::council_column;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserRoles {
    Table,
    UserId,
    Role,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum CouncilRoles {
    Table,
    UserId,
    CouncilId,
    Role,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Councils {
    Table,
    Id,
}

const FIRST_COUNCIL: &str = "(SELECT MIN(id) FROM councils)";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // A primary key cannot change in place on SQLite: the grants move to a new table,
        // which then takes the old one's name.
        manager
            .create_table(
                Table::create()
                    .table(CouncilRoles::Table)
                    .col(big_integer(CouncilRoles::UserId))
                    .col(big_integer(CouncilRoles::CouncilId))
                    .col(string_len(CouncilRoles::Role, 40))
                    .col(big_integer_null(CouncilRoles::GrantedBy))
                    .col(timestamp_with_time_zone(CouncilRoles::GrantedAt))
                    .primary_key(
                        Index::create()
                            .col(CouncilRoles::UserId)
                            .col(CouncilRoles::CouncilId)
                            .col(CouncilRoles::Role),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_roles_user")
                            .from(CouncilRoles::Table, CouncilRoles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_roles_council")
                            .from(CouncilRoles::Table, CouncilRoles::CouncilId)
                            .to(Councils::Table, Councils::Id),
                    )
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared(&format!(
            "INSERT INTO council_roles (user_id, council_id, role, granted_by, granted_at) \
             SELECT user_id, {FIRST_COUNCIL}, role, granted_by, granted_at FROM user_roles"
        ))
        .await?;
        manager
            .drop_table(Table::drop().table(UserRoles::Table).to_owned())
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(CouncilRoles::Table, UserRoles::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_user_roles_council_role")
                    .table(UserRoles::Table)
                    .col(CouncilRoles::CouncilId)
                    .col(UserRoles::Role)
                    .to_owned(),
            )
            .await?;

        // An invitation is to a role in one council; an account belongs to the council it
        // registered with (or was invited to).
        council_column::add_to(manager, "invitations").await?;
        council_column::add_to(manager, "users").await?;
        // Each council publishes its own points table.
        council_column::add_to(manager, "ras_tables").await?;
        // A broker's client is a case of the broker's council.
        council_column::add_to(manager, "broker_clients").await?;
        // A check, and the inspection it leads to, is the assigning council's.
        council_column::add_to(manager, "checker_assignments").await?;
        council_column::add_to(manager, "inspections").await?;
        // A report on a listing goes to the council whose pages it was made on.
        council_column::add_to(manager, "listing_reports").await?;
        // An enquiry is made by a resident (or a broker for a client) of one council.
        council_column::add_to(manager, "enquiries").await?;
        // An audit entry names the council whose pages the change came from. Entries are
        // never rewritten, so those from before councils name none, like the deployment's
        // own (the command line, background jobs).
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("audit_log"))
                    .add_column(big_integer_null(Alias::new("council_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_council")
                    .table(Alias::new("audit_log"))
                    .col(Alias::new("council_id"))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        manager
            .drop_index(
                Index::drop()
                    .name("idx_audit_log_council")
                    .table(Alias::new("audit_log"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("audit_log"))
                    .drop_column(Alias::new("council_id"))
                    .to_owned(),
            )
            .await?;
        council_column::drop_from(manager, "enquiries").await?;
        council_column::drop_from(manager, "listing_reports").await?;
        council_column::drop_from(manager, "inspections").await?;
        council_column::drop_from(manager, "checker_assignments").await?;
        council_column::drop_from(manager, "broker_clients").await?;
        council_column::drop_from(manager, "ras_tables").await?;
        council_column::drop_from(manager, "users").await?;
        council_column::drop_from(manager, "invitations").await?;
        manager
            .create_table(
                Table::create()
                    .table(CouncilRoles::Table)
                    .col(big_integer(UserRoles::UserId))
                    .col(string_len(UserRoles::Role, 40))
                    .col(big_integer_null(UserRoles::GrantedBy))
                    .col(timestamp_with_time_zone(UserRoles::GrantedAt))
                    .primary_key(Index::create().col(UserRoles::UserId).col(UserRoles::Role))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CouncilRoles::Table, UserRoles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The deployment's administrators did not exist before.
        db.execute_unprepared("DELETE FROM user_roles WHERE role = 'super_admin'")
            .await?;
        db.execute_unprepared(
            "INSERT INTO council_roles (user_id, role, granted_by, granted_at) \
             SELECT user_id, role, MIN(granted_by), MIN(granted_at) FROM user_roles \
             GROUP BY user_id, role",
        )
        .await?;
        manager
            .drop_table(Table::drop().table(UserRoles::Table).to_owned())
            .await?;
        manager
            .rename_table(
                Table::rename()
                    .table(CouncilRoles::Table, UserRoles::Table)
                    .to_owned(),
            )
            .await
    }
}
