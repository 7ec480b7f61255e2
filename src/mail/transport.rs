//! Where mail goes: an SMTP relay in production, `.eml` files under the data dir in
//! development, or an in-memory capture in tests.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

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
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
    Capture(Arc<Mutex<Vec<CapturedMail>>>),
}

impl MailTransport {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        if settings.smtp_host.is_empty() {
            let dir = settings.mail_dir();
            std::fs::create_dir_all(&dir)?;
            return Ok(Self::Files(AsyncFileTransport::new(&dir), dir));
        }
        let builder = match settings.smtp_security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.smtp_host)?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.smtp_host),
            _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.smtp_host)?,
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
            Self::Files(_, dir) => format!(".eml files in {}", dir.display()),
            Self::Capture(_) => "captured in memory".into(),
        }
    }

    pub async fn send(&self, from: &str, mail: &CapturedMail) -> anyhow::Result<()> {
        match self {
            Self::Capture(store) => {
                store
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(mail.clone());
                Ok(())
            }
            Self::Smtp(smtp) => {
                smtp.send(build_message(from, mail)?).await?;
                Ok(())
            }
            Self::Files(files, dir) => {
                let id = files.send(build_message(from, mail)?).await?;
                tracing::info!(to = %mail.to, subject = %mail.subject, file = %dir.join(format!("{id}.eml")).display(), "mail written");
                Ok(())
            }
        }
    }
}

fn build_message(from: &str, mail: &CapturedMail) -> anyhow::Result<Message> {
    let from: Mailbox = from.parse()?;
    let to: Mailbox = mail.to.parse()?;
    Ok(Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))?)
}
