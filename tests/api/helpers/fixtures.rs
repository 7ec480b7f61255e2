//! What many tests start from: an approved provider, a listing written, sent and
//! decided, a published listing; and image bytes for upload tests.

use entity::categories;
use kith::auth::roles::Role;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Browser, TestApp, TestUser, location};

/// The admin's approval checklist, all ticked.
pub(crate) const CHECKLIST: [&str; 5] = [
    "accurate",
    "plain_english",
    "categories",
    "regulated",
    "photos",
];

pub async fn category_id(app: &TestApp, slug: &str) -> String {
    categories::Entity::find()
        .filter(categories::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .expect("seeded category")
        .id
        .to_string()
}

/// A complete, valid listing form.
pub fn listing_fields(category: &str, title: &str, price: &str) -> Vec<(&'static str, String)> {
    [
        ("title", title),
        (
            "summary",
            "We help with shopping, cleaning and cooking at home.",
        ),
        (
            "description",
            "A small local team.\n\nWe have worked in Sale for ten years.",
        ),
        ("categories", category),
        ("client_groups", "older_people"),
        ("client_groups", "carers"),
        ("delivery", "home"),
        ("home_place", "m33 7"),
        ("home_radius", "5"),
        ("price_type", "charged"),
        ("price_amount", price),
        ("price_unit", "hour"),
        ("days", "mon"),
        ("days", "wed"),
        ("time_from", "9am"),
        ("time_to", "5pm"),
        ("accepting", "yes"),
        ("languages", "English, Polish"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect()
}

pub fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A provider whose organisation the council has approved.
pub async fn approved_provider(app: &TestApp, kind: &str) -> (Browser, TestUser, i64) {
    let (b, user) = app.signed_in_as(Role::Provider).await;
    let org = b.create_organisation("Sale Helpers", kind).await;
    app.approve_organisation(org).await;
    (b, user, org)
}

pub async fn create_listing(app: &TestApp, b: &Browser, org: i64, title: &str, price: &str) -> i64 {
    let fields = listing_fields(&category_id(app, "domestic-help").await, title, price);
    let res = b
        .post_form(
            &format!("/provider/organisations/{org}/listings"),
            &as_refs(&fields),
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "create listing");
    location(&res).rsplit('/').next().unwrap().parse().unwrap()
}

pub async fn submit(b: &Browser, id: i64) -> reqwest::Response {
    b.post_form(&format!("/provider/listings/{id}/submit"), &[])
        .await
}

pub async fn decide(admin: &Browser, id: i64, decision: &str, message: &str) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = vec![("decision", decision), ("message", message)];
    fields.extend(CHECKLIST.iter().map(|c| ("checklist", *c)));
    admin
        .post_form(&format!("/admin/listings/{id}/decision"), &fields)
        .await
}

/// A listing the council has approved, with its provider and an admin.
pub async fn published(app: &TestApp) -> (Browser, Browser, TestUser, i64) {
    let (b, user, org) = approved_provider(app, "micro_enterprise").await;
    let id = create_listing(app, &b, org, "Help at home in Sale", "18.50").await;
    assert_eq!(submit(&b, id).await.status(), StatusCode::SEE_OTHER);
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    assert_eq!(
        decide(&admin, id, "approve", "").await.status(),
        StatusCode::SEE_OTHER
    );
    (b, admin, user, id)
}

/// A plain PNG picture.
pub fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, height, image::Rgb([20, 100, 180]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A 1×1 PNG whose header claims 100,000 × 100,000 pixels.
pub fn bomb_png() -> Vec<u8> {
    let mut bytes = png_bytes(1, 1);
    bytes[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bytes[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}
