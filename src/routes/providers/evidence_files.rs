//! Evidence documents: uploading (provider members), opening (members and admins only) and
//! removing (members).

use crate::domain::audit::Action;
use crate::paths;
use actix_multipart::form::{MultipartForm, bytes::Bytes as UploadBytes, text::Text};
use actix_session::Session;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use entity::provider_organisations::OrganisationId;

use crate::auth::CurrentUser;
use crate::auth::roles::Role;
use crate::documents::{self, StoreError, content_type_of, safe_download_name};
use crate::domain::providers::evidence::EvidenceKind;
use crate::domain::providers::evidence_files::{self, EvidenceFileError};
use crate::domain::providers::organisations;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::routes::providers::evidence::render_evidence;
use crate::routes::{PathId, RequestActor, see_other};
use crate::state::AppState;
use crate::stored_files::{FileRef, Store};
use crate::views::{Page, page::set_flash};

impl From<EvidenceFileError> for AppError {
    fn from(err: EvidenceFileError) -> Self {
        match err {
            EvidenceFileError::NotFound => AppError::NotFound,
            EvidenceFileError::Db(db) => db.into(),
            other => AppError::Conflict(other.to_string()),
        }
    }
}

#[derive(MultipartForm)]
pub struct DocumentUpload {
    #[multipart(limit = "11MB")]
    document: Option<UploadBytes>,
    document_kind: Option<Text<String>>,
}

pub async fn upload(
    page: Page,
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId<OrganisationId>,
    form: MultipartForm<DocumentUpload>,
) -> AppResult<HttpResponse> {
    organisations::as_member(&state.db, id, user.id).await?;
    let form = form.into_inner();
    let mut errors = FieldErrors::default();
    let kind = form.document_kind.and_then(|k| EvidenceKind::parse(&k.0));
    let (bytes, original) = form
        .document
        .map(|f| (f.data, f.file_name.unwrap_or_default()))
        .unwrap_or_default();
    let Some(kind) = kind else {
        errors.add("document", "Select what the document is for");
        return render_evidence(&page, &state, &user, id, None, &errors).await;
    };
    let kept = bytes.to_vec();
    let stored = match documents::store(&state.files, bytes.to_vec()).await {
        Ok(stored) => stored,
        Err(StoreError::Invalid(err)) => {
            errors.add("document", err.to_string());
            return render_evidence(&page, &state, &user, id, None, &errors).await;
        }
        Err(StoreError::Storage(err)) => return Err(AppError::Internal(err)),
    };
    match evidence_files::add(&state.db, &actor, id, user.id, kind, &original, &stored).await {
        Ok(_) => {
            // The same document removed elsewhere while this one waited to be saved may have
            // had its (shared) file deleted in between: write it again if so.
            if let Err(StoreError::Storage(err)) = documents::store(&state.files, kept).await {
                return Err(AppError::Internal(err));
            }
            set_flash(&session, "Document uploaded");
            Ok(see_other(&format!(
                "{}#documents",
                paths::provider_organisation_evidence(id)
            )))
        }
        Err(EvidenceFileError::TooMany) => {
            errors.add("document", EvidenceFileError::TooMany.to_string());
            render_evidence(&page, &state, &user, id, None, &errors).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Sends a document to a member of its organisation or an admin; anyone else is told it
/// does not exist. Always a download, never shown inline, never cached.
pub async fn download(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let file =
        evidence_files::for_reader(&state.db, id, user.id, user.has_role(Role::Admin)).await?;
    // Evidence holds identity documents and DBS certificates: who read which is recorded.
    crate::domain::audit::record(
        &state.db,
        &actor,
        crate::domain::audit::Event::new(Action::EvidenceFileDownloaded, "evidence_file", file.id),
    )
    .await?;
    let bytes = state
        .files
        .get(&FileRef::new(Store::Documents, &file.stored_name))
        .await
        .map_err(AppError::Internal)?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(content_type_of(&file.stored_name))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                safe_download_name(&file.original_name)
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}

pub async fn remove(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestActor(actor): RequestActor,
    session: Session,
    PathId(id): PathId,
) -> AppResult<HttpResponse> {
    let (organisation_id, released) =
        evidence_files::remove(&state.db, &actor, id, user.id).await?;
    released.delete_unused(&state.db, &state.files).await?;
    set_flash(&session, "Document removed");
    Ok(see_other(&format!(
        "{}#documents",
        paths::provider_organisation_evidence(organisation_id)
    )))
}
