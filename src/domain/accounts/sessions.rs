//! Ending sign-ins from the domain: a password change or reset, a disabled account or a
//! reclaimed address ends every session of the account, in the same transaction.

use entity::sessions;
use entity::users::UserId;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Ends every session of a user; returns how many there were.
pub async fn end_all_of(conn: &impl ConnectionTrait, user_id: UserId) -> Result<u64, DbErr> {
    let res = sessions::Entity::delete_many()
        .filter(sessions::Column::UserId.eq(user_id))
        .exec(conn)
        .await?;
    Ok(res.rows_affected)
}
