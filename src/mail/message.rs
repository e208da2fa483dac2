//! One email as Accord sends it: `multipart/mixed` holding a `multipart/alternative` (plain text
//! and an HTML summary) and the report attached in each chosen format. The Message-ID is given by
//! the caller so a resend of the same delivery carries the same id and can be recognised.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};

use crate::error::{AppError, AppResult};

/// A file attached to an email.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub file_name: String,
    pub media_type: String,
    pub content: Vec<u8>,
}

/// An email before it is encoded.
#[derive(Debug, Clone)]
pub struct Email {
    pub from: String,
    pub to: String,
    pub subject: String,
    /// Without angle brackets, e.g. `run-7.3f2a@accord.example.com`.
    pub message_id: String,
    pub date: DateTime<Utc>,
    pub text: String,
    pub html: String,
    pub attachments: Vec<Attachment>,
}

/// Parses an address (`a@b.c` or `Name <a@b.c>`), refusing anything else with rule `email`.
pub fn mailbox(field: &str, address: &str) -> AppResult<Mailbox> {
    address.trim().parse::<Mailbox>().map_err(|_| {
        AppError::rule(
            field,
            "email",
            format!("'{address}' is not an email address"),
        )
    })
}

impl Email {
    /// Encodes the message (headers folded and non-ASCII subjects encoded by lettre).
    pub fn to_message(&self) -> AppResult<Message> {
        let mut mixed = MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
            self.text.clone(),
            self.html.clone(),
        ));
        for attachment in &self.attachments {
            let content_type = ContentType::parse(&attachment.media_type)
                .map_err(|e| AppError::internal(anyhow::anyhow!("media type: {e}")))?;
            mixed = mixed.singlepart(
                lettre::message::Attachment::new(attachment.file_name.clone())
                    .body(attachment.content.clone(), content_type),
            );
        }
        Message::builder()
            .from(mailbox("from", &self.from)?)
            .to(mailbox("to", &self.to)?)
            .subject(self.subject.clone())
            .message_id(Some(format!("<{}>", self.message_id)))
            .date(SystemTime::from(self.date))
            .multipart(mixed)
            .map_err(|e| AppError::internal(anyhow::anyhow!("building the email: {e}")))
    }

    /// The encoded message, as written to a file or sent over SMTP.
    pub fn to_bytes(&self) -> AppResult<Vec<u8>> {
        Ok(self.to_message()?.formatted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            from: "Accord <reports@accord.example.com>".into(),
            to: "ceo@example.com".into(),
            subject: "Gouvernance IA — décembre".into(),
            message_id: "run-1.abc@accord.example.com".into(),
            date: DateTime::parse_from_rfc3339("2026-12-02T09:00:00Z")
                .expect("date")
                .with_timezone(&Utc),
            text: "Summary".into(),
            html: "<p>Summary</p>".into(),
            attachments: vec![Attachment {
                file_name: "report.json".into(),
                media_type: "application/json".into(),
                content: b"{}".to_vec(),
            }],
        }
    }

    #[test]
    fn headers_are_encoded_for_mail_clients() {
        let bytes = email().to_bytes().expect("encodes");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains("Message-ID: <run-1.abc@accord.example.com>"),
            "{text}"
        );
        assert!(
            text.contains("Date: Wed, 02 Dec 2026 09:00:00 +0000"),
            "{text}"
        );
        // The non-ASCII words of the subject are RFC 2047 encoded, never raw UTF-8 in the header.
        let subject = text
            .lines()
            .find(|l| l.starts_with("Subject: "))
            .unwrap_or_default();
        assert!(subject.contains("=?utf-8?b?"), "{subject}");
        assert!(subject.is_ascii(), "{subject}");
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("filename=\"report.json\""), "{text}");
    }

    #[test]
    fn bad_addresses_name_the_field() {
        let err = mailbox("recipients.0", "not an address")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("'not an address' is not an email address")
        );
    }
}
