//! Giving an existing table a council: rows made before there were councils belong to the
//! first council, which setting up makes before any migration that needs it runs.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::big_integer_null;

/// Adds `council_id` to `table`, fills it with the first council's id, then (on
/// PostgreSQL) makes it required and a reference to `councils`. SQLite cannot add either to
/// an existing column; the code always sets it, and a row without one fails to load.
pub async fn add_to(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    let db = manager.get_connection();
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .add_column(big_integer_null(Alias::new("council_id")))
                .to_owned(),
        )
        .await?;
    db.execute_unprepared(&format!(
        "UPDATE {table} SET council_id = (SELECT MIN(id) FROM councils)"
    ))
    .await?;
    if manager.get_database_backend() == sea_orm::DbBackend::Postgres {
        db.execute_unprepared(&format!(
            "ALTER TABLE {table} ALTER COLUMN council_id SET NOT NULL, \
             ADD CONSTRAINT fk_{table}_council FOREIGN KEY (council_id) REFERENCES councils (id)"
        ))
        .await?;
    }
    manager
        .create_index(
            Index::create()
                .name(format!("idx_{table}_council"))
                .table(Alias::new(table))
                .col(Alias::new("council_id"))
                .to_owned(),
        )
        .await
}

/// Undoes [`add_to`].
pub async fn drop_from(manager: &SchemaManager<'_>, table: &str) -> Result<(), DbErr> {
    manager
        .drop_index(
            Index::drop()
                .name(format!("idx_{table}_council"))
                .table(Alias::new(table))
                .to_owned(),
        )
        .await?;
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new("council_id"))
                .to_owned(),
        )
        .await
}
