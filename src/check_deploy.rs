//! `kith check-deploy`: what a deployment must not go live with (as Django's
//! `check --deploy`). Each finding says what is wrong and how to put it right; any finding
//! makes the command exit non-zero.

use entity::users;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::config::{Settings, SmtpSecurity};

/// One thing wrong with the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// A short name tests and scripts can match on, e.g. `demo-accounts`.
    pub code: &'static str,
    pub problem: String,
    pub fix: String,
}

fn finding(code: &'static str, problem: impl Into<String>, fix: impl Into<String>) -> Finding {
    Finding {
        code,
        problem: problem.into(),
        fix: fix.into(),
    }
}

/// Everything wrong with these settings and this database, in a fixed order.
pub async fn findings(
    settings: &Settings,
    db: &DatabaseConnection,
) -> anyhow::Result<Vec<Finding>> {
    let mut found = settings_findings(settings);
    let demo_accounts = users::Entity::find()
        .filter(
            users::Column::Email
                .like("%@kith.example")
                .or(users::Column::Email.like("%.kith.example")),
        )
        .count(db)
        .await?;
    if demo_accounts > 0 {
        found.insert(
            0,
            finding(
                "demo-accounts",
                format!("{demo_accounts} demo accounts with the published password can sign in"),
                "start from an empty database, or disable the demo accounts at /admin/users",
            ),
        );
    }
    found.extend(council_findings(db).await?);
    found.extend(file_findings(settings));
    Ok(found)
}

/// Councils that would publish grants under the example funder's names.
async fn council_findings(db: &DatabaseConnection) -> anyhow::Result<Vec<Finding>> {
    let example = Settings::default().funder();
    Ok(crate::domain::councils::all(db)
        .await?
        .into_iter()
        .filter(|c| {
            c.funder.identifier == example.identifier
                || c.funder.prefix == example.prefix
                || c.funder.name == example.name
        })
        .map(|c| {
            finding(
                "default-funder",
                format!("{}'s published grants data would name the example council", c.name),
                format!(
                    "set the council's own with `kith council set {} --funder-identifier … --funder-name … --grant-prefix …`",
                    c.slug.as_str()
                ),
            )
        })
        .collect())
}

/// What the settings alone show.
pub fn settings_findings(settings: &Settings) -> Vec<Finding> {
    let mut found = Vec::new();
    if settings.demo == Some(true) {
        found.push(finding(
            "demo-setting",
            "demo = true loads demo accounts into an empty database",
            "remove `demo` (or set it to false)",
        ));
    }
    let token = settings.metrics_token.trim();
    if !token.is_empty() && token.len() < 32 {
        found.push(finding(
            "short-metrics-token",
            format!(
                "metrics_token is {} characters: short enough to guess",
                token.len()
            ),
            "use at least 32 random characters (for example `openssl rand -hex 32`)",
        ));
    }
    if !settings.base_url.starts_with("https://") {
        found.push(finding(
            "http-base-url",
            format!(
                "base_url is {:?}: links in emails and cookies are not protected by TLS",
                settings.base_url
            ),
            "set base_url to the https:// address people use, behind a TLS proxy",
        ));
    }
    if settings.smtp_host.is_empty() {
        found.push(finding(
            "no-smtp",
            "no SMTP relay: mail is written to files and nobody receives it",
            "set smtp_host (and smtp_username, smtp_password)",
        ));
    } else if settings.smtp_security == SmtpSecurity::None {
        found.push(finding(
            "smtp-plaintext",
            "smtp_security = none sends mail and relay passwords unencrypted",
            "use starttls or tls unless the relay is on this machine",
        ));
    }
    if settings.proxy_hops() > 0 && !settings.bind_is_private() {
        found.push(finding(
            "proxy-bypass",
            format!(
                "trusted_proxies = {} but Kith listens on {}: clients can reach it around the proxy and write their own X-Forwarded-For",
                settings.proxy_hops(),
                settings.bind
            ),
            "bind to 127.0.0.1 or a private address only the proxy reaches",
        ));
    }
    if settings.proxy_hops() == 0 && !settings.listens_on_loopback_only() {
        // Not wrong in itself, but behind a proxy every client would share its address.
        found.push(finding(
            "proxy-unset",
            "trusted_proxies = 0: if a reverse proxy is in front, every visitor shares its address and its rate limits",
            "set trusted_proxies to the number of proxies in front of Kith (usually 1)",
        ));
    }
    found
}

#[cfg(unix)]
fn file_findings(settings: &Settings) -> Vec<Finding> {
    use std::os::unix::fs::PermissionsExt;
    let mut found = Vec::new();
    let mut check = |path: std::path::PathBuf, code: &'static str, fix: &'static str| {
        if let Ok(meta) = std::fs::metadata(&path)
            && meta.permissions().mode() & 0o077 != 0
        {
            found.push(finding(
                code,
                format!(
                    "{} can be read by other users of this machine (mode {:o})",
                    path.display(),
                    meta.permissions().mode() & 0o777
                ),
                fix,
            ));
        }
    };
    check(
        settings.data_dir.clone(),
        "data-dir-open",
        "chmod 700 the data directory",
    );
    if settings.session_key.is_empty() {
        check(
            settings.data_dir.join("session.key"),
            "session-key-open",
            "chmod 600 the session key file",
        );
    }
    found
}

#[cfg(not(unix))]
fn file_findings(_: &Settings) -> Vec<Finding> {
    Vec::new()
}

/// Prints the findings for the command line; returns whether the deployment passed.
pub fn report(found: &[Finding]) -> bool {
    if found.is_empty() {
        println!("kith check-deploy: no problems found.");
        return true;
    }
    for f in found {
        println!("✗ [{}] {}\n    fix: {}", f.code, f.problem, f.fix);
    }
    println!("kith check-deploy: {} problems found.", found.len());
    false
}
