//! The email of a delivery: subject from the schedule's template, a short plain-text and HTML
//! summary with the link to the stored report, and the run's outputs attached byte for byte.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::reports::ReportKind;
use crate::mail::{Attachment, Email};

/// What an email is built from.
pub struct Content<'a> {
    pub schedule_name: &'a str,
    pub subject_template: &'a str,
    pub report_kind: &'a str,
    pub organization: &'a str,
    pub occurrence: DateTime<Utc>,
    pub time_zone: &'a str,
    pub run_id: i32,
    pub public_url: &'a str,
    pub attachments: Vec<Attachment>,
    /// Each attachment's stored copy, under the API root (`/report-runs/7/pdf`).
    pub links: Vec<String>,
}

/// A report kind as people read it.
pub fn report_title(kind: &str) -> String {
    match ReportKind::named("reportKind", kind) {
        Ok(ReportKind::Board) => "Governance board report".into(),
        Ok(kind) => kind.title().into(),
        Err(_) => kind.replace('-', " "),
    }
}

fn local_date(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<Tz>() {
        Ok(tz) => at.with_timezone(&tz).format("%Y-%m-%d").to_string(),
        Err(_) => at.format("%Y-%m-%d").to_string(),
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The subject: `{report}`, `{organization}` and `{date}` filled in.
pub fn subject(content: &Content<'_>) -> String {
    content
        .subject_template
        .replace("{report}", &report_title(content.report_kind))
        .replace("{organization}", content.organization)
        .replace("{date}", &local_date(content.occurrence, content.time_zone))
}

/// Plain-text and HTML bodies.
pub fn bodies(content: &Content<'_>) -> (String, String) {
    let title = report_title(content.report_kind);
    let date = local_date(content.occurrence, content.time_zone);
    let base = content.public_url.trim_end_matches('/');
    let links: Vec<(String, String)> = content
        .attachments
        .iter()
        .zip(&content.links)
        .map(|(a, link)| (a.file_name.clone(), format!("{base}{link}")))
        .collect();
    let mut text = format!(
        "{title} for {org}, {date}.\n\nThe report is attached",
        org = content.organization
    );
    text.push_str(&format!(
        " ({}).\nStored copies:\n",
        links
            .iter()
            .map(|(f, _)| f.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for (_, url) in &links {
        text.push_str(&format!("  {url}\n"));
    }
    text.push_str(&format!(
        "\nYou receive this email as a recipient of the schedule \"{}\".\n",
        content.schedule_name
    ));
    let mut html = format!(
        "<p>{title} for <strong>{org}</strong>, {date}.</p><p>The report is attached. Stored copies:</p><ul>",
        title = escape(&title),
        org = escape(content.organization),
        date = escape(&date),
    );
    for (file, url) in &links {
        html.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>",
            escape(url),
            escape(file)
        ));
    }
    html.push_str(&format!(
        "</ul><p>You receive this email as a recipient of the schedule &quot;{}&quot;.</p>",
        escape(content.schedule_name)
    ));
    (text, html)
}

/// The complete email to `to`.
pub fn email(
    content: Content<'_>,
    from: &str,
    to: &str,
    message_id: &str,
    now: DateTime<Utc>,
) -> Email {
    let subject = subject(&content);
    let (text, html) = bodies(&content);
    Email {
        from: from.to_string(),
        to: to.to_string(),
        subject,
        message_id: message_id.to_string(),
        date: now,
        text,
        html,
        attachments: content.attachments,
    }
}
