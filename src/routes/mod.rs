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
pub mod cqc;
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
pub mod placements;
pub mod places;
pub mod plans;
pub mod privacy;
pub mod providers;
pub mod reviews;
pub mod saved_searches;
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
    /// The name of the path's builder in [`paths`], on the first row of each path.
    pub name: Option<&'static str>,
    /// Whose records it reads or changes.
    pub scope: Scope,
    pub access: Access,
}

/// Whose records a route reads or changes: stated beside its access rule, so that every
/// row says both who may use it and how far it reaches in a deployment of several councils.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The council the request is for (by host name or `/c/{slug}/`): its directory, its
    /// staff's queues and records. A role counts only in the council that granted it (a
    /// provider's and a deployment administrator's count in every council).
    Council,
    /// The signed-in person's own account, or their organisation's: the same whichever
    /// council's pages they came through (providers serve several councils).
    Own,
    /// The deployment as a whole: health, readiness, metrics, the API's documentation and
    /// shared pictures.
    Deployment,
}

/// Declares the route table. A row is `METHOD "path" [as name(param: Type, …)] [scope,
/// access] => handler;`: the first row of each path names it, and the name becomes a typed builder in
/// [`paths`] (`paths::listing(id)` gives `/listings/7`), so pages, redirects and emails
/// never write a URL by hand.
macro_rules! route_table {
    (@name) => { None };
    (@name $name:ident) => { Some(stringify!($name)) };
    ($(
        $method:ident $path:literal
        $(as $name:ident ( $($param:ident : $ty:ty),* ))?
        [$scope:ident, $access:expr] => $handler:path ;
    )*) => {
        /// Every route of the service with its authorisation rule.
        pub fn table() -> Vec<RouteRule> {
            vec![$( RouteRule {
                method: Method::$method,
                path: $path,
                name: route_table!(@name $($name)?),
                scope: Scope::$scope,
                access: $access,
            } ),*]
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

        /// Typed builders for every path of the route table, named by its rows: the only
        /// way pages, redirects and emails write an internal URL. Each takes the path's
        /// parameters in order, typed (an organisation's id is an `OrganisationId`), and
        /// percent-encodes text parameters.
        pub mod paths {
            #[allow(unused_imports)]
            use entity::{listings::ListingId, provider_organisations::OrganisationId, users::UserId};

            $($(
                #[doc = concat!("`", $path, "`")]
                pub fn $name($($param: $ty),*) -> String {
                    super::fill_path($path, &[$((stringify!($param), &$param)),*])
                }
            )?)*

            /// Every named path as (name, pattern, its parameters' names in order).
            pub const NAMED: &[(&str, &str, &[&str])] = &[
                $($( (stringify!($name), $path, &[$(stringify!($param)),*]), )?)*
            ];

            /// The route pattern a name stands for (`"listing"` gives `/listings/{id}`).
            pub fn pattern(name: &str) -> Option<&'static str> {
                NAMED.iter().find(|(n, _, _)| *n == name).map(|(_, p, _)| *p)
            }
        }
    };
}

/// Fills a route pattern's `{name}` (or `{name:regex}`) placeholders from `params`. Text is
/// percent-encoded except for the characters a path may hold as they are; a `{path:.*}`
/// tail keeps its slashes. While answering a request whose address named its council
/// (`/c/{slug}/…`), the path starts with that too, but for static files and pictures, which
/// are the same for every council.
fn fill_path(pattern: &str, params: &[(&str, &dyn std::fmt::Display)]) -> String {
    use std::fmt::Write;
    let mut out = if pattern.starts_with("/static/") || pattern.starts_with("/media/") {
        String::with_capacity(pattern.len() + 16)
    } else {
        crate::council_scope::link_prefix()
    };
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let placeholder = &rest[open + 1..close];
        let (name, regex) = placeholder
            .split_once(':')
            .map_or((placeholder, None), |(n, r)| (n, Some(r)));
        let value = params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        for byte in value.bytes() {
            let keep = byte.is_ascii_alphanumeric()
                || b"-._~".contains(&byte)
                || (byte == b'/' && regex.is_some());
            if keep {
                out.push(byte as char);
            } else {
                let _ = write!(out, "%{byte:02X}");
            }
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

use Access::{AnyRole, MetricsToken, Public, Role, SignedIn};

/// Budget holders and brokers: the people who look for and arrange support.
const SEEKERS: &[crate::auth::roles::Role] = &[BudgetHolder, Broker];
/// Brokers, commissioners and admins: who see places free across the area.
const PLACE_READERS: &[crate::auth::roles::Role] = &[Broker, Commissioner, Admin];
/// Commissioners and admins: who read the market analysis.
const MARKET_READERS: &[crate::auth::roles::Role] = &[Commissioner, Admin];

route_table! {
    GET  "/" as home()                                                               [Council, Public]               => home::index;
    GET  "/health" as health()                                                       [Deployment, Public]            => home::health;
    GET  "/ready" as ready()                                                         [Deployment, Public]            => home::ready;
    GET  "/metrics" as metrics()                                                     [Deployment, MetricsToken]      => home::metrics;
    GET  "/accessibility" as accessibility()                                         [Council, Public]               => info::accessibility;
    GET  "/privacy" as privacy()                                                     [Council, Public]               => info::privacy;
    GET  "/cookies" as cookies()                                                     [Council, Public]               => info::cookies;
    GET  "/register" as register()                                                   [Council, Public]               => accounts::register_form;
    POST "/register"                                                                 [Council, Public]               => accounts::register;
    GET  "/verify-email/{token}" as verify_email(token: &str)                        [Own, Public]                   => accounts::verify_email;
    POST "/verify-email/resend" as verify_email_resend()                             [Own, SignedIn]                 => accounts::resend_verification;
    GET  "/sign-in" as sign_in()                                                     [Own, Public]                   => accounts::sessions::sign_in_form;
    POST "/sign-in"                                                                  [Own, Public]                   => accounts::sessions::sign_in;
    POST "/sign-out" as sign_out()                                                   [Own, Public]                   => accounts::sessions::sign_out;
    GET  "/sign-in/code" as sign_in_code()                                           [Own, Public]                   => accounts::two_factor::challenge_form;
    POST "/sign-in/code"                                                             [Own, Public]                   => accounts::two_factor::challenge;
    GET  "/sign-in/set-up" as sign_in_set_up()                                       [Own, Public]                   => accounts::two_factor::set_up_at_sign_in_form;
    POST "/sign-in/set-up"                                                           [Own, Public]                   => accounts::two_factor::set_up_at_sign_in;
    GET  "/account/two-factor" as account_two_factor()                               [Own, SignedIn]                 => accounts::two_factor::account_page;
    GET  "/account/two-factor/set-up" as account_two_factor_set_up()                 [Own, SignedIn]                 => accounts::two_factor::set_up_form;
    POST "/account/two-factor/set-up"                                                [Own, SignedIn]                 => accounts::two_factor::set_up;
    POST "/account/two-factor/recovery-codes" as account_two_factor_recovery_codes() [Own, SignedIn]                 => accounts::two_factor::new_recovery_codes;
    POST "/account/two-factor/turn-off" as account_two_factor_turn_off()             [Own, SignedIn]                 => accounts::two_factor::turn_off;
    GET  "/account/confirm" as account_confirm()                                     [Own, SignedIn]                 => accounts::two_factor::confirm_form;
    POST "/account/confirm"                                                          [Own, SignedIn]                 => accounts::two_factor::confirm;
    GET  "/forgot-password" as forgot_password()                                     [Own, Public]                   => accounts::passwords::forgot_password_form;
    POST "/forgot-password"                                                          [Own, Public]                   => accounts::passwords::forgot_password;
    GET  "/reset-password/{token}" as reset_password(token: &str)                    [Own, Public]                   => accounts::passwords::reset_password_form;
    POST "/reset-password/{token}"                                                   [Own, Public]                   => accounts::passwords::reset_password;
    GET  "/account" as account()                                                     [Own, SignedIn]                 => accounts::account;
    POST "/account"                                                                  [Own, SignedIn]                 => accounts::update_profile;
    GET  "/account/personal-data" as account_personal_data()                         [Own, SignedIn]                 => privacy::own_page;
    GET  "/account/personal-data/download" as account_personal_data_download()       [Own, SignedIn]                 => privacy::own_download;
    POST "/account/personal-data/erasure" as account_personal_data_erasure()         [Own, SignedIn]                 => privacy::request_erasure;
    GET  "/account/password" as account_password()                                   [Own, SignedIn]                 => accounts::passwords::change_password_form;
    POST "/account/password"                                                         [Own, SignedIn]                 => accounts::passwords::change_password;
    GET  "/invitations/{token}" as invitation(token: &str)                           [Council, Public]               => accounts::invitations::invitation_form;
    POST "/invitations/{token}"                                                      [Council, Public]               => accounts::invitations::accept_invitation;
    GET  "/admin" as admin()                                                         [Council, Role(Admin)]          => admin::overview;
    GET  "/admin/users" as admin_users()                                             [Council, Role(Admin)]          => admin::users;
    GET  "/admin/users/{id}" as admin_user(id: UserId)                               [Council, Role(Admin)]          => admin::user_detail;
    POST "/admin/users/{id}/roles" as admin_user_roles(id: UserId)                   [Council, Role(Admin)]          => admin::grant_role;
    POST "/admin/users/{id}/roles/revoke" as admin_user_roles_revoke(id: UserId)     [Council, Role(Admin)]          => admin::revoke_role;
    POST "/admin/users/{id}/status" as admin_user_status(id: UserId)                 [Council, Role(Admin)]          => admin::set_status;
    POST "/admin/users/{id}/two-factor/reset" as admin_user_two_factor_reset(id: UserId) [Council, Role(Admin)]          => accounts::two_factor::admin_reset;
    GET  "/admin/users/{id}/personal-data" as admin_user_personal_data(id: UserId)   [Council, Role(Admin)]          => privacy::person_page;
    GET  "/admin/users/{id}/personal-data/export" as admin_user_personal_data_export(id: UserId) [Council, Role(Admin)]          => privacy::person_export;
    POST "/admin/users/{id}/erase" as admin_user_erase(id: UserId)                   [Council, Role(Admin)]          => privacy::erase_person;
    GET  "/admin/retention" as admin_retention()                                     [Council, Role(Admin)]          => privacy::retention;
    GET  "/admin/processing" as admin_processing()                                   [Council, Role(Admin)]          => privacy::processing;
    GET  "/admin/erasure-requests" as admin_erasure_requests()                       [Council, Role(Admin)]          => privacy::queue;
    POST "/admin/erasure-requests/{id}/decline" as admin_erasure_request_decline(id: i64) [Council, Role(Admin)]          => privacy::decline;
    GET  "/admin/invitations" as admin_invitations()                                 [Council, Role(Admin)]          => admin::invitations;
    POST "/admin/invitations"                                                        [Council, Role(Admin)]          => admin::invite;
    GET  "/admin/categories" as admin_categories()                                   [Council, Role(Admin)]          => categories::list;
    POST "/admin/categories"                                                         [Council, Role(Admin)]          => categories::add;
    GET  "/admin/categories/{id}" as admin_category(id: i64)                         [Council, Role(Admin)]          => categories::edit;
    POST "/admin/categories/{id}"                                                    [Council, Role(Admin)]          => categories::update;
    POST "/admin/categories/{id}/archive" as admin_category_archive(id: i64)         [Council, Role(Admin)]          => categories::archive;
    GET  "/admin/audit" as admin_audit()                                             [Council, Role(Admin)]          => admin::audit;
    GET  "/admin/mail" as admin_mail()                                               [Council, Role(Admin)]          => admin::mail;
    GET  "/api/v1/me" as api_v1_me()                                                 [Own, SignedIn]                 => api::me;
    GET  "/api/openapi.json" as api_openapi_json()                                   [Deployment, Public]            => api_docs::openapi_json;
    GET  "/api/docs" as api_docs()                                                   [Deployment, Public]            => api_docs::docs_root;
    GET  "/api/docs/{path:.*}" as api_docs_file(path: &str)                          [Deployment, Public]            => api_docs::docs;
    GET  "/provider" as provider_home()                                              [Own, Role(Provider)]           => providers::dashboard;
    GET  "/provider/organisations/new" as provider_organisations_new()               [Own, Role(Provider)]           => providers::new_form;
    POST "/provider/organisations" as provider_organisations()                       [Own, Role(Provider)]           => providers::create;
    GET  "/provider/organisations/{id}" as provider_organisation(id: OrganisationId) [Own, Role(Provider)]           => providers::manage;
    POST "/provider/organisations/{id}"                                              [Own, Role(Provider)]           => providers::update_profile;
    POST "/provider/organisations/{id}/logo" as provider_organisation_logo(id: OrganisationId) [Own, Role(Provider)]           => providers::upload_logo;
    POST "/provider/organisations/{id}/members" as provider_organisation_members(id: OrganisationId) [Own, Role(Provider)]           => providers::invite_member;
    GET  "/provider/organisations/{id}/evidence" as provider_organisation_evidence(id: OrganisationId) [Own, Role(Provider)]           => providers::evidence::evidence;
    POST "/provider/organisations/{id}/evidence"                                     [Own, Role(Provider)]           => providers::evidence::save_evidence;
    POST "/provider/organisations/{id}/submit" as provider_organisation_submit(id: OrganisationId) [Own, Role(Provider)]           => providers::evidence::submit;
    POST "/provider/organisations/{id}/evidence/files" as provider_organisation_evidence_files(id: OrganisationId) [Own, Role(Provider)]           => providers::evidence_files::upload;
    GET  "/evidence-files/{id}" as evidence_file(id: i64)                            [Own, SignedIn]                 => providers::evidence_files::download;
    POST "/evidence-files/{id}/remove" as evidence_file_remove(id: i64)              [Own, Role(Provider)]           => providers::evidence_files::remove;
    GET  "/admin/providers" as admin_providers()                                     [Council, Role(Admin)]          => providers::evidence::queue;
    GET  "/admin/providers/{id}" as admin_provider(id: OrganisationId)               [Council, Role(Admin)]          => providers::evidence::review;
    POST "/admin/providers/{id}/decision" as admin_provider_decision(id: OrganisationId) [Council, Role(Admin)]          => providers::evidence::decide;
    GET  "/provider/organisations/{id}/listings" as provider_organisation_listings(id: OrganisationId) [Own, Role(Provider)]           => listings::organisation_listings;
    GET  "/provider/organisations/{id}/listings/new" as provider_organisation_listings_new(id: OrganisationId) [Own, Role(Provider)]           => listings::new_form;
    POST "/provider/organisations/{id}/listings"                                     [Own, Role(Provider)]           => listings::create;
    GET  "/provider/listings/{id}" as provider_listing(id: ListingId)                [Own, Role(Provider)]           => listings::manage;
    POST "/provider/listings/{id}"                                                   [Own, Role(Provider)]           => listings::save;
    GET  "/provider/listings/{id}/edit" as provider_listing_edit(id: ListingId)      [Own, Role(Provider)]           => listings::edit_form;
    GET  "/provider/listings/{id}/preview" as provider_listing_preview(id: ListingId) [Own, Role(Provider)]           => listings::preview;
    GET  "/provider/listings/{id}/places" as provider_listing_places(id: ListingId)  [Own, Role(Provider)]           => places::form;
    POST "/provider/listings/{id}/places"                                            [Own, Role(Provider)]           => places::save;
    GET  "/provider/placements" as provider_placements()                             [Own, Role(Provider)]           => placements::provider_list;
    GET  "/provider/placements/{id}" as provider_placement(id: i64)                  [Own, Role(Provider)]           => placements::provider_show;
    POST "/provider/placements/{id}/assess" as provider_placement_assess(id: i64)    [Own, Role(Provider)]           => placements::assess;
    POST "/provider/placements/{id}/offer" as provider_placement_offer(id: i64)      [Own, Role(Provider)]           => placements::offer;
    POST "/provider/placements/{id}/decline" as provider_placement_decline(id: i64)  [Own, Role(Provider)]           => placements::decline;
    GET  "/places" as places()                                                       [Council, AnyRole(PLACE_READERS)] => places::overview;
    GET  "/placements" as placements()                                               [Council, Role(Broker)]         => placements::list;
    GET  "/placements/new" as placements_new()                                       [Council, Role(Broker)]         => placements::new_form;
    POST "/placements/new"                                                           [Council, Role(Broker)]         => placements::send;
    GET  "/placements/{id}" as placement(id: i64)                                    [Council, Role(Broker)]         => placements::show;
    POST "/placements/{id}/withdraw" as placement_withdraw(id: i64)                  [Council, Role(Broker)]         => placements::withdraw;
    POST "/placements/{id}/offers/{offer}/confirm" as placement_offer_confirm(id: i64, offer: i64) [Council, Role(Broker)]         => placements::confirm;
    POST "/provider/listings/{id}/photos" as provider_listing_photos(id: ListingId)  [Own, Role(Provider)]           => listings::add_photo;
    POST "/provider/listings/{id}/photos/remove" as provider_listing_photos_remove(id: ListingId) [Own, Role(Provider)]           => listings::remove_photo;
    POST "/provider/listings/{id}/submit" as provider_listing_submit(id: ListingId)  [Own, Role(Provider)]           => listings::submit;
    POST "/provider/listings/{id}/confirm" as provider_listing_confirm(id: ListingId) [Own, Role(Provider)]           => listings::confirm_review;
    POST "/provider/listings/{id}/archive" as provider_listing_archive(id: ListingId) [Own, Role(Provider)]           => listings::archive;
    GET  "/admin/listings" as admin_listings()                                       [Council, Role(Admin)]          => listings::admin::queue;
    GET  "/admin/listings/{id}" as admin_listing(id: ListingId)                      [Council, Role(Admin)]          => listings::admin::review;
    POST "/admin/listings/{id}/decision" as admin_listing_decision(id: ListingId)    [Council, Role(Admin)]          => listings::admin::decide;
    POST "/admin/listings/{id}/suspend" as admin_listing_suspend(id: ListingId)      [Council, Role(Admin)]          => listings::admin::suspend;
    POST "/admin/listings/{id}/unsuspend" as admin_listing_unsuspend(id: ListingId)  [Council, Role(Admin)]          => listings::admin::unsuspend;
    POST "/admin/listings/{id}/archive" as admin_listing_archive(id: ListingId)      [Council, Role(Admin)]          => listings::admin::archive;
    GET  "/listings/{id}" as listing(id: ListingId)                                  [Council, Public]               => listings::public;
    GET  "/search" as search()                                                       [Council, Public]               => search::page;
    GET  "/saved-searches" as saved_searches()                                       [Council, SignedIn]             => saved_searches::list;
    POST "/saved-searches"                                                           [Council, SignedIn]             => saved_searches::create;
    POST "/saved-searches/{id}" as saved_search(id: i64)                             [Council, SignedIn]             => saved_searches::update;
    POST "/saved-searches/{id}/delete" as saved_search_delete(id: i64)               [Council, SignedIn]             => saved_searches::delete;
    GET  "/saved-searches/{id}/stop/{token}" as saved_search_unsubscribe(id: i64, token: &str) [Council, Public]               => saved_searches::unsubscribe_form;
    POST "/saved-searches/{id}/stop/{token}"                                         [Council, Public]               => saved_searches::unsubscribe;
    GET  "/listings/{id}/report" as listing_report(id: ListingId)                    [Council, Public]               => listings::reports::form;
    POST "/listings/{id}/report"                                                     [Council, Public]               => listings::reports::send;
    GET  "/admin/reports" as admin_reports()                                         [Council, Role(Admin)]          => listings::reports::queue;
    POST "/admin/reports/{id}/resolve" as admin_report_resolve(id: i64)              [Council, Role(Admin)]          => listings::reports::resolve;
    GET  "/api/v1/search" as api_v1_search()                                         [Council, Public]               => search::api;
    GET  "/openreferral" as openreferral()                                           [Council, Public]               => openreferral::root;
    GET  "/openreferral/" as openreferral_slash()                                    [Council, Public]               => openreferral::root;
    GET  "/openreferral/openapi.json" as openreferral_openapi_json()                 [Council, Public]               => openreferral::openapi;
    GET  "/openreferral/services" as openreferral_services()                         [Council, Public]               => openreferral::services;
    GET  "/openreferral/services/{id}" as openreferral_service(id: &str)             [Council, Public]               => openreferral::service;
    GET  "/openreferral/service_at_locations" as openreferral_service_at_locations() [Council, Public]               => openreferral::service_at_locations;
    GET  "/openreferral/service_at_locations/{id}" as openreferral_service_at_location(id: &str) [Council, Public]               => openreferral::service_at_location;
    GET  "/openreferral/taxonomies" as openreferral_taxonomies()                     [Council, Public]               => openreferral::taxonomies;
    GET  "/openreferral/taxonomies/{id}" as openreferral_taxonomy(id: &str)          [Council, Public]               => openreferral::taxonomy;
    GET  "/openreferral/taxonomy_terms" as openreferral_taxonomy_terms()             [Council, Public]               => openreferral::taxonomy_terms;
    GET  "/openreferral/taxonomy_terms/{id}" as openreferral_taxonomy_term(id: &str) [Council, Public]               => openreferral::taxonomy_term;
    GET  "/admin/searches" as admin_searches()                                       [Council, Role(Admin)]          => search::demand_log;
    GET  "/admin/import" as admin_import()                                           [Council, Role(Admin)]          => import::form;
    POST "/admin/import"                                                             [Council, Role(Admin)]          => import::upload;
    GET  "/admin/import/template.csv" as admin_import_template_csv()                 [Council, Role(Admin)]          => import::template_csv;
    GET  "/admin/listings.csv" as admin_listings_csv()                               [Council, Role(Admin)]          => import::listings_csv;
    GET  "/admin/cqc" as admin_cqc()                                                 [Council, Role(Admin)]          => cqc::page;
    POST "/admin/cqc"                                                                [Council, Role(Admin)]          => cqc::upload;
    POST "/admin/cqc/drafts" as admin_cqc_drafts()                                   [Council, Role(Admin)]          => cqc::add_drafts;
    GET  "/admin/cqc/changes" as admin_cqc_changes()                                 [Council, Role(Admin)]          => cqc::queue;
    POST "/admin/cqc/changes/{id}/acknowledge" as admin_cqc_change_acknowledge(id: i64) [Council, Role(Admin)]          => cqc::acknowledge;
    POST "/admin/cqc/changes/{id}/suspend" as admin_cqc_change_suspend(id: i64)      [Council, Role(Admin)]          => cqc::suspend;
    POST "/admin/cqc/changes/{id}/invite" as admin_cqc_change_invite(id: i64)        [Council, Role(Admin)]          => cqc::invite;
    GET  "/providers/{id}" as provider_profile(id: OrganisationId)                   [Own, Public]                   => providers::public;
    GET  "/media/{name}" as media(name: &str)                                        [Deployment, Public]            => providers::media;
    GET  "/shortlist" as shortlist()                                                 [Council, Public]               => plans::shortlists::show;
    GET  "/shortlist/print" as shortlist_print()                                     [Council, Public]               => plans::shortlists::print;
    POST "/shortlist"                                                                [Council, Public]               => plans::shortlists::add;
    POST "/shortlist/remove" as shortlist_remove()                                   [Council, Public]               => plans::shortlists::remove;
    POST "/shortlist/note" as shortlist_note()                                       [Council, AnyRole(SEEKERS)]     => plans::shortlists::save_note;
    GET  "/listings/{id}/enquire" as listing_enquire(id: ListingId)                  [Council, AnyRole(SEEKERS)]     => enquiries::new_form;
    POST "/listings/{id}/enquire"                                                    [Council, AnyRole(SEEKERS)]     => enquiries::send;
    GET  "/enquiries" as enquiries()                                                 [Council, AnyRole(SEEKERS)]     => enquiries::list;
    GET  "/enquiries/{id}" as enquiry(id: i64)                                       [Council, SignedIn]             => enquiries::show;
    POST "/enquiries/{id}/messages" as enquiry_messages(id: i64)                     [Council, SignedIn]             => enquiries::message;
    POST "/enquiries/{id}/close" as enquiry_close(id: i64)                           [Council, SignedIn]             => enquiries::close;
    GET  "/plan" as plan()                                                           [Council, AnyRole(SEEKERS)]     => plans::show;
    POST "/plan/budget" as plan_budget()                                             [Council, AnyRole(SEEKERS)]     => plans::set_budget;
    POST "/plan/items" as plan_items()                                               [Council, AnyRole(SEEKERS)]     => plans::add_item;
    POST "/plan/items/{id}/remove" as plan_item_remove(id: i64)                      [Council, AnyRole(SEEKERS)]     => plans::remove_item;
    GET  "/plan/ras" as plan_ras()                                                   [Council, AnyRole(SEEKERS)]     => plans::ras_form;
    POST "/plan/ras"                                                                 [Council, AnyRole(SEEKERS)]     => plans::ras_submit;
    GET  "/plan.csv" as plan_csv()                                                   [Council, AnyRole(SEEKERS)]     => plans::csv;
    GET  "/plan/print" as plan_print()                                               [Council, AnyRole(SEEKERS)]     => plans::print;
    GET  "/commissioner/ras" as commissioner_ras()                                   [Council, Role(Commissioner)]   => plans::ras::editor;
    POST "/commissioner/ras"                                                         [Council, Role(Commissioner)]   => plans::ras::publish;
    GET  "/funding" as funding()                                                     [Council, Public]               => fund::index;
    GET  "/funding/grants.json" as funding_grants_json()                             [Council, Public]               => fund::grants_json;
    GET  "/funding/grants.csv" as funding_grants_csv()                               [Council, Public]               => fund::grants_csv;
    GET  "/funding/{id}" as funding_round(id: i64)                                   [Council, Public]               => fund::round;
    POST "/funding/{id}/apply" as funding_round_apply(id: i64)                       [Council, Role(Provider)]       => fund::apply;
    GET  "/provider/funding" as provider_funding()                                   [Own, Role(Provider)]           => fund::mine;
    GET  "/provider/funding/{id}" as provider_funding_application(id: i64)           [Own, Role(Provider)]           => fund::application;
    POST "/provider/funding/{id}"                                                    [Own, Role(Provider)]           => fund::save;
    POST "/provider/funding/{id}/withdraw" as provider_funding_application_withdraw(id: i64) [Own, Role(Provider)]           => fund::withdraw;
    GET  "/commissioner/funding" as commissioner_funding()                           [Council, Role(Commissioner)]   => fund::admin::list;
    GET  "/commissioner/funding/new" as commissioner_funding_new()                   [Council, Role(Commissioner)]   => fund::admin::new_form;
    POST "/commissioner/funding/new"                                                 [Council, Role(Commissioner)]   => fund::admin::create;
    GET  "/commissioner/funding/applications/{id}" as commissioner_funding_application(id: i64) [Council, Role(Commissioner)]   => fund::admin::application;
    POST "/commissioner/funding/applications/{id}/decision" as commissioner_funding_application_decision(id: i64) [Council, Role(Commissioner)]   => fund::admin::decide;
    POST "/commissioner/funding/applications/{id}/payments" as commissioner_funding_application_payments(id: i64) [Council, Role(Commissioner)]   => fund::admin::add_payment;
    POST "/commissioner/funding/applications/{id}/milestones" as commissioner_funding_application_milestones(id: i64) [Council, Role(Commissioner)]   => fund::admin::add_milestone;
    POST "/commissioner/funding/applications/{id}/milestones/{milestone}/met" as commissioner_funding_application_milestone_met(id: i64, milestone: i64) [Council, Role(Commissioner)]   => fund::admin::milestone_met;
    POST "/commissioner/funding/applications/{id}/listings" as commissioner_funding_application_listings(id: i64) [Council, Role(Commissioner)]   => fund::admin::link_listing;
    GET  "/commissioner/funding/{id}" as commissioner_funding_round(id: i64)         [Council, Role(Commissioner)]   => fund::admin::show;
    GET  "/commissioner/funding/{id}/edit" as commissioner_funding_round_edit(id: i64) [Council, Role(Commissioner)]   => fund::admin::edit_form;
    POST "/commissioner/funding/{id}/edit"                                           [Council, Role(Commissioner)]   => fund::admin::update;
    POST "/commissioner/funding/{id}/publish" as commissioner_funding_round_publish(id: i64) [Council, Role(Commissioner)]   => fund::admin::publish;
    POST "/commissioner/funding/{id}/panel" as commissioner_funding_round_panel(id: i64) [Council, Role(Commissioner)]   => fund::admin::add_panel_member;
    POST "/commissioner/funding/{id}/panel/{user}/remove" as commissioner_funding_round_panel_remove(id: i64, user: UserId) [Council, Role(Commissioner)]   => fund::admin::remove_panel_member;
    GET  "/panel" as panel()                                                         [Council, SignedIn]             => fund::panel::home;
    GET  "/panel/applications/{id}" as panel_application(id: i64)                    [Council, SignedIn]             => fund::panel::application;
    POST "/panel/applications/{id}/scores" as panel_application_scores(id: i64)      [Council, SignedIn]             => fund::panel::scores;
    POST "/panel/applications/{id}/conflict" as panel_application_conflict(id: i64)  [Council, SignedIn]             => fund::panel::conflict;
    GET  "/commissioner/market" as commissioner_market()                             [Council, AnyRole(MARKET_READERS)] => market::overview;
    GET  "/commissioner/mps" as commissioner_mps()                                   [Council, Role(Commissioner)]   => market::mps::admin_list;
    POST "/commissioner/mps"                                                         [Council, Role(Commissioner)]   => market::mps::create;
    GET  "/commissioner/mps/{id}" as commissioner_mps_document(id: i64)              [Council, Role(Commissioner)]   => market::mps::editor;
    POST "/commissioner/mps/{id}"                                                    [Council, Role(Commissioner)]   => market::mps::save;
    POST "/commissioner/mps/{id}/refresh" as commissioner_mps_document_refresh(id: i64) [Council, Role(Commissioner)]   => market::mps::refresh;
    GET  "/commissioner/mps/{id}/publish" as commissioner_mps_document_publish(id: i64) [Council, Role(Commissioner)]   => market::mps::confirm_publish;
    POST "/commissioner/mps/{id}/publish"                                            [Council, Role(Commissioner)]   => market::mps::publish;
    GET  "/commissioner/mps/{id}/preview" as commissioner_mps_document_preview(id: i64) [Council, Role(Commissioner)]   => market::mps::preview;
    GET  "/commissioner/mps/{id}/pdf" as commissioner_mps_document_pdf(id: i64)       [Council, Role(Commissioner)]   => market::mps::draft_pdf;
    GET  "/market-position-statements" as market_position_statements()               [Council, Public]               => market::mps::public_list;
    GET  "/market-position-statements/{id}" as market_position_statement(id: i64)    [Council, Public]               => market::mps::public_document;
    GET  "/market-position-statements/{id}/pdf" as market_position_statement_pdf(id: i64) [Council, Public]               => market::mps::public_pdf;
    GET  "/commissioner/market/supply.csv" as commissioner_market_supply_csv()       [Council, AnyRole(MARKET_READERS)] => market::supply_csv;
    GET  "/commissioner/market/demand.csv" as commissioner_market_demand_csv()       [Council, AnyRole(MARKET_READERS)] => market::demand_csv;
    GET  "/commissioner/market/gaps.csv" as commissioner_market_gaps_csv()           [Council, AnyRole(MARKET_READERS)] => market::gaps_csv;
    GET  "/commissioner/market/prices.csv" as commissioner_market_prices_csv()       [Council, AnyRole(MARKET_READERS)] => market::prices_csv;
    GET  "/commissioner/market/ratings.csv" as commissioner_market_ratings_csv()     [Council, AnyRole(MARKET_READERS)] => market::ratings_csv;
    GET  "/commissioner/market/provider-kinds.csv" as commissioner_market_provider_kinds_csv() [Council, AnyRole(MARKET_READERS)] => market::kinds_csv;
    GET  "/commissioner/market/new-and-withdrawn.csv" as commissioner_market_new_and_withdrawn_csv() [Council, AnyRole(MARKET_READERS)] => market::flows_csv;
    GET  "/commissioner/market/languages.csv" as commissioner_market_languages_csv() [Council, AnyRole(MARKET_READERS)] => market::languages_csv;
    GET  "/commissioner/market/searches-that-found-nothing.csv" as commissioner_market_searches_that_found_nothing_csv() [Council, AnyRole(MARKET_READERS)] => market::zero_results_csv;
    GET  "/commissioner/market/quality" as commissioner_market_quality()             [Council, AnyRole(MARKET_READERS)] => market::quality;
    GET  "/commissioner/market/quality.csv" as commissioner_market_quality_csv()     [Council, AnyRole(MARKET_READERS)] => market::quality_csv;
    POST "/enquiries/{id}/review" as enquiry_review(id: i64)                         [Council, SignedIn]             => reviews::write;
    GET  "/admin/reviews" as admin_reviews()                                         [Council, Role(Admin)]          => reviews::queue;
    POST "/admin/reviews/{id}/decision" as admin_review_decision(id: i64)            [Council, Role(Admin)]          => reviews::decide;
    GET  "/provider/organisations/{id}/reviews" as provider_organisation_reviews(id: OrganisationId) [Own, Role(Provider)]           => reviews::provider_list;
    POST "/provider/reviews/{id}/reply" as provider_review_reply(id: i64)            [Own, Role(Provider)]           => reviews::reply;
    GET  "/checker" as checker()                                                     [Council, Role(QualityChecker)] => checking::home;
    GET  "/checker/profile" as checker_profile()                                     [Council, Role(QualityChecker)] => checking::profile_form;
    POST "/checker/profile"                                                          [Council, Role(QualityChecker)] => checking::save_profile;
    GET  "/checker/assignments/{id}" as checker_assignment(id: i64)                  [Council, Role(QualityChecker)] => checking::show;
    POST "/checker/assignments/{id}/accept" as checker_assignment_accept(id: i64)    [Council, Role(QualityChecker)] => checking::accept;
    POST "/checker/assignments/{id}/decline" as checker_assignment_decline(id: i64)  [Council, Role(QualityChecker)] => checking::decline;
    POST "/checker/assignments/{id}/inspection" as checker_assignment_inspection(id: i64) [Council, Role(QualityChecker)] => checking::inspections::start;
    GET  "/checker/inspections/{id}/{step}" as checker_inspection_step(id: i64, step: &str) [Council, Role(QualityChecker)] => checking::inspections::step_form;
    POST "/checker/inspections/{id}/photos/add" as checker_inspection_photos_add(id: i64) [Council, Role(QualityChecker)] => checking::inspections::add_photo;
    POST "/checker/inspections/{id}/photos/{photo}/remove" as checker_inspection_photo_remove(id: i64, photo: i64) [Council, Role(QualityChecker)] => checking::inspections::remove_photo;
    GET  "/inspection-photos/{id}" as inspection_photo(id: i64)                      [Council, Public]               => checking::inspections::photo;
    POST "/checker/inspections/{id}/submit" as checker_inspection_submit(id: i64)    [Council, Role(QualityChecker)] => checking::inspections::submit;
    POST "/checker/inspections/{id}/{step}"                                          [Council, Role(QualityChecker)] => checking::inspections::save_step;
    GET  "/admin/inspections" as admin_inspections()                                 [Council, Role(Admin)]          => checking::review::queue;
    GET  "/admin/inspections/{id}" as admin_inspection(id: i64)                      [Council, Role(Admin)]          => checking::review::review;
    POST "/admin/inspections/{id}/return" as admin_inspection_return(id: i64)        [Council, Role(Admin)]          => checking::review::send_back;
    POST "/admin/inspections/{id}/publish" as admin_inspection_publish(id: i64)      [Council, Role(Admin)]          => checking::review::publish;
    GET  "/listings/{id}/quality" as listing_quality(id: ListingId)                  [Council, Public]               => checking::review::public_report;
    POST "/provider/listings/{id}/quality-response" as provider_listing_quality_response(id: ListingId) [Own, Role(Provider)]           => checking::review::provider_response;
    GET  "/admin/checking" as admin_checking()                                       [Council, Role(Admin)]          => checking::admin_overview;
    GET  "/admin/listings/{id}/assign" as admin_listing_assign(id: ListingId)        [Council, Role(Admin)]          => checking::assign_form;
    POST "/admin/listings/{id}/assign"                                               [Council, Role(Admin)]          => checking::assign;
    POST "/admin/assignments/{id}/cancel" as admin_assignment_cancel(id: i64)        [Council, Role(Admin)]          => checking::cancel;
    GET  "/provider/organisations/{id}/enquiries" as provider_organisation_enquiries(id: OrganisationId) [Own, Role(Provider)]           => enquiries::inbox;
    GET  "/broker/clients" as broker_clients()                                       [Council, Role(Broker)]         => plans::clients::caseload;
    GET  "/broker/clients/new" as broker_clients_new()                               [Council, Role(Broker)]         => plans::clients::new_form;
    POST "/broker/clients"                                                           [Council, Role(Broker)]         => plans::clients::create;
    GET  "/broker/clients/{id}" as broker_client(id: i64)                            [Council, Role(Broker)]         => plans::clients::show;
    POST "/broker/clients/{id}"                                                      [Council, Role(Broker)]         => plans::clients::update;
    GET  "/broker/clients/{id}/edit" as broker_client_edit(id: i64)                  [Council, Role(Broker)]         => plans::clients::edit_form;
    POST "/broker/clients/{id}/act" as broker_client_act(id: i64)                    [Council, Role(Broker)]         => plans::clients::act;
    POST "/broker/acting/stop" as broker_acting_stop()                               [Council, Role(Broker)]         => plans::clients::stop_acting;
    POST "/broker/clients/{id}/handover" as broker_client_handover(id: i64)          [Council, Role(Broker)]         => plans::clients::hand_over;
    POST "/broker/clients/{id}/close" as broker_client_close(id: i64)                [Council, Role(Broker)]         => plans::clients::set_closed;
    GET  "/admin/clients" as admin_clients()                                         [Council, Role(Admin)]          => plans::clients::admin_list;
    GET  "/admin/clients/{id}/personal-data" as admin_client_personal_data(id: i64)  [Council, Role(Admin)]          => privacy::client_page;
    GET  "/admin/clients/{id}/personal-data/export" as admin_client_personal_data_export(id: i64) [Council, Role(Admin)]          => privacy::client_export;
    POST "/admin/clients/{id}/erase" as admin_client_erase(id: i64)                  [Council, Role(Admin)]          => privacy::erase_client;
    POST "/admin/clients/{id}/handover" as admin_client_handover(id: i64)            [Council, Role(Admin)]          => plans::clients::admin_hand_over;
    GET  "/static/{path:.*}" as static_file(path: &str)                              [Council, Public]               => static_files::serve;
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
            let council = req
                .extensions()
                .get::<crate::council_scope::ThisCouncil>()
                .map(|this| this.council.id);
            Ok(RequestActor(Actor {
                user_id: user.map(|u| u.id),
                request_id,
                council,
            }))
        })
    }
}

/// The route table as JSON: `[{"method", "path", "access", "roles"}]`, where `access` is
/// `public`, `signed_in`, `roles` (any of `roles`) or `metrics_token` (an operator's token,
/// no session).
pub fn table_json() -> String {
    let rows: Vec<serde_json::Value> = table()
        .iter()
        .map(|r| {
            let (access, roles): (&str, Vec<&str>) = match r.access {
                Access::Public => ("public", Vec::new()),
                Access::SignedIn => ("signed_in", Vec::new()),
                Access::Role(role) => ("roles", vec![role.as_str()]),
                Access::AnyRole(roles) => ("roles", roles.iter().map(|r| r.as_str()).collect()),
                Access::MetricsToken => ("metrics_token", Vec::new()),
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

/// The two numbers of a route's path, in the order they appear
/// (`/commissioner/funding/applications/{id}/milestones/{milestone}/met`): anything that is
/// not a number is a page that does not exist (404), before the handler runs.
#[derive(Clone, Copy, Debug)]
pub struct PathIds<A = i64, B = i64>(pub A, pub B);

impl<A: From<i64> + 'static, B: From<i64> + 'static> FromRequest for PathIds<A, B> {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let mut values = req.match_info().iter().map(|(_, value)| path_id(value));
        let ids = match (values.next(), values.next()) {
            (Some(a), Some(b)) => a.and_then(|a| b.map(|b| PathIds(A::from(a), B::from(b)))),
            _ => Err(AppError::NotFound),
        };
        std::future::ready(ids)
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
pub(crate) async fn rate_limit(
    state: &crate::state::AppState,
    key: String,
    limit: crate::auth::rate_limit::Limit,
) -> Result<(), AppError> {
    Ok(state.rate_limiter.check(&key, limit).await?)
}
