//! Thin HTTP handlers, one module per area, and the route table: every route is declared once
//! with its method, path and authorisation rule. The same table registers the routes and feeds
//! the authorisation tests, so a route cannot exist without a rule.

pub mod accounts;
pub mod acting;
pub mod admin;
pub mod api;
pub mod api_docs;
pub mod categories;
pub mod checking;
pub mod enquiries;
pub mod errors;
pub mod fund;
pub mod home;
pub mod import;
pub mod info;
pub mod listings;
pub mod market;
pub mod openreferral;
pub mod pictures;
pub mod plans;
pub mod providers;
pub mod reviews;
pub mod search;
pub mod static_files;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::middleware::from_fn;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, guard, http::header, web};
use futures_util::future::LocalBoxFuture;

use crate::auth::access::{Access, authorize, load_user};
use crate::auth::roles::Role::{
    Admin, Broker, BudgetHolder, Commissioner, Provider, QualityChecker,
};
use crate::domain::audit::Actor;
use crate::error::AppError;

/// One row of the route table.
#[derive(Clone, Debug)]
pub struct RouteRule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

macro_rules! route_table {
    ($( $method:ident $path:literal [$access:expr] => $handler:path ;)*) => {
        /// Every route of the service with its authorisation rule.
        pub fn table() -> Vec<RouteRule> {
            vec![$( RouteRule { method: Method::$method, path: $path, access: $access } ),*]
        }

        /// Registers every route, each wrapped in the middleware that enforces its rule.
        pub fn configure(cfg: &mut web::ServiceConfig) {
            $(
                cfg.service(
                    web::resource($path)
                        .guard(guard::Method(Method::$method))
                        .wrap(from_fn(move |req, next| authorize($access, req, next)))
                        .route(web::route().to($handler)),
                );
            )*
        }
    };
}

use Access::{AnyRole, Public, Role, SignedIn};

/// Budget holders and brokers: the people who look for and arrange support.
const SEEKERS: &[crate::auth::roles::Role] = &[BudgetHolder, Broker];
/// Commissioners and admins: who read the market analysis.
const MARKET_READERS: &[crate::auth::roles::Role] = &[Commissioner, Admin];

route_table! {
    GET  "/"                              [Public]      => home::index;
    GET  "/health"                        [Public]      => home::health;
    GET  "/accessibility"                 [Public]      => info::accessibility;
    GET  "/privacy"                       [Public]      => info::privacy;
    GET  "/cookies"                       [Public]      => info::cookies;
    GET  "/register"                      [Public]      => accounts::register_form;
    POST "/register"                      [Public]      => accounts::register;
    GET  "/verify-email/{token}"          [Public]      => accounts::verify_email;
    POST "/verify-email/resend"           [SignedIn]    => accounts::resend_verification;
    GET  "/sign-in"                       [Public]      => accounts::sessions::sign_in_form;
    POST "/sign-in"                       [Public]      => accounts::sessions::sign_in;
    POST "/sign-out"                      [Public]      => accounts::sessions::sign_out;
    GET  "/sign-in/code"                  [Public]      => accounts::two_factor::challenge_form;
    POST "/sign-in/code"                  [Public]      => accounts::two_factor::challenge;
    GET  "/sign-in/set-up"                [Public]      => accounts::two_factor::set_up_at_sign_in_form;
    POST "/sign-in/set-up"                [Public]      => accounts::two_factor::set_up_at_sign_in;
    GET  "/account/two-factor"            [SignedIn]    => accounts::two_factor::account_page;
    GET  "/account/two-factor/set-up"     [SignedIn]    => accounts::two_factor::set_up_form;
    POST "/account/two-factor/set-up"     [SignedIn]    => accounts::two_factor::set_up;
    POST "/account/two-factor/recovery-codes" [SignedIn] => accounts::two_factor::new_recovery_codes;
    POST "/account/two-factor/turn-off"   [SignedIn]    => accounts::two_factor::turn_off;
    GET  "/account/confirm"               [SignedIn]    => accounts::two_factor::confirm_form;
    POST "/account/confirm"               [SignedIn]    => accounts::two_factor::confirm;
    GET  "/forgot-password"               [Public]      => accounts::passwords::forgot_password_form;
    POST "/forgot-password"               [Public]      => accounts::passwords::forgot_password;
    GET  "/reset-password/{token}"        [Public]      => accounts::passwords::reset_password_form;
    POST "/reset-password/{token}"        [Public]      => accounts::passwords::reset_password;
    GET  "/account"                       [SignedIn]    => accounts::account;
    POST "/account"                       [SignedIn]    => accounts::update_profile;
    GET  "/account/password"              [SignedIn]    => accounts::passwords::change_password_form;
    POST "/account/password"              [SignedIn]    => accounts::passwords::change_password;
    GET  "/invitations/{token}"           [Public]      => accounts::invitations::invitation_form;
    POST "/invitations/{token}"           [Public]      => accounts::invitations::accept_invitation;
    GET  "/admin"                         [Role(Admin)] => admin::overview;
    GET  "/admin/users"                   [Role(Admin)] => admin::users;
    GET  "/admin/users/{id}"              [Role(Admin)] => admin::user_detail;
    POST "/admin/users/{id}/roles"        [Role(Admin)] => admin::grant_role;
    POST "/admin/users/{id}/roles/revoke" [Role(Admin)] => admin::revoke_role;
    POST "/admin/users/{id}/status"       [Role(Admin)] => admin::set_status;
    POST "/admin/users/{id}/two-factor/reset" [Role(Admin)] => accounts::two_factor::admin_reset;
    GET  "/admin/invitations"             [Role(Admin)] => admin::invitations;
    POST "/admin/invitations"             [Role(Admin)] => admin::invite;
    GET  "/admin/categories"              [Role(Admin)] => categories::list;
    POST "/admin/categories"              [Role(Admin)] => categories::add;
    GET  "/admin/categories/{id}"         [Role(Admin)] => categories::edit;
    POST "/admin/categories/{id}"         [Role(Admin)] => categories::update;
    POST "/admin/categories/{id}/archive" [Role(Admin)] => categories::archive;
    GET  "/admin/audit"                   [Role(Admin)] => admin::audit;
    GET  "/admin/mail"                    [Role(Admin)] => admin::mail;
    GET  "/api/v1/me"                     [SignedIn]    => api::me;
    GET  "/api/openapi.json"              [Public]      => api_docs::openapi_json;
    GET  "/api/docs"                      [Public]      => api_docs::docs_root;
    GET  "/api/docs/{path:.*}"            [Public]      => api_docs::docs;
    GET  "/provider"                      [Role(Provider)] => providers::dashboard;
    GET  "/provider/organisations/new"    [Role(Provider)] => providers::new_form;
    POST "/provider/organisations"        [Role(Provider)] => providers::create;
    GET  "/provider/organisations/{id}"   [Role(Provider)] => providers::manage;
    POST "/provider/organisations/{id}"   [Role(Provider)] => providers::update_profile;
    POST "/provider/organisations/{id}/logo" [Role(Provider)] => providers::upload_logo;
    POST "/provider/organisations/{id}/members" [Role(Provider)] => providers::invite_member;
    GET  "/provider/organisations/{id}/evidence" [Role(Provider)] => providers::evidence::evidence;
    POST "/provider/organisations/{id}/evidence" [Role(Provider)] => providers::evidence::save_evidence;
    POST "/provider/organisations/{id}/submit" [Role(Provider)] => providers::evidence::submit;
    POST "/provider/organisations/{id}/evidence/files" [Role(Provider)] => providers::evidence_files::upload;
    GET  "/evidence-files/{id}"           [SignedIn]    => providers::evidence_files::download;
    POST "/evidence-files/{id}/remove"    [Role(Provider)] => providers::evidence_files::remove;
    GET  "/admin/providers"               [Role(Admin)] => providers::evidence::queue;
    GET  "/admin/providers/{id}"          [Role(Admin)] => providers::evidence::review;
    POST "/admin/providers/{id}/decision" [Role(Admin)] => providers::evidence::decide;
    GET  "/provider/organisations/{id}/listings" [Role(Provider)] => listings::organisation_listings;
    GET  "/provider/organisations/{id}/listings/new" [Role(Provider)] => listings::new_form;
    POST "/provider/organisations/{id}/listings" [Role(Provider)] => listings::create;
    GET  "/provider/listings/{id}"        [Role(Provider)] => listings::manage;
    POST "/provider/listings/{id}"        [Role(Provider)] => listings::save;
    GET  "/provider/listings/{id}/edit"   [Role(Provider)] => listings::edit_form;
    GET  "/provider/listings/{id}/preview" [Role(Provider)] => listings::preview;
    POST "/provider/listings/{id}/photos" [Role(Provider)] => listings::add_photo;
    POST "/provider/listings/{id}/photos/remove" [Role(Provider)] => listings::remove_photo;
    POST "/provider/listings/{id}/submit" [Role(Provider)] => listings::submit;
    POST "/provider/listings/{id}/confirm" [Role(Provider)] => listings::confirm_review;
    POST "/provider/listings/{id}/archive" [Role(Provider)] => listings::archive;
    GET  "/admin/listings"                [Role(Admin)] => listings::admin::queue;
    GET  "/admin/listings/{id}"           [Role(Admin)] => listings::admin::review;
    POST "/admin/listings/{id}/decision"  [Role(Admin)] => listings::admin::decide;
    POST "/admin/listings/{id}/suspend"   [Role(Admin)] => listings::admin::suspend;
    POST "/admin/listings/{id}/unsuspend" [Role(Admin)] => listings::admin::unsuspend;
    POST "/admin/listings/{id}/archive"   [Role(Admin)] => listings::admin::archive;
    GET  "/listings/{id}"                 [Public]      => listings::public;
    GET  "/search"                        [Public]      => search::page;
    GET  "/api/v1/search"                 [Public]      => search::api;
    GET  "/openreferral"                  [Public]      => openreferral::root;
    GET  "/openreferral/"                 [Public]      => openreferral::root;
    GET  "/openreferral/openapi.json"     [Public]      => openreferral::openapi;
    GET  "/openreferral/services"         [Public]      => openreferral::services;
    GET  "/openreferral/services/{id}"    [Public]      => openreferral::service;
    GET  "/openreferral/service_at_locations" [Public]  => openreferral::service_at_locations;
    GET  "/openreferral/service_at_locations/{id}" [Public] => openreferral::service_at_location;
    GET  "/openreferral/taxonomies"       [Public]      => openreferral::taxonomies;
    GET  "/openreferral/taxonomies/{id}"  [Public]      => openreferral::taxonomy;
    GET  "/openreferral/taxonomy_terms"   [Public]      => openreferral::taxonomy_terms;
    GET  "/openreferral/taxonomy_terms/{id}" [Public]   => openreferral::taxonomy_term;
    GET  "/admin/searches"                [Role(Admin)] => search::demand_log;
    GET  "/admin/import"                  [Role(Admin)] => import::form;
    POST "/admin/import"                  [Role(Admin)] => import::upload;
    GET  "/admin/import/template.csv"     [Role(Admin)] => import::template_csv;
    GET  "/admin/listings.csv"            [Role(Admin)] => import::listings_csv;
    GET  "/providers/{id}"                [Public]      => providers::public;
    GET  "/media/{name}"                  [Public]      => providers::media;
    GET  "/shortlist"                     [Public]      => plans::shortlists::show;
    GET  "/shortlist/print"               [Public]      => plans::shortlists::print;
    POST "/shortlist"                     [Public]      => plans::shortlists::add;
    POST "/shortlist/remove"              [Public]      => plans::shortlists::remove;
    GET  "/listings/{id}/enquire"         [AnyRole(SEEKERS)] => enquiries::new_form;
    POST "/listings/{id}/enquire"         [AnyRole(SEEKERS)] => enquiries::send;
    GET  "/enquiries"                     [AnyRole(SEEKERS)] => enquiries::list;
    GET  "/enquiries/{id}"                [SignedIn]    => enquiries::show;
    POST "/enquiries/{id}/messages"       [SignedIn]    => enquiries::message;
    POST "/enquiries/{id}/close"          [SignedIn]    => enquiries::close;
    GET  "/plan"                          [AnyRole(SEEKERS)] => plans::show;
    POST "/plan/budget"                   [AnyRole(SEEKERS)] => plans::set_budget;
    POST "/plan/items"                    [AnyRole(SEEKERS)] => plans::add_item;
    POST "/plan/items/{id}/remove"        [AnyRole(SEEKERS)] => plans::remove_item;
    GET  "/plan/ras"                      [AnyRole(SEEKERS)] => plans::ras_form;
    POST "/plan/ras"                      [AnyRole(SEEKERS)] => plans::ras_submit;
    GET  "/plan.csv"                      [AnyRole(SEEKERS)] => plans::csv;
    GET  "/plan/print"                    [AnyRole(SEEKERS)] => plans::print;
    GET  "/commissioner/ras"              [Role(Commissioner)] => plans::ras::editor;
    POST "/commissioner/ras"              [Role(Commissioner)] => plans::ras::publish;
    GET  "/funding"                       [Public]      => fund::index;
    GET  "/funding/grants.json"           [Public]      => fund::grants_json;
    GET  "/funding/grants.csv"            [Public]      => fund::grants_csv;
    GET  "/funding/{id}"                  [Public]      => fund::round;
    POST "/funding/{id}/apply"            [Role(Provider)] => fund::apply;
    GET  "/provider/funding"              [Role(Provider)] => fund::mine;
    GET  "/provider/funding/{id}"         [Role(Provider)] => fund::application;
    POST "/provider/funding/{id}"         [Role(Provider)] => fund::save;
    POST "/provider/funding/{id}/withdraw" [Role(Provider)] => fund::withdraw;
    GET  "/commissioner/funding"          [Role(Commissioner)] => fund::admin::list;
    GET  "/commissioner/funding/new"      [Role(Commissioner)] => fund::admin::new_form;
    POST "/commissioner/funding/new"      [Role(Commissioner)] => fund::admin::create;
    GET  "/commissioner/funding/applications/{id}" [Role(Commissioner)] => fund::admin::application;
    POST "/commissioner/funding/applications/{id}/decision" [Role(Commissioner)] => fund::admin::decide;
    POST "/commissioner/funding/applications/{id}/payments" [Role(Commissioner)] => fund::admin::add_payment;
    POST "/commissioner/funding/applications/{id}/milestones" [Role(Commissioner)] => fund::admin::add_milestone;
    POST "/commissioner/funding/applications/{id}/milestones/{milestone}/met" [Role(Commissioner)] => fund::admin::milestone_met;
    POST "/commissioner/funding/applications/{id}/listings" [Role(Commissioner)] => fund::admin::link_listing;
    GET  "/commissioner/funding/{id}"     [Role(Commissioner)] => fund::admin::show;
    GET  "/commissioner/funding/{id}/edit" [Role(Commissioner)] => fund::admin::edit_form;
    POST "/commissioner/funding/{id}/edit" [Role(Commissioner)] => fund::admin::update;
    POST "/commissioner/funding/{id}/publish" [Role(Commissioner)] => fund::admin::publish;
    POST "/commissioner/funding/{id}/panel" [Role(Commissioner)] => fund::admin::add_panel_member;
    POST "/commissioner/funding/{id}/panel/{user}/remove" [Role(Commissioner)] => fund::admin::remove_panel_member;
    GET  "/panel"                         [SignedIn]    => fund::panel::home;
    GET  "/panel/applications/{id}"       [SignedIn]    => fund::panel::application;
    POST "/panel/applications/{id}/scores" [SignedIn]   => fund::panel::scores;
    POST "/panel/applications/{id}/conflict" [SignedIn] => fund::panel::conflict;
    GET  "/commissioner/market"           [AnyRole(MARKET_READERS)] => market::overview;
    GET  "/commissioner/mps"              [Role(Commissioner)] => market::mps::admin_list;
    POST "/commissioner/mps"              [Role(Commissioner)] => market::mps::create;
    GET  "/commissioner/mps/{id}"         [Role(Commissioner)] => market::mps::editor;
    POST "/commissioner/mps/{id}"         [Role(Commissioner)] => market::mps::save;
    POST "/commissioner/mps/{id}/refresh" [Role(Commissioner)] => market::mps::refresh;
    POST "/commissioner/mps/{id}/publish" [Role(Commissioner)] => market::mps::publish;
    GET  "/commissioner/mps/{id}/preview" [Role(Commissioner)] => market::mps::preview;
    GET  "/market-position-statements"    [Public]      => market::mps::public_list;
    GET  "/market-position-statements/{id}" [Public]    => market::mps::public_document;
    GET  "/market-position-statements/{id}/pdf" [Public] => market::mps::public_pdf;
    GET  "/commissioner/market/supply.csv" [AnyRole(MARKET_READERS)] => market::supply_csv;
    GET  "/commissioner/market/demand.csv" [AnyRole(MARKET_READERS)] => market::demand_csv;
    GET  "/commissioner/market/gaps.csv"  [AnyRole(MARKET_READERS)] => market::gaps_csv;
    GET  "/commissioner/market/prices.csv" [AnyRole(MARKET_READERS)] => market::prices_csv;
    GET  "/commissioner/market/ratings.csv" [AnyRole(MARKET_READERS)] => market::ratings_csv;
    GET  "/commissioner/market/provider-kinds.csv" [AnyRole(MARKET_READERS)] => market::kinds_csv;
    GET  "/commissioner/market/new-and-withdrawn.csv" [AnyRole(MARKET_READERS)] => market::flows_csv;
    GET  "/commissioner/market/languages.csv" [AnyRole(MARKET_READERS)] => market::languages_csv;
    GET  "/commissioner/market/searches-that-found-nothing.csv" [AnyRole(MARKET_READERS)] => market::zero_results_csv;
    GET  "/commissioner/market/quality"   [AnyRole(MARKET_READERS)] => market::quality;
    GET  "/commissioner/market/quality.csv" [AnyRole(MARKET_READERS)] => market::quality_csv;
    POST "/enquiries/{id}/review"         [SignedIn]    => reviews::write;
    GET  "/admin/reviews"                 [Role(Admin)] => reviews::queue;
    POST "/admin/reviews/{id}/decision"   [Role(Admin)] => reviews::decide;
    GET  "/provider/organisations/{id}/reviews" [Role(Provider)] => reviews::provider_list;
    POST "/provider/reviews/{id}/reply"   [Role(Provider)] => reviews::reply;
    GET  "/checker"                       [Role(QualityChecker)] => checking::home;
    GET  "/checker/profile"               [Role(QualityChecker)] => checking::profile_form;
    POST "/checker/profile"               [Role(QualityChecker)] => checking::save_profile;
    GET  "/checker/assignments/{id}"      [Role(QualityChecker)] => checking::show;
    POST "/checker/assignments/{id}/accept" [Role(QualityChecker)] => checking::accept;
    POST "/checker/assignments/{id}/decline" [Role(QualityChecker)] => checking::decline;
    POST "/checker/assignments/{id}/inspection" [Role(QualityChecker)] => checking::inspections::start;
    GET  "/checker/inspections/{id}/{step}" [Role(QualityChecker)] => checking::inspections::step_form;
    POST "/checker/inspections/{id}/photos/add" [Role(QualityChecker)] => checking::inspections::add_photo;
    POST "/checker/inspections/{id}/photos/{photo}/remove" [Role(QualityChecker)] => checking::inspections::remove_photo;
    GET  "/inspection-photos/{id}"        [Public]      => checking::inspections::photo;
    POST "/checker/inspections/{id}/submit" [Role(QualityChecker)] => checking::inspections::submit;
    POST "/checker/inspections/{id}/{step}" [Role(QualityChecker)] => checking::inspections::save_step;
    GET  "/admin/inspections"             [Role(Admin)] => checking::review::queue;
    GET  "/admin/inspections/{id}"        [Role(Admin)] => checking::review::review;
    POST "/admin/inspections/{id}/return" [Role(Admin)] => checking::review::send_back;
    POST "/admin/inspections/{id}/publish" [Role(Admin)] => checking::review::publish;
    GET  "/listings/{id}/quality"         [Public]      => checking::review::public_report;
    POST "/provider/listings/{id}/quality-response" [Role(Provider)] => checking::review::provider_response;
    GET  "/admin/checking"                [Role(Admin)] => checking::admin_overview;
    GET  "/admin/listings/{id}/assign"    [Role(Admin)] => checking::assign_form;
    POST "/admin/listings/{id}/assign"    [Role(Admin)] => checking::assign;
    POST "/admin/assignments/{id}/cancel" [Role(Admin)] => checking::cancel;
    GET  "/provider/organisations/{id}/enquiries" [Role(Provider)] => enquiries::inbox;
    GET  "/broker/clients"                [Role(Broker)] => plans::clients::caseload;
    GET  "/broker/clients/new"            [Role(Broker)] => plans::clients::new_form;
    POST "/broker/clients"                [Role(Broker)] => plans::clients::create;
    GET  "/broker/clients/{id}"           [Role(Broker)] => plans::clients::show;
    POST "/broker/clients/{id}"           [Role(Broker)] => plans::clients::update;
    GET  "/broker/clients/{id}/edit"      [Role(Broker)] => plans::clients::edit_form;
    POST "/broker/clients/{id}/act"       [Role(Broker)] => plans::clients::act;
    POST "/broker/acting/stop"            [Role(Broker)] => plans::clients::stop_acting;
    POST "/broker/clients/{id}/handover"  [Role(Broker)] => plans::clients::hand_over;
    POST "/broker/clients/{id}/close"     [Role(Broker)] => plans::clients::set_closed;
    GET  "/admin/clients"                 [Role(Admin)] => plans::clients::admin_list;
    POST "/admin/clients/{id}/handover"   [Role(Admin)] => plans::clients::admin_hand_over;
    GET  "/static/{path:.*}"              [Public]      => static_files::serve;
}

/// The acting account and request id, for the audit log.
pub struct RequestActor(pub Actor);

impl FromRequest for RequestActor {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = load_user(&req).await?;
            let request_id = req
                .extensions()
                .get::<tracing_actix_web::RequestId>()
                .map(|id| id.to_string());
            Ok(RequestActor(Actor {
                user_id: user.map(|u| u.id),
                request_id,
            }))
        })
    }
}

/// The route table as JSON: `[{"method", "path", "access", "roles"}]`, where `access` is
/// `public`, `signed_in` or `roles` (any of `roles`).
pub fn table_json() -> String {
    let rows: Vec<serde_json::Value> = table()
        .iter()
        .map(|r| {
            let (access, roles): (&str, Vec<&str>) = match r.access {
                Access::Public => ("public", Vec::new()),
                Access::SignedIn => ("signed_in", Vec::new()),
                Access::Role(role) => ("roles", vec![role.as_str()]),
                Access::AnyRole(roles) => ("roles", roles.iter().map(|r| r.as_str()).collect()),
            };
            serde_json::json!({
                "method": r.method.as_str(),
                "path": r.path,
                "access": access,
                "roles": roles,
            })
        })
        .collect();
    serde_json::to_string_pretty(&rows).unwrap_or_default()
}

/// Page numbers from the query string: anything odd becomes page 1.
pub fn page_number(raw: &str) -> u64 {
    raw.parse::<u64>()
        .ok()
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1)
}

/// A numeric id from the path; anything else is a page that does not exist.
pub fn path_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// The `{id}` of a route's path as a number: `PathId(id): PathId<OrganisationId>` in a
/// handler (plain `PathId` for tables whose ids are not typed yet). Anything that is not a
/// number is a page that does not exist (404), before the handler runs.
#[derive(Clone, Copy, Debug)]
pub struct PathId<T = i64>(pub T);

impl<T: From<i64> + 'static> FromRequest for PathId<T> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            req.match_info()
                .get("id")
                .ok_or(AppError::NotFound)
                .and_then(path_id)
                .map(|id| PathId(T::from(id))),
        )
    }
}

/// 200 for a form shown fresh, 422 when it comes back with errors.
pub fn form_status(errors: &crate::domain::validation::FieldErrors) -> actix_web::http::StatusCode {
    if errors.is_empty() {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// Runs CPU- or disk-heavy work (pictures, documents, searches) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    web::block(work)
        .await
        .map_err(|err| AppError::Internal(anyhow::anyhow!("{err}")))
}

/// A CSV file to download; `body` is the CSV, `Err` when it could not be written.
pub fn csv_download(
    file_name: &str,
    body: Result<String, csv::Error>,
) -> crate::error::AppResult<HttpResponse> {
    let body = body.map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body))
}

/// Post/redirect/get: a 303 to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// An HTML page with a status (422 for a form sent back with errors).
pub fn html_page(status: actix_web::http::StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// Counts an attempt against a rate limit, refusing with 429 when it is reached.
pub(crate) fn rate_limit(
    state: &crate::state::AppState,
    key: String,
    limit: crate::auth::rate_limit::Limit,
) -> Result<(), AppError> {
    state
        .rate_limiter
        .check(&key, limit)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })
}
