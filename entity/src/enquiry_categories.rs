use sea_orm::entity::prelude::*;

/// The listing's categories when the enquiry was sent, for counting demand by category.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "enquiry_categories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub enquiry_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub category_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
