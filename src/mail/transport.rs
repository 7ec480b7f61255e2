//! Where mail goes: an SMTP relay in production, `.eml` files under the data dir in
//! development, or an in-memory capture in tests.
//!
//! Each message carries a key made from its outbox row, used as its `Message-ID` and, in
//! development, its file name. A process killed after sending but before recording it
//! sends the message again on restart: the file is written again under the same name (so
//! it is still one message), and a relay or mail client sees the same `Message-ID`.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Settings, SmtpSecurity};

/// A message the test transport kept.
#[derive(Clone, Debug)]
pub struct CapturedMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
    Capture(Arc<Mutex<Vec<CapturedMail>>>),
}

impl MailTransport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.smtp_host.is_empty() {
            let dir = settings.mail_dir();
            std::fs::create_dir_all(&dir)?;
            return Ok(Self::Files(dir));
        }
        let builder = match settings.smtp_security {
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.smtp_host)?,
            SmtpSecurity::None => {
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.smtp_host)
            }
            SmtpSecurity::Starttls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.smtp_host)?
            }
        };
        let mut builder = builder.port(settings.smtp_port);
        if !settings.smtp_username.is_empty() {
            builder = builder.credentials(Credentials::new(
                settings.smtp_username.clone(),
                settings.smtp_password.clone(),
            ));
        }
        Ok(Self::Smtp(builder.build()))
    }

    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(_) => "SMTP relay".into(),
            Self::Files(dir) => format!(".eml files in {}", dir.display()),
            Self::Capture(_) => "captured in memory".into(),
        }
    }

    /// Sends one message; `key` names it (see the module's note), and must be the same each
    /// time the same message is tried.
    pub async fn send(&self, from: &str, key: &str, mail: &CapturedMail) -> anyhow::Result<()> {
        match self {
            Self::Capture(store) => {
                store
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(mail.clone());
                Ok(())
            }
            Self::Smtp(smtp) => {
                smtp.send(build_message(from, key, mail)?).await?;
                Ok(())
            }
            Self::Files(dir) => {
                let file = dir.join(format!("{key}.eml"));
                let bytes = build_message(from, key, mail)?.formatted();
                let path = file.clone();
                tokio::task::spawn_blocking(move || crate::documents::write_whole(&path, &bytes))
                    .await??;
                tracing::info!(to = %mail.to, subject = %mail.subject, file = %file.display(), "mail written");
                Ok(())
            }
        }
    }
}

fn build_message(from: &str, key: &str, mail: &CapturedMail) -> anyhow::Result<Message> {
    let from: Mailbox = from.parse()?;
    let to: Mailbox = mail.to.parse()?;
    let message_id = format!("<{key}@{}>", from.email.domain());
    Ok(Message::builder()
        .message_id(Some(message_id))
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))?)
}

/// Deletes development mail files (the `.eml` files written when no relay is set) older
/// than `days`, as the retention schedule deletes sent mail from the outbox.
pub fn forget_old_files(dir: &std::path::Path, days: i64) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let max_age = std::time::Duration::from_secs(u64::try_from(days.max(1)).unwrap_or(1) * 86_400);
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > max_age);
        if old && entry.path().extension().is_some_and(|e| e == "eml") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
