//! The service taxonomy: seeded from the council reports, managed by admins only.

use entity::categories;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::helpers::spawn_app;

async fn by_slug(app: &crate::helpers::TestApp, slug: &str) -> categories::Model {
    categories::Entity::find()
        .filter(categories::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_taxonomy_is_seeded_and_admins_manage_it() {
    let app = spawn_app().await;
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (status, body) = admin.get_text("/admin/categories").await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "Personal care",
        "Domestic help",
        "Day support and activities",
        "Short stays",
        "Community access and travel training",
        "Supported living",
        "Carers&#39; breaks",
        "Equipment and assistive technology",
        "Advice, advocacy and brokerage",
        "Managed accounts and payroll",
        "Autistic people",
    ] {
        assert!(
            body.contains(name) || body.contains(&name.replace("&#39;", "'")),
            "{name} missing"
        );
    }
    let respite = by_slug(&app, "respite").await;
    assert_eq!(
        by_slug(&app, "respite-short-stays").await.parent_id,
        Some(respite.id)
    );

    let (status, body) = admin
        .post_form_text("/admin/categories", &[("name", "  "), ("parent_id", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("Enter a name"));
    let (status, body) = admin
        .post_form_text(
            "/admin/categories",
            &[("name", "personal   CARE"), ("parent_id", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("already exists"));
    let short_stays = by_slug(&app, "respite-short-stays").await;
    let (status, _) = admin
        .post_form_text(
            "/admin/categories",
            &[
                ("name", "Third level"),
                ("parent_id", &short_stays.id.to_string()),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "two levels only");
    let (status, _) = admin
        .post_form_text("/admin/categories", &[("name", "X"), ("parent_id", "abc")])
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let res = admin
        .post_form(
            "/admin/categories",
            &[
                ("name", "Overnight respite"),
                ("parent_id", &respite.id.to_string()),
                ("description", "A night's sleep for carers"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let overnight = by_slug(&app, "overnight-respite").await;
    assert_eq!(overnight.parent_id, Some(respite.id));

    let res = admin
        .post_form(
            &format!("/admin/categories/{}", overnight.id),
            &[("name", "Night respite"), ("description", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let renamed = by_slug(&app, "overnight-respite").await;
    assert_eq!(renamed.name, "Night respite", "renaming keeps the slug");
    let (status, _) = admin
        .post_form_text(
            &format!("/admin/categories/{}", overnight.id),
            &[("name", "Short stays")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no duplicate names"
    );

    let (status, _) = admin
        .post_form_text(
            &format!("/admin/categories/{}/archive", respite.id),
            &[("action", "archive")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a parent with kinds in use cannot be archived"
    );
    let res = admin
        .post_form(
            &format!("/admin/categories/{}/archive", overnight.id),
            &[("action", "archive")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        by_slug(&app, "overnight-respite")
            .await
            .archived_at
            .is_some()
    );
    admin
        .post_form(
            &format!("/admin/categories/{}/archive", overnight.id),
            &[("action", "restore")],
        )
        .await;
    assert!(
        by_slug(&app, "overnight-respite")
            .await
            .archived_at
            .is_none()
    );
    let (status, _) = admin.get_text("/admin/categories/999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let actions = app.audit_actions().await;
    for action in [
        "category.created",
        "category.updated",
        "category.status_changed",
    ] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}
