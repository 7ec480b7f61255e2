//! What an operator's Prometheus scrapes from `GET /metrics` (OpenMetrics text, behind the
//! `metrics_token` setting): requests and their latency by route pattern, search latency,
//! the index's lag behind the change table, the mail outbox, background job runs and the
//! database pools. Counters and histograms are this process's own since it started; the
//! gauges are read when scraped. Every instance answers for itself.

use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::web;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::state::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/listings/{id}`), or `unmatched`: never the raw path, so a
    /// stranger's made-up URLs cannot grow the series without bound.
    pub route: String,
    /// `2xx`, `3xx`, `4xx` or `5xx`.
    pub status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SearchLabels {
    /// `page` or `api`.
    pub source: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    pub job: String,
    /// `ok` or `failed`.
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PoolLabels {
    /// `writer` or `readers` (the same pool on PostgreSQL).
    pub pool: String,
    /// `idle` or `in_use`.
    pub state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutboxLabels {
    /// `pending` or `failed` (given up after the last retry).
    pub status: String,
}

fn latency() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// One process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
    search_seconds: Family<SearchLabels, Histogram, fn() -> Histogram>,
    jobs: Family<JobLabels, Counter>,
    mail_sent: Counter,
    mail_failed_attempts: Counter,
    index_changes_behind: Gauge,
    index_seconds_since_caught_up: Gauge<f64, AtomicU64>,
    index_rebuilding: Gauge,
    search_log_unwritten: Gauge,
    search_log_not_logged: Gauge,
    outbox: Family<OutboxLabels, Gauge>,
    pool: Family<PoolLabels, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kith");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern and status class",
            requests.clone(),
        );
        let request_seconds =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route pattern",
            request_seconds.clone(),
        );
        let search_seconds =
            Family::<SearchLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency);
        registry.register(
            "search_duration_seconds",
            "Time the search index took to answer a search (page or API)",
            search_seconds.clone(),
        );
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register(
            "background_job_runs",
            "Runs of the background jobs, by job and outcome",
            jobs.clone(),
        );
        let mail_sent = Counter::default();
        registry.register(
            "mail_sent",
            "Messages this process's mail sender sent",
            mail_sent.clone(),
        );
        let mail_failed_attempts = Counter::default();
        registry.register(
            "mail_failed_attempts",
            "Attempts to send a message that failed (it is tried again until the last retry)",
            mail_failed_attempts.clone(),
        );
        let outbox = Family::<OutboxLabels, Gauge>::default();
        registry.register(
            "mail_outbox_messages",
            "Messages in the outbox waiting to be sent, and given up on",
            outbox.clone(),
        );
        let index_changes_behind = Gauge::default();
        registry.register(
            "search_index_changes_behind",
            "Changes in the change table this instance's search index has not applied yet",
            index_changes_behind.clone(),
        );
        let index_seconds_since_caught_up = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "search_index_seconds_since_caught_up",
            "Seconds since this instance's index last caught up with the change table",
            index_seconds_since_caught_up.clone(),
        );
        let index_rebuilding = Gauge::default();
        registry.register(
            "search_index_rebuilding",
            "1 while this instance's search index is being built, else 0",
            index_rebuilding.clone(),
        );
        let search_log_unwritten = Gauge::default();
        registry.register(
            "search_log_unwritten",
            "Searches queued for the demand log and not written yet",
            search_log_unwritten.clone(),
        );
        let search_log_not_logged = Gauge::default();
        registry.register(
            "search_log_not_logged",
            "Searches since this process started that are not in the demand log",
            search_log_not_logged.clone(),
        );
        let pool = Family::<PoolLabels, Gauge>::default();
        registry.register(
            "database_pool_connections",
            "Database connections open in this process, idle or in use",
            pool.clone(),
        );
        Self {
            registry,
            requests,
            request_seconds,
            search_seconds,
            jobs,
            mail_sent,
            mail_failed_attempts,
            index_changes_behind,
            index_seconds_since_caught_up,
            index_rebuilding,
            search_log_unwritten,
            search_log_not_logged,
            outbox,
            pool,
        }
    }

    /// A search the index answered, in `took`.
    pub fn searched(&self, source: &str, took: Duration) {
        self.search_seconds
            .get_or_create(&SearchLabels {
                source: source.to_owned(),
            })
            .observe(took.as_secs_f64());
    }

    /// A background job's run.
    pub fn job_ran(&self, job: &str, ok: bool) {
        self.jobs
            .get_or_create(&JobLabels {
                job: job.to_owned(),
                outcome: if ok { "ok" } else { "failed" }.to_owned(),
            })
            .inc();
    }

    /// A message sent, or an attempt that failed.
    pub fn mail_attempt(&self, sent: bool) {
        if sent {
            self.mail_sent.inc();
        } else {
            self.mail_failed_attempts.inc();
        }
    }

    fn answered(&self, method: &str, route: &str, status: u16, took: Duration) {
        let (method, route) = (method.to_owned(), route.to_owned());
        self.requests
            .get_or_create(&RequestLabels {
                method: method.clone(),
                route: route.clone(),
                status: format!("{}xx", status / 100),
            })
            .inc();
        self.request_seconds
            .get_or_create(&RouteLabels { method, route })
            .observe(took.as_secs_f64());
    }

    /// The metrics as OpenMetrics text, with the gauges read now.
    pub async fn render(&self, state: &AppState) -> String {
        self.read_gauges(state).await;
        let mut out = String::new();
        if let Err(err) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(%err, "metrics could not be written");
        }
        out
    }

    async fn read_gauges(&self, state: &AppState) {
        let index = &state.search;
        self.index_rebuilding
            .set(i64::from(index.rebuilding().is_some() || !index.is_built()));
        if let Some(lag) = index.since_caught_up() {
            self.index_seconds_since_caught_up.set(lag.as_secs_f64());
        }
        let applied = index.last_applied_change().unwrap_or(0);
        match crate::domain::search::changes::waiting(&state.read, applied).await {
            Ok(n) => {
                self.index_changes_behind.set(saturating(n));
            }
            Err(err) => tracing::warn!(%err, "metrics: change table unreadable"),
        }
        self.search_log_unwritten
            .set(saturating(state.search_log.unwritten()));
        self.search_log_not_logged
            .set(saturating(state.search_log.not_logged()));
        match crate::mail::outbox::counts(&state.read).await {
            Ok((pending, failed)) => {
                for (status, n) in [("pending", pending), ("failed", failed)] {
                    self.outbox
                        .get_or_create(&OutboxLabels {
                            status: status.to_owned(),
                        })
                        .set(saturating(n));
                }
            }
            Err(err) => tracing::warn!(%err, "metrics: outbox unreadable"),
        }
        for (name, db) in [("writer", &state.db), ("readers", &state.read)] {
            let (size, idle) = pool_use(db);
            for (use_, n) in [("idle", idle), ("in_use", size.saturating_sub(idle))] {
                self.pool
                    .get_or_create(&PoolLabels {
                        pool: name.to_owned(),
                        state: use_.to_owned(),
                    })
                    .set(i64::from(n));
            }
        }
    }
}

fn saturating(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Connections open in the pool, and how many of them are idle.
fn pool_use(db: &DatabaseConnection) -> (u32, u32) {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            )
        }
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            )
        }
        _ => (0, 0),
    }
}

/// Middleware counting every request and its latency by route pattern.
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    // Only the methods Kith answers are named: a made-up method cannot add series either.
    let method = match *req.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        _ => "other",
    };
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let metrics = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.metrics.clone());
    let res = next.call(req).await;
    if let Some(metrics) = metrics {
        // An error from a middleware further in (a session store that is down) is answered
        // with its status further out: count it as that.
        let status = match &res {
            Ok(res) => res.status(),
            Err(err) => err.as_response_error().status_code(),
        };
        metrics.answered(method, &route, status.as_u16(), started.elapsed());
    }
    res
}
