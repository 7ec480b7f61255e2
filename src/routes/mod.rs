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
    pub access: Access,
}

/// Declares the route table. A row is `METHOD "path" [as name(param: Type, …)] [access] =>
/// handler;`: the first row of each path names it, and the name becomes a typed builder in
/// [`paths`] (`paths::listing(id)` gives `/listings/7`), so pages, redirects and emails
/// never write a URL by hand.
macro_rules! route_table {
    (@name) => { None };
    (@name $name:ident) => { Some(stringify!($name)) };
    ($(
        $method:ident $path:literal
        $(as $name:ident ( $($param:ident : $ty:ty),* ))?
        [$access:expr] => $handler:path ;
    )*) => {
        /// Every route of the service with its authorisation rule.
        pub fn table() -> Vec<RouteRule> {
            vec![$( RouteRule {
                method: Method::$method,
                path: $path,
                name: route_table!(@name $($name)?),
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
    GET  "/" as home()                                                               [Public]            => home::index;
    GET  "/health" as health()                                                       [Public]            => home::health;
    GET  "/ready" as ready()                                                         [Public]            => home::ready;
    GET  "/metrics" as metrics()                                                     [MetricsToken]      => home::metrics;
    GET  "/accessibility" as accessibility()                                         [Public]            => info::accessibility;
    GET  "/privacy" as privacy()                                                     [Public]            => info::privacy;
    GET  "/cookies" as cookies()                                                     [Public]            => info::cookies;
    GET  "/register" as register()                                                   [Public]            => accounts::register_form;
    POST "/register"                                                                 [Public]            => accounts::register;
    GET  "/verify-email/{token}" as verify_email(token: &str)                        [Public]            => accounts::verify_email;
    POST "/verify-email/resend" as verify_email_resend()                             [SignedIn]          => accounts::resend_verification;
    GET  "/sign-in" as sign_in()                                                     [Public]            => accounts::sessions::sign_in_form;
    POST "/sign-in"                                                                  [Public]            => accounts::sessions::sign_in;
    POST "/sign-out" as sign_out()                                                   [Public]            => accounts::sessions::sign_out;
    GET  "/sign-in/code" as sign_in_code()                                           [Public]            => accounts::two_factor::challenge_form;
    POST "/sign-in/code"                                                             [Public]            => accounts::two_factor::challenge;
    GET  "/sign-in/set-up" as sign_in_set_up()                                       [Public]            => accounts::two_factor::set_up_at_sign_in_form;
    POST "/sign-in/set-up"                                                           [Public]            => accounts::two_factor::set_up_at_sign_in;
    GET  "/account/two-factor" as account_two_factor()                               [SignedIn]          => accounts::two_factor::account_page;
    GET  "/account/two-factor/set-up" as account_two_factor_set_up()                 [SignedIn]          => accounts::two_factor::set_up_form;
    POST "/account/two-factor/set-up"                                                [SignedIn]          => accounts::two_factor::set_up;
    POST "/account/two-factor/recovery-codes" as account_two_factor_recovery_codes() [SignedIn]          => accounts::two_factor::new_recovery_codes;
    POST "/account/two-factor/turn-off" as account_two_factor_turn_off()             [SignedIn]          => accounts::two_factor::turn_off;
    GET  "/account/confirm" as account_confirm()                                     [SignedIn]          => accounts::two_factor::confirm_form;
    POST "/account/confirm"                                                          [SignedIn]          => accounts::two_factor::confirm;
    GET  "/forgot-password" as forgot_password()                                     [Public]            => accounts::passwords::forgot_password_form;
    POST "/forgot-password"                                                          [Public]            => accounts::passwords::forgot_password;
    GET  "/reset-password/{token}" as reset_password(token: &str)                    [Public]            => accounts::passwords::reset_password_form;
    POST "/reset-password/{token}"                                                   [Public]            => accounts::passwords::reset_password;
    GET  "/account" as account()                                                     [SignedIn]          => accounts::account;
    POST "/account"                                                                  [SignedIn]          => accounts::update_profile;
    GET  "/account/personal-data" as account_personal_data()                         [SignedIn]          => privacy::own_page;
    GET  "/account/personal-data/download" as account_personal_data_download()       [SignedIn]          => privacy::own_download;
    POST "/account/personal-data/erasure" as account_personal_data_erasure()         [SignedIn]          => privacy::request_erasure;
    GET  "/account/password" as account_password()                                   [SignedIn]          => accounts::passwords::change_password_form;
    POST "/account/password"                                                         [SignedIn]          => accounts::passwords::change_password;
    GET  "/invitations/{token}" as invitation(token: &str)                           [Public]            => accounts::invitations::invitation_form;
    POST "/invitations/{token}"                                                      [Public]            => accounts::invitations::accept_invitation;
    GET  "/admin" as admin()                                                         [Role(Admin)]       => admin::overview;
    GET  "/admin/users" as admin_users()                                             [Role(Admin)]       => admin::users;
    GET  "/admin/users/{id}" as admin_user(id: UserId)                               [Role(Admin)]       => admin::user_detail;
    POST "/admin/users/{id}/roles" as admin_user_roles(id: UserId)                   [Role(Admin)]       => admin::grant_role;
    POST "/admin/users/{id}/roles/revoke" as admin_user_roles_revoke(id: UserId)     [Role(Admin)]       => admin::revoke_role;
    POST "/admin/users/{id}/status" as admin_user_status(id: UserId)                 [Role(Admin)]       => admin::set_status;
    POST "/admin/users/{id}/two-factor/reset" as admin_user_two_factor_reset(id: UserId) [Role(Admin)]   => accounts::two_factor::admin_reset;
    GET  "/admin/users/{id}/personal-data" as admin_user_personal_data(id: UserId)   [Role(Admin)]       => privacy::person_page;
    GET  "/admin/users/{id}/personal-data/export" as admin_user_personal_data_export(id: UserId) [Role(Admin)] => privacy::person_export;
    POST "/admin/users/{id}/erase" as admin_user_erase(id: UserId)                   [Role(Admin)]       => privacy::erase_person;
    GET  "/admin/retention" as admin_retention()                                     [Role(Admin)]       => privacy::retention;
    GET  "/admin/processing" as admin_processing()                                   [Role(Admin)]       => privacy::processing;
    GET  "/admin/erasure-requests" as admin_erasure_requests()                       [Role(Admin)]       => privacy::queue;
    POST "/admin/erasure-requests/{id}/decline" as admin_erasure_request_decline(id: i64) [Role(Admin)]  => privacy::decline;
    GET  "/admin/invitations" as admin_invitations()                                 [Role(Admin)]       => admin::invitations;
    POST "/admin/invitations"                                                        [Role(Admin)]       => admin::invite;
    GET  "/admin/categories" as admin_categories()                                   [Role(Admin)]       => categories::list;
    POST "/admin/categories"                                                         [Role(Admin)]       => categories::add;
    GET  "/admin/categories/{id}" as admin_category(id: i64)                         [Role(Admin)]       => categories::edit;
    POST "/admin/categories/{id}"                                                    [Role(Admin)]       => categories::update;
    POST "/admin/categories/{id}/archive" as admin_category_archive(id: i64)         [Role(Admin)]       => categories::archive;
    GET  "/admin/audit" as admin_audit()                                             [Role(Admin)]       => admin::audit;
    GET  "/admin/mail" as admin_mail()                                               [Role(Admin)]       => admin::mail;
    GET  "/api/v1/me" as api_v1_me()                                                 [SignedIn]          => api::me;
    GET  "/api/openapi.json" as api_openapi_json()                                   [Public]            => api_docs::openapi_json;
    GET  "/api/docs" as api_docs()                                                   [Public]            => api_docs::docs_root;
    GET  "/api/docs/{path:.*}" as api_docs_file(path: &str)                          [Public]            => api_docs::docs;
    GET  "/provider" as provider_home()                                              [Role(Provider)]    => providers::dashboard;
    GET  "/provider/organisations/new" as provider_organisations_new()               [Role(Provider)]    => providers::new_form;
    POST "/provider/organisations" as provider_organisations()                       [Role(Provider)]    => providers::create;
    GET  "/provider/organisations/{id}" as provider_organisation(id: OrganisationId) [Role(Provider)]    => providers::manage;
    POST "/provider/organisations/{id}"                                              [Role(Provider)]    => providers::update_profile;
    POST "/provider/organisations/{id}/logo" as provider_organisation_logo(id: OrganisationId) [Role(Provider)] => providers::upload_logo;
    POST "/provider/organisations/{id}/members" as provider_organisation_members(id: OrganisationId) [Role(Provider)] => providers::invite_member;
    GET  "/provider/organisations/{id}/evidence" as provider_organisation_evidence(id: OrganisationId) [Role(Provider)] => providers::evidence::evidence;
    POST "/provider/organisations/{id}/evidence"                                     [Role(Provider)]    => providers::evidence::save_evidence;
    POST "/provider/organisations/{id}/submit" as provider_organisation_submit(id: OrganisationId) [Role(Provider)] => providers::evidence::submit;
    POST "/provider/organisations/{id}/evidence/files" as provider_organisation_evidence_files(id: OrganisationId) [Role(Provider)] => providers::evidence_files::upload;
    GET  "/evidence-files/{id}" as evidence_file(id: i64)                            [SignedIn]          => providers::evidence_files::download;
    POST "/evidence-files/{id}/remove" as evidence_file_remove(id: i64)              [Role(Provider)]    => providers::evidence_files::remove;
    GET  "/admin/providers" as admin_providers()                                     [Role(Admin)]       => providers::evidence::queue;
    GET  "/admin/providers/{id}" as admin_provider(id: OrganisationId)               [Role(Admin)]       => providers::evidence::review;
    POST "/admin/providers/{id}/decision" as admin_provider_decision(id: OrganisationId) [Role(Admin)]   => providers::evidence::decide;
    GET  "/provider/organisations/{id}/listings" as provider_organisation_listings(id: OrganisationId) [Role(Provider)] => listings::organisation_listings;
    GET  "/provider/organisations/{id}/listings/new" as provider_organisation_listings_new(id: OrganisationId) [Role(Provider)] => listings::new_form;
    POST "/provider/organisations/{id}/listings"                                     [Role(Provider)]    => listings::create;
    GET  "/provider/listings/{id}" as provider_listing(id: ListingId)                [Role(Provider)]    => listings::manage;
    POST "/provider/listings/{id}"                                                   [Role(Provider)]    => listings::save;
    GET  "/provider/listings/{id}/edit" as provider_listing_edit(id: ListingId)      [Role(Provider)]    => listings::edit_form;
    GET  "/provider/listings/{id}/preview" as provider_listing_preview(id: ListingId) [Role(Provider)]   => listings::preview;
    GET  "/provider/listings/{id}/places" as provider_listing_places(id: ListingId)  [Role(Provider)]    => places::form;
    POST "/provider/listings/{id}/places"                                            [Role(Provider)]    => places::save;
    GET  "/provider/placements" as provider_placements()                             [Role(Provider)]    => placements::provider_list;
    GET  "/provider/placements/{id}" as provider_placement(id: i64)                  [Role(Provider)]    => placements::provider_show;
    POST "/provider/placements/{id}/assess" as provider_placement_assess(id: i64)    [Role(Provider)]    => placements::assess;
    POST "/provider/placements/{id}/offer" as provider_placement_offer(id: i64)      [Role(Provider)]    => placements::offer;
    POST "/provider/placements/{id}/decline" as provider_placement_decline(id: i64)  [Role(Provider)]    => placements::decline;
    GET  "/places" as places()                                                       [AnyRole(PLACE_READERS)] => places::overview;
    GET  "/placements" as placements()                                               [Role(Broker)]      => placements::list;
    GET  "/placements/new" as placements_new()                                       [Role(Broker)]      => placements::new_form;
    POST "/placements/new"                                                           [Role(Broker)]      => placements::send;
    GET  "/placements/{id}" as placement(id: i64)                                    [Role(Broker)]      => placements::show;
    POST "/placements/{id}/withdraw" as placement_withdraw(id: i64)                  [Role(Broker)]      => placements::withdraw;
    POST "/placements/{id}/offers/{offer}/confirm" as placement_offer_confirm(id: i64, offer: i64) [Role(Broker)] => placements::confirm;
    POST "/provider/listings/{id}/photos" as provider_listing_photos(id: ListingId)  [Role(Provider)]    => listings::add_photo;
    POST "/provider/listings/{id}/photos/remove" as provider_listing_photos_remove(id: ListingId) [Role(Provider)] => listings::remove_photo;
    POST "/provider/listings/{id}/submit" as provider_listing_submit(id: ListingId)  [Role(Provider)]    => listings::submit;
    POST "/provider/listings/{id}/confirm" as provider_listing_confirm(id: ListingId) [Role(Provider)]   => listings::confirm_review;
    POST "/provider/listings/{id}/archive" as provider_listing_archive(id: ListingId) [Role(Provider)]   => listings::archive;
    GET  "/admin/listings" as admin_listings()                                       [Role(Admin)]       => listings::admin::queue;
    GET  "/admin/listings/{id}" as admin_listing(id: ListingId)                      [Role(Admin)]       => listings::admin::review;
    POST "/admin/listings/{id}/decision" as admin_listing_decision(id: ListingId)    [Role(Admin)]       => listings::admin::decide;
    POST "/admin/listings/{id}/suspend" as admin_listing_suspend(id: ListingId)      [Role(Admin)]       => listings::admin::suspend;
    POST "/admin/listings/{id}/unsuspend" as admin_listing_unsuspend(id: ListingId)  [Role(Admin)]       => listings::admin::unsuspend;
    POST "/admin/listings/{id}/archive" as admin_listing_archive(id: ListingId)      [Role(Admin)]       => listings::admin::archive;
    GET  "/listings/{id}" as listing(id: ListingId)                                  [Public]            => listings::public;
    GET  "/search" as search()                                                       [Public]            => search::page;
    GET  "/saved-searches" as saved_searches()                                       [SignedIn]          => saved_searches::list;
    POST "/saved-searches"                                                           [SignedIn]          => saved_searches::create;
    POST "/saved-searches/{id}" as saved_search(id: i64)                             [SignedIn]          => saved_searches::update;
    POST "/saved-searches/{id}/delete" as saved_search_delete(id: i64)               [SignedIn]          => saved_searches::delete;
    GET  "/saved-searches/{id}/stop/{token}" as saved_search_unsubscribe(id: i64, token: &str) [Public] => saved_searches::unsubscribe_form;
    POST "/saved-searches/{id}/stop/{token}"                                         [Public]            => saved_searches::unsubscribe;
    GET  "/listings/{id}/report" as listing_report(id: ListingId)                    [Public]            => listings::reports::form;
    POST "/listings/{id}/report"                                                     [Public]            => listings::reports::send;
    GET  "/admin/reports" as admin_reports()                                         [Role(Admin)]       => listings::reports::queue;
    POST "/admin/reports/{id}/resolve" as admin_report_resolve(id: i64)              [Role(Admin)]       => listings::reports::resolve;
    GET  "/api/v1/search" as api_v1_search()                                         [Public]            => search::api;
    GET  "/openreferral" as openreferral()                                           [Public]            => openreferral::root;
    GET  "/openreferral/" as openreferral_slash()                                    [Public]            => openreferral::root;
    GET  "/openreferral/openapi.json" as openreferral_openapi_json()                 [Public]            => openreferral::openapi;
    GET  "/openreferral/services" as openreferral_services()                         [Public]            => openreferral::services;
    GET  "/openreferral/services/{id}" as openreferral_service(id: &str)             [Public]            => openreferral::service;
    GET  "/openreferral/service_at_locations" as openreferral_service_at_locations() [Public]            => openreferral::service_at_locations;
    GET  "/openreferral/service_at_locations/{id}" as openreferral_service_at_location(id: &str) [Public] => openreferral::service_at_location;
    GET  "/openreferral/taxonomies" as openreferral_taxonomies()                     [Public]            => openreferral::taxonomies;
    GET  "/openreferral/taxonomies/{id}" as openreferral_taxonomy(id: &str)          [Public]            => openreferral::taxonomy;
    GET  "/openreferral/taxonomy_terms" as openreferral_taxonomy_terms()             [Public]            => openreferral::taxonomy_terms;
    GET  "/openreferral/taxonomy_terms/{id}" as openreferral_taxonomy_term(id: &str) [Public]            => openreferral::taxonomy_term;
    GET  "/admin/searches" as admin_searches()                                       [Role(Admin)]       => search::demand_log;
    GET  "/admin/import" as admin_import()                                           [Role(Admin)]       => import::form;
    POST "/admin/import"                                                             [Role(Admin)]       => import::upload;
    GET  "/admin/import/template.csv" as admin_import_template_csv()                 [Role(Admin)]       => import::template_csv;
    GET  "/admin/listings.csv" as admin_listings_csv()                               [Role(Admin)]       => import::listings_csv;
    GET  "/admin/cqc" as admin_cqc()                                                 [Role(Admin)]       => cqc::page;
    POST "/admin/cqc"                                                                [Role(Admin)]       => cqc::upload;
    POST "/admin/cqc/drafts" as admin_cqc_drafts()                                   [Role(Admin)]       => cqc::add_drafts;
    GET  "/admin/cqc/changes" as admin_cqc_changes()                                 [Role(Admin)]       => cqc::queue;
    POST "/admin/cqc/changes/{id}/acknowledge" as admin_cqc_change_acknowledge(id: i64) [Role(Admin)]    => cqc::acknowledge;
    POST "/admin/cqc/changes/{id}/suspend" as admin_cqc_change_suspend(id: i64)      [Role(Admin)]       => cqc::suspend;
    POST "/admin/cqc/changes/{id}/invite" as admin_cqc_change_invite(id: i64)        [Role(Admin)]       => cqc::invite;
    GET  "/providers/{id}" as provider_profile(id: OrganisationId)                   [Public]            => providers::public;
    GET  "/media/{name}" as media(name: &str)                                        [Public]            => providers::media;
    GET  "/shortlist" as shortlist()                                                 [Public]            => plans::shortlists::show;
    GET  "/shortlist/print" as shortlist_print()                                     [Public]            => plans::shortlists::print;
    POST "/shortlist"                                                                [Public]            => plans::shortlists::add;
    POST "/shortlist/remove" as shortlist_remove()                                   [Public]            => plans::shortlists::remove;
    POST "/shortlist/note" as shortlist_note()                                       [AnyRole(SEEKERS)]  => plans::shortlists::save_note;
    GET  "/listings/{id}/enquire" as listing_enquire(id: ListingId)                  [AnyRole(SEEKERS)]  => enquiries::new_form;
    POST "/listings/{id}/enquire"                                                    [AnyRole(SEEKERS)]  => enquiries::send;
    GET  "/enquiries" as enquiries()                                                 [AnyRole(SEEKERS)]  => enquiries::list;
    GET  "/enquiries/{id}" as enquiry(id: i64)                                       [SignedIn]          => enquiries::show;
    POST "/enquiries/{id}/messages" as enquiry_messages(id: i64)                     [SignedIn]          => enquiries::message;
    POST "/enquiries/{id}/close" as enquiry_close(id: i64)                           [SignedIn]          => enquiries::close;
    GET  "/plan" as plan()                                                           [AnyRole(SEEKERS)]  => plans::show;
    POST "/plan/budget" as plan_budget()                                             [AnyRole(SEEKERS)]  => plans::set_budget;
    POST "/plan/items" as plan_items()                                               [AnyRole(SEEKERS)]  => plans::add_item;
    POST "/plan/items/{id}/remove" as plan_item_remove(id: i64)                      [AnyRole(SEEKERS)]  => plans::remove_item;
    GET  "/plan/ras" as plan_ras()                                                   [AnyRole(SEEKERS)]  => plans::ras_form;
    POST "/plan/ras"                                                                 [AnyRole(SEEKERS)]  => plans::ras_submit;
    GET  "/plan.csv" as plan_csv()                                                   [AnyRole(SEEKERS)]  => plans::csv;
    GET  "/plan/print" as plan_print()                                               [AnyRole(SEEKERS)]  => plans::print;
    GET  "/commissioner/ras" as commissioner_ras()                                   [Role(Commissioner)] => plans::ras::editor;
    POST "/commissioner/ras"                                                         [Role(Commissioner)] => plans::ras::publish;
    GET  "/funding" as funding()                                                     [Public]            => fund::index;
    GET  "/funding/grants.json" as funding_grants_json()                             [Public]            => fund::grants_json;
    GET  "/funding/grants.csv" as funding_grants_csv()                               [Public]            => fund::grants_csv;
    GET  "/funding/{id}" as funding_round(id: i64)                                   [Public]            => fund::round;
    POST "/funding/{id}/apply" as funding_round_apply(id: i64)                       [Role(Provider)]    => fund::apply;
    GET  "/provider/funding" as provider_funding()                                   [Role(Provider)]    => fund::mine;
    GET  "/provider/funding/{id}" as provider_funding_application(id: i64)           [Role(Provider)]    => fund::application;
    POST "/provider/funding/{id}"                                                    [Role(Provider)]    => fund::save;
    POST "/provider/funding/{id}/withdraw" as provider_funding_application_withdraw(id: i64) [Role(Provider)] => fund::withdraw;
    GET  "/commissioner/funding" as commissioner_funding()                           [Role(Commissioner)] => fund::admin::list;
    GET  "/commissioner/funding/new" as commissioner_funding_new()                   [Role(Commissioner)] => fund::admin::new_form;
    POST "/commissioner/funding/new"                                                 [Role(Commissioner)] => fund::admin::create;
    GET  "/commissioner/funding/applications/{id}" as commissioner_funding_application(id: i64) [Role(Commissioner)] => fund::admin::application;
    POST "/commissioner/funding/applications/{id}/decision" as commissioner_funding_application_decision(id: i64) [Role(Commissioner)] => fund::admin::decide;
    POST "/commissioner/funding/applications/{id}/payments" as commissioner_funding_application_payments(id: i64) [Role(Commissioner)] => fund::admin::add_payment;
    POST "/commissioner/funding/applications/{id}/milestones" as commissioner_funding_application_milestones(id: i64) [Role(Commissioner)] => fund::admin::add_milestone;
    POST "/commissioner/funding/applications/{id}/milestones/{milestone}/met" as commissioner_funding_application_milestone_met(id: i64, milestone: i64) [Role(Commissioner)] => fund::admin::milestone_met;
    POST "/commissioner/funding/applications/{id}/listings" as commissioner_funding_application_listings(id: i64) [Role(Commissioner)] => fund::admin::link_listing;
    GET  "/commissioner/funding/{id}" as commissioner_funding_round(id: i64)         [Role(Commissioner)] => fund::admin::show;
    GET  "/commissioner/funding/{id}/edit" as commissioner_funding_round_edit(id: i64) [Role(Commissioner)] => fund::admin::edit_form;
    POST "/commissioner/funding/{id}/edit"                                           [Role(Commissioner)] => fund::admin::update;
    POST "/commissioner/funding/{id}/publish" as commissioner_funding_round_publish(id: i64) [Role(Commissioner)] => fund::admin::publish;
    POST "/commissioner/funding/{id}/panel" as commissioner_funding_round_panel(id: i64) [Role(Commissioner)] => fund::admin::add_panel_member;
    POST "/commissioner/funding/{id}/panel/{user}/remove" as commissioner_funding_round_panel_remove(id: i64, user: UserId) [Role(Commissioner)] => fund::admin::remove_panel_member;
    GET  "/panel" as panel()                                                         [SignedIn]          => fund::panel::home;
    GET  "/panel/applications/{id}" as panel_application(id: i64)                    [SignedIn]          => fund::panel::application;
    POST "/panel/applications/{id}/scores" as panel_application_scores(id: i64)      [SignedIn]          => fund::panel::scores;
    POST "/panel/applications/{id}/conflict" as panel_application_conflict(id: i64)  [SignedIn]          => fund::panel::conflict;
    GET  "/commissioner/market" as commissioner_market()                             [AnyRole(MARKET_READERS)] => market::overview;
    GET  "/commissioner/mps" as commissioner_mps()                                   [Role(Commissioner)] => market::mps::admin_list;
    POST "/commissioner/mps"                                                         [Role(Commissioner)] => market::mps::create;
    GET  "/commissioner/mps/{id}" as commissioner_mps_document(id: i64)              [Role(Commissioner)] => market::mps::editor;
    POST "/commissioner/mps/{id}"                                                    [Role(Commissioner)] => market::mps::save;
    POST "/commissioner/mps/{id}/refresh" as commissioner_mps_document_refresh(id: i64) [Role(Commissioner)] => market::mps::refresh;
    GET  "/commissioner/mps/{id}/publish" as commissioner_mps_document_publish(id: i64) [Role(Commissioner)] => market::mps::confirm_publish;
    POST "/commissioner/mps/{id}/publish"                                            [Role(Commissioner)] => market::mps::publish;
    GET  "/commissioner/mps/{id}/preview" as commissioner_mps_document_preview(id: i64) [Role(Commissioner)] => market::mps::preview;
    GET  "/commissioner/mps/{id}/pdf" as commissioner_mps_document_pdf(id: i64)       [Role(Commissioner)] => market::mps::draft_pdf;
    GET  "/market-position-statements" as market_position_statements()               [Public]            => market::mps::public_list;
    GET  "/market-position-statements/{id}" as market_position_statement(id: i64)    [Public]            => market::mps::public_document;
    GET  "/market-position-statements/{id}/pdf" as market_position_statement_pdf(id: i64) [Public]       => market::mps::public_pdf;
    GET  "/commissioner/market/supply.csv" as commissioner_market_supply_csv()       [AnyRole(MARKET_READERS)] => market::supply_csv;
    GET  "/commissioner/market/demand.csv" as commissioner_market_demand_csv()       [AnyRole(MARKET_READERS)] => market::demand_csv;
    GET  "/commissioner/market/gaps.csv" as commissioner_market_gaps_csv()           [AnyRole(MARKET_READERS)] => market::gaps_csv;
    GET  "/commissioner/market/prices.csv" as commissioner_market_prices_csv()       [AnyRole(MARKET_READERS)] => market::prices_csv;
    GET  "/commissioner/market/ratings.csv" as commissioner_market_ratings_csv()     [AnyRole(MARKET_READERS)] => market::ratings_csv;
    GET  "/commissioner/market/provider-kinds.csv" as commissioner_market_provider_kinds_csv() [AnyRole(MARKET_READERS)] => market::kinds_csv;
    GET  "/commissioner/market/new-and-withdrawn.csv" as commissioner_market_new_and_withdrawn_csv() [AnyRole(MARKET_READERS)] => market::flows_csv;
    GET  "/commissioner/market/languages.csv" as commissioner_market_languages_csv() [AnyRole(MARKET_READERS)] => market::languages_csv;
    GET  "/commissioner/market/searches-that-found-nothing.csv" as commissioner_market_searches_that_found_nothing_csv() [AnyRole(MARKET_READERS)] => market::zero_results_csv;
    GET  "/commissioner/market/quality" as commissioner_market_quality()             [AnyRole(MARKET_READERS)] => market::quality;
    GET  "/commissioner/market/quality.csv" as commissioner_market_quality_csv()     [AnyRole(MARKET_READERS)] => market::quality_csv;
    POST "/enquiries/{id}/review" as enquiry_review(id: i64)                         [SignedIn]          => reviews::write;
    GET  "/admin/reviews" as admin_reviews()                                         [Role(Admin)]       => reviews::queue;
    POST "/admin/reviews/{id}/decision" as admin_review_decision(id: i64)            [Role(Admin)]       => reviews::decide;
    GET  "/provider/organisations/{id}/reviews" as provider_organisation_reviews(id: OrganisationId) [Role(Provider)] => reviews::provider_list;
    POST "/provider/reviews/{id}/reply" as provider_review_reply(id: i64)            [Role(Provider)]    => reviews::reply;
    GET  "/checker" as checker()                                                     [Role(QualityChecker)] => checking::home;
    GET  "/checker/profile" as checker_profile()                                     [Role(QualityChecker)] => checking::profile_form;
    POST "/checker/profile"                                                          [Role(QualityChecker)] => checking::save_profile;
    GET  "/checker/assignments/{id}" as checker_assignment(id: i64)                  [Role(QualityChecker)] => checking::show;
    POST "/checker/assignments/{id}/accept" as checker_assignment_accept(id: i64)    [Role(QualityChecker)] => checking::accept;
    POST "/checker/assignments/{id}/decline" as checker_assignment_decline(id: i64)  [Role(QualityChecker)] => checking::decline;
    POST "/checker/assignments/{id}/inspection" as checker_assignment_inspection(id: i64) [Role(QualityChecker)] => checking::inspections::start;
    GET  "/checker/inspections/{id}/{step}" as checker_inspection_step(id: i64, step: &str) [Role(QualityChecker)] => checking::inspections::step_form;
    POST "/checker/inspections/{id}/photos/add" as checker_inspection_photos_add(id: i64) [Role(QualityChecker)] => checking::inspections::add_photo;
    POST "/checker/inspections/{id}/photos/{photo}/remove" as checker_inspection_photo_remove(id: i64, photo: i64) [Role(QualityChecker)] => checking::inspections::remove_photo;
    GET  "/inspection-photos/{id}" as inspection_photo(id: i64)                      [Public]            => checking::inspections::photo;
    POST "/checker/inspections/{id}/submit" as checker_inspection_submit(id: i64)    [Role(QualityChecker)] => checking::inspections::submit;
    POST "/checker/inspections/{id}/{step}"                                          [Role(QualityChecker)] => checking::inspections::save_step;
    GET  "/admin/inspections" as admin_inspections()                                 [Role(Admin)]       => checking::review::queue;
    GET  "/admin/inspections/{id}" as admin_inspection(id: i64)                      [Role(Admin)]       => checking::review::review;
    POST "/admin/inspections/{id}/return" as admin_inspection_return(id: i64)        [Role(Admin)]       => checking::review::send_back;
    POST "/admin/inspections/{id}/publish" as admin_inspection_publish(id: i64)      [Role(Admin)]       => checking::review::publish;
    GET  "/listings/{id}/quality" as listing_quality(id: ListingId)                  [Public]            => checking::review::public_report;
    POST "/provider/listings/{id}/quality-response" as provider_listing_quality_response(id: ListingId) [Role(Provider)] => checking::review::provider_response;
    GET  "/admin/checking" as admin_checking()                                       [Role(Admin)]       => checking::admin_overview;
    GET  "/admin/listings/{id}/assign" as admin_listing_assign(id: ListingId)        [Role(Admin)]       => checking::assign_form;
    POST "/admin/listings/{id}/assign"                                               [Role(Admin)]       => checking::assign;
    POST "/admin/assignments/{id}/cancel" as admin_assignment_cancel(id: i64)        [Role(Admin)]       => checking::cancel;
    GET  "/provider/organisations/{id}/enquiries" as provider_organisation_enquiries(id: OrganisationId) [Role(Provider)] => enquiries::inbox;
    GET  "/broker/clients" as broker_clients()                                       [Role(Broker)]      => plans::clients::caseload;
    GET  "/broker/clients/new" as broker_clients_new()                               [Role(Broker)]      => plans::clients::new_form;
    POST "/broker/clients"                                                           [Role(Broker)]      => plans::clients::create;
    GET  "/broker/clients/{id}" as broker_client(id: i64)                            [Role(Broker)]      => plans::clients::show;
    POST "/broker/clients/{id}"                                                      [Role(Broker)]      => plans::clients::update;
    GET  "/broker/clients/{id}/edit" as broker_client_edit(id: i64)                  [Role(Broker)]      => plans::clients::edit_form;
    POST "/broker/clients/{id}/act" as broker_client_act(id: i64)                    [Role(Broker)]      => plans::clients::act;
    POST "/broker/acting/stop" as broker_acting_stop()                               [Role(Broker)]      => plans::clients::stop_acting;
    POST "/broker/clients/{id}/handover" as broker_client_handover(id: i64)          [Role(Broker)]      => plans::clients::hand_over;
    POST "/broker/clients/{id}/close" as broker_client_close(id: i64)                [Role(Broker)]      => plans::clients::set_closed;
    GET  "/admin/clients" as admin_clients()                                         [Role(Admin)]       => plans::clients::admin_list;
    GET  "/admin/clients/{id}/personal-data" as admin_client_personal_data(id: i64)  [Role(Admin)]       => privacy::client_page;
    GET  "/admin/clients/{id}/personal-data/export" as admin_client_personal_data_export(id: i64) [Role(Admin)] => privacy::client_export;
    POST "/admin/clients/{id}/erase" as admin_client_erase(id: i64)                  [Role(Admin)]       => privacy::erase_client;
    POST "/admin/clients/{id}/handover" as admin_client_handover(id: i64)            [Role(Admin)]       => plans::clients::admin_hand_over;
    GET  "/static/{path:.*}" as static_file(path: &str)                              [Public]            => static_files::serve;
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
