//! Connecting to the database (embedded SQLite or PostgreSQL) and migrating it.

use std::time::Duration;

use migration::{Migrator, MigratorTrait};

use crate::config::Settings;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// Connects, with WAL and foreign keys on SQLite, and an optional PostgreSQL schema (the
/// tests give each test its own).
pub async fn connect(url: &str, pg_schema: Option<&str>) -> anyhow::Result<DatabaseConnection> {
    connect_as(url, pg_schema, false).await
}

/// How many read-only connections sit beside SQLite's single writer.
const SQLITE_READERS: u32 = 4;

/// Connections for reading only, which never wait for a write. On SQLite, a pool of
/// read-only connections beside the single writer: with the write-ahead log each reads the
/// last committed state while the writer works. On PostgreSQL, where every connection can
/// read in parallel, the same pool as `db`.
pub async fn readers(db: &DatabaseConnection, url: &str) -> anyhow::Result<DatabaseConnection> {
    if is_sqlite(db) && !url.contains(":memory:") && !url.contains("mode=memory") {
        connect_as(url, None, true).await
    } else {
        Ok(db.clone())
    }
}

async fn connect_as(
    url: &str,
    pg_schema: Option<&str>,
    read_only: bool,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(move |opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Deleted and overwritten rows are zeroed in the file, so erased personal
                // data does not linger in free pages.
                .pragma("secure_delete", "ON")
                .read_only(read_only)
        });
    if read_only {
        options.max_connections(SQLITE_READERS);
    } else if url.starts_with("sqlite:") {
        // SQLite has one writer. With several pooled connections, two read-then-write
        // transactions can fail with SQLITE_BUSY_SNAPSHOT; one connection serialises them.
        // (Code must therefore never use the pool while holding a transaction.)
        options.max_connections(1);
    } else {
        options.max_connections(16);
    }
    if let Some(schema) = pg_schema {
        options.set_schema_search_path(schema.to_owned());
    }
    let db = Database::connect(options).await?;
    Ok(db)
}

/// Starting a transaction that will write. On SQLite it is `BEGIN IMMEDIATE`: it takes the
/// one write lock at the start, waiting (the busy timeout) while another process writes. A
/// plain `BEGIN` would read first and then fail at its first write with "database is
/// locked" whenever another process (the server, `kith import`) wrote in between. On
/// PostgreSQL it is a plain `BEGIN`.
pub trait BeginWrite {
    fn begin_write(&self) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send;
}

impl BeginWrite for DatabaseConnection {
    fn begin_write(&self) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send {
        self.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
    }
}

/// Brings the schema up to date, one process at a time: instances starting together on a
/// new database (or after an upgrade) would otherwise each try to create the same tables.
/// The migrations run in one transaction that first takes the write lock (SQLite) or a
/// transaction-level advisory lock (PostgreSQL); whoever waited then finds nothing to do.
pub async fn migrate(db: &DatabaseConnection, settings: &Settings) -> anyhow::Result<()> {
    let txn = db.begin_write().await?;
    lock_for_setup(&txn).await?;
    // Up to the councils table, then the first council (made from the settings when there
    // is none), because later migrations give what came before councils to that council.
    let pending = Migrator::get_pending_migrations(&txn).await?;
    if let Some(at) = pending.iter().position(|m| m.name() == COUNCILS_MIGRATION) {
        Migrator::up(&txn, Some(u32::try_from(at + 1)?)).await?;
    }
    crate::domain::councils::ensure_first(&txn, settings).await?;
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    Ok(())
}

/// The migration that makes the councils table.
const COUNCILS_MIGRATION: &str = "m20261207_000034_councils";

/// Within a write transaction, waits for any other process setting the database up
/// (migrating it, making its first council) to finish: on SQLite the transaction's write
/// lock already does; on PostgreSQL a transaction-level advisory lock.
pub async fn lock_for_setup(txn: &DatabaseTransaction) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
            .await?;
    }
    Ok(())
}

/// The advisory lock that setting up holds ("kith" in ASCII).
const MIGRATION_LOCK: i64 = 0x6b69_7468;

/// After personal data is erased on SQLite: copies the write-ahead log into the database and
/// empties it, so earlier versions of the erased rows are not left in the log file. Best
/// effort: a reader holding an old snapshot only delays it to the next checkpoint.
pub async fn forget_old_versions(db: &DatabaseConnection) {
    if is_sqlite(db)
        && let Err(err) = db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
    {
        tracing::warn!(%err, "could not checkpoint the write-ahead log");
    }
}

pub fn is_sqlite(db: &DatabaseConnection) -> bool {
    db.get_database_backend() == DbBackend::Sqlite
}

/// Whether the database answers a trivial query (the health check).
pub async fn answers(db: &DatabaseConnection) -> bool {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(backend, "SELECT 1"))
        .await
        .is_ok()
}
