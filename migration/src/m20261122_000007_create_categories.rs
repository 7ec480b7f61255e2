//! The service taxonomy the admin manages, seeded with the categories the council reports name
//! (two levels: a category and its kinds, e.g. respite → short stays).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    Description,
    Position,
    ArchivedAt,
    CreatedAt,
}

/// (name, slug, description, children as (name, slug)).
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const SEED: &[Seed] = &[
    (
        "Personal care",
        "personal-care",
        "Help with washing, dressing, eating, medication and going to the toilet",
        &[],
    ),
    (
        "Domestic help",
        "domestic-help",
        "Cleaning, laundry, shopping and cooking",
        &[],
    ),
    (
        "Day support and activities",
        "day-support",
        "Day centres, clubs, classes, volunteering and things to do in the day",
        &[],
    ),
    (
        "Respite",
        "respite",
        "A break for the person and their carer",
        &[
            ("Respite from an agency", "respite-agency"),
            ("Respite from a personal assistant", "respite-pa"),
            ("Day respite", "respite-day"),
            ("Short stays", "respite-short-stays"),
        ],
    ),
    (
        "Community access and travel training",
        "community-access",
        "Support to get out, use public transport and take part in the community",
        &[],
    ),
    (
        "Supported living",
        "supported-living",
        "Support for people living in their own tenancy",
        &[],
    ),
    (
        "Carers' breaks",
        "carers-breaks",
        "Breaks, activities and support for unpaid carers",
        &[],
    ),
    (
        "Equipment and assistive technology",
        "equipment",
        "Aids, adaptations, telecare and technology that help people stay independent",
        &[],
    ),
    (
        "Advice, advocacy and brokerage",
        "advice-advocacy-brokerage",
        "Information, advice, independent advocacy and support planning",
        &[],
    ),
    (
        "Managed accounts and payroll",
        "managed-accounts",
        "Managing a direct payment, paying personal assistants and employer responsibilities",
        &[],
    ),
    (
        "Employment and training",
        "employment-training",
        "Support to find and keep work, and to learn new skills",
        &[],
    ),
    (
        "Meals and food",
        "meals",
        "Meals delivered, lunch clubs and help with cooking",
        &[],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(big_pk_auto(Categories::Id))
                    .col(big_integer_null(Categories::ParentId))
                    .col(string_len(Categories::Name, 100))
                    .col(string_len_uniq(Categories::Slug, 100))
                    .col(text_null(Categories::Description))
                    .col(integer(Categories::Position))
                    .col(timestamp_with_time_zone_null(Categories::ArchivedAt))
                    .col(timestamp_with_time_zone(Categories::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Categories::Table, Categories::ParentId)
                            .to(Categories::Table, Categories::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        let now = Expr::current_timestamp();
        for (position, (name, slug, description, children)) in SEED.iter().enumerate() {
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
                    (*name).into(),
                    (*slug).into(),
                    (*description).into(),
                    (position as i32).into(),
                    now.clone(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
            for (child_position, (child_name, child_slug)) in children.iter().enumerate() {
                let parent = Query::select()
                    .column(Categories::Id)
                    .from(Categories::Table)
                    .and_where(Expr::col(Categories::Slug).eq(*slug))
                    .to_owned();
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
                        SimpleExpr::SubQuery(None, Box::new(parent.into_sub_query_statement())),
                        (*child_name).into(),
                        (*child_slug).into(),
                        (child_position as i32).into(),
                        now.clone(),
                    ])
                    .to_owned();
                manager.exec_stmt(insert).await?;
            }
        }
        Ok(())
    }
}
