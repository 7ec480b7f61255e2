//! One `Settings` struct, loaded from defaults, an optional `kith.toml` and `KITH_*`
//! environment variables (plain `DATABASE_URL` is accepted too).

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "./data";
const SESSION_KEY_FILE: &str = "session.key";
/// actix-web's cookie key wants 64 bytes.
const SESSION_KEY_BYTES: usize = 64;

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: String,
    /// `sqlite://…` or `postgres://…`; empty means a SQLite file under `data_dir`.
    pub database_url: String,
    /// Where the SQLite file, the search index, uploads and development mail live.
    pub data_dir: PathBuf,
    /// The address people use to reach the service; links in emails start with it.
    /// Empty means `http://{bind}`.
    pub base_url: String,
    /// Hex-encoded 64-byte key that signs session cookies; empty means generate one and
    /// keep it in `data_dir/session.key`.
    pub session_key: String,
    /// Load demo data (accounts with a published password) into an empty embedded SQLite
    /// database on start. Unset: only when the service listens on loopback alone.
    pub demo: Option<bool>,
    /// SMTP relay host; empty means write `.eml` files under `data_dir/mail`.
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_username: String,
    pub smtp_password: String,
    /// `starttls` (default), `tls` (implicit TLS) or `none` (a local relay only).
    pub smtp_security: SmtpSecurity,
    /// The From: address of every message.
    pub mail_from: String,
    /// Seconds a message being sent is left alone before it is tried again: covers a
    /// process that died mid-send. Longer than the slowest relay takes to answer.
    pub mail_claim_seconds: i64,
    /// `pretty` or `json`.
    pub log_format: LogFormat,
    /// How many reverse proxies of yours stand in front of Kith: the client address is read
    /// that many hops from the right of `X-Forwarded-For` (each proxy appends the address it
    /// saw). 0: ignore the header and use the connection's address.
    pub trusted_proxies: u8,
    /// Older name for one trusted proxy (`trusted_proxies = 1`).
    pub trust_forwarded_for: bool,
    /// Days sent (or given-up) mail stays in the outbox before it is deleted.
    pub mail_retention_days: i64,
    /// Days the raw search log (what people typed) is kept; older searches are rolled up
    /// into daily counts first, so the market figures do not change.
    pub search_log_retention_days: i64,
    /// Days used or expired sign-in links, reset links and invitations are kept.
    pub token_retention_days: i64,
    /// Days after an enquiry closes before its words and contact details are removed.
    pub enquiry_retention_days: i64,
    /// Days after a broker closes a client's case before the record is anonymised.
    pub client_retention_days: i64,
    /// Days an evidence document is kept after a newer one of its kind replaces it (or its
    /// organisation is turned down).
    pub evidence_retention_days: i64,
    /// Days inspection photos are kept after the inspection is published; 0 keeps them
    /// (the council sets its own policy).
    pub inspection_photo_retention_days: i64,
    /// Whether the server applies the retention schedule every hour. Off: only
    /// `kith retention --apply` does (a scheduled job on one instance, say).
    pub retention_job: bool,
    /// Searches (page and API together) one client address may make at once, and again each
    /// minute; 0 turns the limit off (load tests).
    pub search_requests_per_minute: u32,
    /// Searches waiting to be written to the demand log; when the log's writer falls this
    /// far behind, further searches are counted as not logged instead of waiting.
    pub search_log_queue: usize,
    /// Where uploaded files are kept: `local` (the data directory; one instance) or `s3`
    /// (an S3-compatible bucket that every instance shares).
    pub file_store: String,
    /// The bucket, for `file_store = "s3"`.
    pub s3_bucket: String,
    /// A folder inside the bucket for Kith's files (empty: the bucket's top).
    pub s3_prefix: String,
    /// The S3 server's address; empty means AWS itself (then `s3_region` says where).
    pub s3_endpoint: String,
    pub s3_region: String,
    /// Credentials; empty means the environment's (`AWS_ACCESS_KEY_ID`, an instance role).
    pub s3_access_key_id: String,
    pub s3_secret_access_key: String,
    /// The bearer token Prometheus sends for `GET /metrics`; empty turns `/metrics` off.
    pub metrics_token: String,
    /// Days a published listing stays trusted before its owner must confirm it (6 months).
    pub listing_review_days: i64,
    /// Days after the review date before an unconfirmed listing is hidden.
    pub listing_review_grace_days: i64,
    /// Days an enquiry waits for a provider's first reply before it closes as "no response".
    pub enquiry_no_response_days: i64,
    /// Days from a good or outstanding quality check to the next.
    pub quality_recheck_days: i64,
    /// Days from a "requires improvement" or "inadequate" check to the re-check.
    pub quality_recheck_poor_days: i64,
    /// Days from first publication to the first quality check.
    pub quality_first_check_days: i64,
    /// Days before a quality check is due that its checker is reminded.
    pub quality_check_reminder_days: i64,
    /// The council's organisation identifier in published grants data (org-id.guide).
    pub funder_identifier: String,
    /// The council's name in published grants data.
    pub funder_name: String,
    /// The council's 360Giving prefix for grant identifiers.
    pub grant_prefix: String,
    /// The council's area as CQC's register names it ("Location Local Authority"): its
    /// registered locations are kept from each import and offered as draft listings.
    pub council_local_authority: String,
}

/// Declares a setting with a fixed set of values. Anything else is refused when the settings
/// are read, naming the allowed values, so a typo never silently changes behaviour.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
        #[serde(try_from = "String")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(text: String) -> Result<Self, String> {
                match text.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!(
                        "“{text}” is not one of the allowed values: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

choice! {
    /// How mail reaches the SMTP relay.
    SmtpSecurity {
        /// Upgrade a plain connection (port 587).
        Starttls = "starttls",
        /// Implicit TLS (port 465).
        Tls = "tls",
        /// Unencrypted: a relay on the same machine only.
        None = "none",
    }
}

choice! {
    LogFormat {
        /// Human-readable lines.
        Pretty = "pretty",
        /// One JSON object a line, for log collectors.
        Json = "json",
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            bind: DEFAULT_BIND.to_owned(),
            database_url: String::new(),
            data_dir: PathBuf::from(DEFAULT_DATA_DIR),
            base_url: String::new(),
            session_key: String::new(),
            demo: None,
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_username: String::new(),
            smtp_password: String::new(),
            smtp_security: SmtpSecurity::Starttls,
            mail_from: "Kith <no-reply@kith.example>".to_owned(),
            mail_claim_seconds: 600,
            log_format: LogFormat::Pretty,
            trusted_proxies: 0,
            trust_forwarded_for: false,
            mail_retention_days: 30,
            search_log_retention_days: 90,
            token_retention_days: 7,
            enquiry_retention_days: 2 * 365,
            client_retention_days: 6 * 365,
            evidence_retention_days: 365,
            inspection_photo_retention_days: 0,
            retention_job: true,
            search_requests_per_minute: 120,
            search_log_queue: 10_000,
            metrics_token: String::new(),
            file_store: "local".to_owned(),
            s3_bucket: String::new(),
            s3_prefix: String::new(),
            s3_endpoint: String::new(),
            s3_region: "eu-west-2".to_owned(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: String::new(),
            listing_review_days: 182,
            listing_review_grace_days: 28,
            enquiry_no_response_days: 14,
            quality_recheck_days: 365,
            quality_recheck_poor_days: 90,
            quality_first_check_days: 90,
            quality_check_reminder_days: 3,
            funder_identifier: "GB-LAE-EXAMPLE".to_owned(),
            funder_name: "Example Council".to_owned(),
            grant_prefix: "360G-example".to_owned(),
            council_local_authority: "Trafford".to_owned(),
        }
    }
}

impl Settings {
    /// Defaults, then `kith.toml` (or the file named by `KITH_CONFIG`) if present, then
    /// `KITH_*` variables, then `DATABASE_URL` when `KITH_DATABASE_URL` is not set.
    pub fn load(config_file: Option<&Path>) -> anyhow::Result<Self> {
        let file = config_file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("KITH_CONFIG").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("kith.toml"));
        let builder = config::Config::builder()
            .add_source(config::File::from(file.as_path()).required(config_file.is_some()))
            .add_source(config::Environment::with_prefix("KITH").try_parsing(true));
        let mut settings: Settings = builder.build()?.try_deserialize()?;
        if settings.database_url.is_empty()
            && let Ok(url) = std::env::var("DATABASE_URL")
        {
            settings.database_url = url;
        }
        Ok(settings)
    }

    /// How long listings stay trusted before their owners must confirm them.
    pub fn review_policy(&self) -> crate::domain::listings::approval::ReviewPolicy {
        crate::domain::listings::approval::ReviewPolicy {
            cycle_days: self.listing_review_days.clamp(7, 3650),
            grace_days: self.listing_review_grace_days.clamp(0, 365),
        }
    }

    /// How often listings are quality checked.
    pub fn recheck_policy(&self) -> crate::domain::checking::recheck::RecheckPolicy {
        crate::domain::checking::recheck::RecheckPolicy {
            cycle_days: self.quality_recheck_days.clamp(30, 3650),
            poor_days: self.quality_recheck_poor_days.clamp(7, 3650),
            first_check_days: self.quality_first_check_days.clamp(0, 3650),
        }
    }

    /// Who publishes innovation-fund grants as open data.
    pub fn funder(&self) -> crate::domain::fund::export::Funder {
        crate::domain::fund::export::Funder {
            identifier: self.funder_identifier.clone(),
            name: self.funder_name.clone(),
            prefix: self.grant_prefix.clone(),
        }
    }

    /// Whether demo data may be loaded on start: as set, or by default only when nobody but
    /// this machine can reach the service.
    pub fn demo_wanted(&self) -> bool {
        self.demo.unwrap_or_else(|| self.listens_on_loopback_only())
    }

    /// The host part of `bind`, without IPv6 brackets.
    fn bind_host(&self) -> &str {
        self.bind
            .rsplit_once(':')
            .map_or(self.bind.as_str(), |(h, _)| h)
            .trim_start_matches('[')
            .trim_end_matches(']')
    }

    /// True when the bind address is a loopback address (127.0.0.0/8, ::1, localhost) and no
    /// public base URL is configured.
    pub fn listens_on_loopback_only(&self) -> bool {
        let host = self.bind_host();
        let loopback = host == "localhost"
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        loopback
            && (self.base_url.is_empty()
                || self.base_url.starts_with("http://127.")
                || self.base_url.starts_with("http://localhost"))
    }

    /// True when the bind address can only be reached from this machine or a private
    /// network (loopback, 10/8, 172.16/12, 192.168/16, fc00::/7).
    pub fn bind_is_private(&self) -> bool {
        let host = self.bind_host();
        match host.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => ip.is_loopback() || ip.is_private(),
            Ok(std::net::IpAddr::V6(ip)) => {
                ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00
            }
            Err(_) => host == "localhost",
        }
    }

    /// Proxy hops to count from the right of `X-Forwarded-For` (0: ignore it).
    pub fn proxy_hops(&self) -> u8 {
        if self.trusted_proxies == 0 && self.trust_forwarded_for {
            1
        } else {
            self.trusted_proxies
        }
    }

    /// True when no database URL was given: the embedded SQLite default.
    pub fn uses_embedded_sqlite(&self) -> bool {
        self.database_url.is_empty()
    }

    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("kith.db").display()
            )
        } else {
            self.database_url.clone()
        }
    }

    pub fn effective_base_url(&self, bound_port: u16) -> String {
        if self.base_url.is_empty() {
            let host = self.bind.rsplit_once(':').map_or("127.0.0.1", |(h, _)| h);
            let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
            format!("http://{host}:{bound_port}")
        } else {
            self.base_url.trim_end_matches('/').to_owned()
        }
    }

    /// This process's search index (each process keeps its own).
    pub fn search_index_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }

    pub fn mail_dir(&self) -> PathBuf {
        self.data_dir.join("mail")
    }

    /// Where the cookie-signing key is kept when the settings do not give one.
    pub fn session_key_file(&self) -> PathBuf {
        self.data_dir.join(SESSION_KEY_FILE)
    }

    /// The cookie-signing key: from settings, else from `data_dir/session.key`, else a new
    /// random key written there so sessions survive a restart.
    pub fn session_key_bytes(&self) -> anyhow::Result<Vec<u8>> {
        if !self.session_key.is_empty() {
            return decode_key(self.session_key.trim());
        }
        let path = self.session_key_file();
        if let Ok(text) = std::fs::read_to_string(&path) {
            return decode_key(text.trim());
        }
        let mut key = vec![0u8; SESSION_KEY_BYTES];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut key);
        create_private_dir(&self.data_dir)?;
        write_private_file(&path, hex::encode(&key).as_bytes())?;
        Ok(key)
    }
}

/// Creates `dir` (and its parents) if needed and makes it readable by its owner only: it
/// holds the database, the session key, uploads and development mail.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates a new file that only its owner can read (mode 0600 from the start, not after);
/// fails if it exists.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes a new file that only its owner can read.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = create_private_file(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

fn decode_key(text: &str) -> anyhow::Result<Vec<u8>> {
    let key =
        hex::decode(text).map_err(|_| anyhow::anyhow!("the session key must be hex-encoded"))?;
    anyhow::ensure!(
        key.len() >= SESSION_KEY_BYTES,
        "the session key must be at least {SESSION_KEY_BYTES} bytes ({} hex digits)",
        SESSION_KEY_BYTES * 2
    );
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_toml(text: &str) -> anyhow::Result<Settings> {
        let dir = std::env::temp_dir().join(format!("kith-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let file = dir.join(format!("{}.toml", text.len()));
        std::fs::write(&file, text)?;
        let loaded = Settings::load(Some(&file));
        let _ = std::fs::remove_file(&file);
        loaded
    }

    #[test]
    fn a_misspelt_choice_is_refused_with_the_allowed_values() {
        let err = load_toml("smtp_security = \"tsl\"\n")
            .expect_err("a typo must not start the service")
            .to_string();
        assert!(err.contains("tsl"), "{err}");
        assert!(err.contains("starttls") && err.contains("none"), "{err}");
        let err = load_toml("log_format = \"jsn\"\n")
            .expect_err("a typo must not start the service")
            .to_string();
        assert!(err.contains("pretty") && err.contains("json"), "{err}");
    }

    #[test]
    fn the_choices_read_as_documented() -> anyhow::Result<()> {
        let s = load_toml("smtp_security = \"tls\"\nlog_format = \"json\"\n")?;
        assert_eq!(s.smtp_security, SmtpSecurity::Tls);
        assert_eq!(s.log_format, LogFormat::Json);
        let s = load_toml("smtp_security = \"none\"\n")?;
        assert_eq!(s.smtp_security, SmtpSecurity::None);
        Ok(())
    }
}
