//! Admins import listings from a file (with a dry run and a report of every row), download
//! the CSV template, and export every listing as CSV.

use actix_multipart::form::{MultipartForm, bytes::Bytes as UploadBytes, text::Text};
use actix_web::{HttpResponse, web};

use crate::domain::import::apply::{self, Options};
use crate::domain::import::rows::Vocabulary;
use crate::domain::import::{oruk_rows, template};
use crate::domain::validation::FieldErrors;
use crate::domain::{categories, listings::export as listing_export};
use crate::error::AppResult;
use crate::routes::{RequestActor, csv_download, form_status, html_page};
use crate::state::AppState;
use crate::views::{Page, import as view};
use actix_web::http::StatusCode;

pub async fn form(page: Page) -> HttpResponse {
    html_page(
        StatusCode::OK,
        view::form(&page, "", &FieldErrors::default()),
    )
}

#[derive(MultipartForm)]
pub struct ImportUpload {
    #[multipart(limit = "11MB")]
    file: Option<UploadBytes>,
    format: Option<Text<String>>,
    dry_run: Option<Text<String>>,
    approve: Option<Text<String>>,
}

pub async fn upload(
    page: Page,
    state: web::Data<AppState>,
    RequestActor(actor): RequestActor,
    form: MultipartForm<ImportUpload>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let format = form.format.map(|f| f.0).unwrap_or_default();
    let (bytes, name) = form
        .file
        .map(|f| (f.data, f.file_name.unwrap_or_default()))
        .unwrap_or_default();
    let mut errors = FieldErrors::default();
    if !view::FORMATS.iter().any(|f| f.value == format) {
        errors.add("format", "Select what kind of file it is");
    }
    if bytes.is_empty() {
        errors.add("file", "Select a file to import");
    }
    let vocabulary = Vocabulary::new(&categories::tree(&state.db, false).await?);
    let read = if errors.is_empty() {
        let read = match format.as_str() {
            "csv" => template::read(&bytes, &vocabulary),
            _ => std::str::from_utf8(&bytes)
                .map_err(|_| "The file is not UTF-8 text".to_owned())
                .and_then(|text| oruk_rows::from_json(text, &vocabulary)),
        };
        match read {
            Ok(read) => Some(read),
            Err(message) => {
                errors.add("file", message);
                None
            }
        }
    } else {
        None
    };
    let Some(read) = read else {
        return Ok(html_page(
            form_status(&errors),
            view::form(&page, &format, &errors),
        ));
    };
    let options = Options {
        dry_run: form.dry_run.is_some_and(|d| d.0 == "yes"),
        approve: form.approve.is_some_and(|a| a.0 == "yes"),
        source: name.chars().take(100).collect(),
        policy: state.settings.review_policy(),
        today: state.clock.today(),
    };
    let report = apply::run(&state.db, &actor, read, &vocabulary, &options, |_| {}).await?;
    if !options.dry_run && report.created() + report.updated() > 0 {
        state.wake_indexer();
    }
    Ok(html_page(
        StatusCode::OK,
        view::report(&page, &options.source, &report),
    ))
}

/// The template's header row and one example listing.
pub async fn template_csv() -> AppResult<HttpResponse> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let example = [
        "sale-lunch-club",
        "Sale Community Kitchen",
        "sale-kitchen",
        "voluntary_group",
        "hello@example.org",
        "Lunch club for older people",
        "A hot two-course lunch and good company every Wednesday.",
        "Our volunteers cook a fresh lunch each week. Transport can be arranged.",
        "Meals and food",
        "Older people; Carers",
        "",
        "",
        "Sale Methodist Church, Sale",
        "M33 7XX",
        "no",
        "4.50",
        "session",
        "Wed",
        "12:00",
        "14:00",
        "yes",
        "English; Urdu",
    ];
    let body = (|| {
        w.write_record(template::COLUMNS.iter().map(|(c, _)| *c))?;
        w.write_record(example)?;
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok::<_, csv::Error>(String::from_utf8_lossy(&bytes).into_owned())
    })();
    csv_download("kith-import-template.csv", body)
}

pub async fn listings_csv(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let (views, names) = listing_export::load(&state.db).await?;
    csv_download("listings.csv", listing_export::listings_csv(&views, &names))
}
