//! Scheduled email delivery over a real SMTP server on loopback: a due schedule sends one
//! message per recipient with the stored report attached byte for byte; a 550 gives up at once;
//! an SMTP outage is retried until every message is delivered once; a missed occurrence runs
//! once after downtime and a 09:00 Berlin schedule keeps 09:00 across the DST change; two
//! instances on one PostgreSQL send once.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::fixtures::board;
use crate::helpers::{Backend, TestApp, error_code};
use crate::smtp::{SmtpServer, smtp_to};

mod faults;

backend_tests!(
    a_due_schedule_sends_one_message_per_recipient,
    a_permanent_refusal_gives_up_at_once,
    schedules_are_validated_and_guarded,
    a_missed_occurrence_runs_once_and_keeps_local_time_across_dst,
);

const SCHEDULE: &str = "mutation($i: ReportScheduleInput!) { createReportSchedule(input: $i) { id nextRunAt cron timeZone recipients { addresses roles bodyIds } } }";
const DELIVERIES: &str = "query($s: ID) { reportDeliveries(scheduleId: $s, first: 100) { totalCount nodes { id runId recipient status attempts smtpReply lastError messageId } } }";

fn instant(value: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().expect("instant"))
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

/// Moves the server's clock to just after `at`.
fn move_clock_past(app: &TestApp, at: DateTime<Utc>) {
    let clock = &app.services().clock;
    let by = at - clock.now() + chrono::Duration::seconds(1);
    if by > chrono::Duration::zero() {
        clock.advance(by);
    }
}

async fn deliveries(app: &TestApp, token: &str, schedule: &str) -> Vec<Value> {
    app.ok(token, DELIVERIES, json!({ "s": schedule })).await["reportDeliveries"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until no delivery of the schedule is pending (or ten seconds pass).
async fn settled(app: &TestApp, token: &str, schedule: &str, expected: usize) -> Vec<Value> {
    for _ in 0..200 {
        let list = deliveries(app, token, schedule).await;
        if list.len() >= expected && list.iter().all(|d| d["status"] != "pending") {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    deliveries(app, token, schedule).await
}

async fn person(app: &TestApp, token: &str, subject: &str, email: &str, roles: &[&str]) {
    app.ok(
        token,
        "mutation($i: PersonInput!) { upsertPerson(input: $i) { id } }",
        json!({ "i": { "subject": subject, "displayName": subject.to_uppercase(), "email": email, "roles": roles } }),
    )
    .await;
}

fn header<'a>(parsed: &'a mailparse::ParsedMail<'a>, name: &str) -> String {
    use mailparse::MailHeaderMap;
    parsed.headers.get_first_value(name).unwrap_or_default()
}

async fn a_due_schedule_sends_one_message_per_recipient(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, smtp_to(smtp.port)).await;
    let token = app.admin("acme").await;
    let body = board(&app, &token, &["ceo", "cro"]).await;
    person(&app, &token, "ceo", "ceo@acme.test", &["executive"]).await;
    // cro has no directory entry: the preview names them as unresolved.
    let created = app
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Board pack", "cron": "0 9 * * 1", "timeZone": "Europe/Berlin",
                "formats": ["html", "json"], "subjectTemplate": "{report} für {organization}",
                "recipients": { "addresses": ["CFO@acme.test"], "bodyIds": [body] } } }),
        )
        .await;
    let schedule = created["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let preview = app
        .ok(
            &token,
            "query($s: ID!) { reportEmailPreview(scheduleId: $s) { subject recipients unresolvedMembers nextRunAt } }",
            json!({ "s": schedule }),
        )
        .await;
    assert_eq!(
        preview["reportEmailPreview"]["recipients"],
        json!(["ceo@acme.test", "cfo@acme.test"])
    );
    assert_eq!(
        preview["reportEmailPreview"]["unresolvedMembers"],
        json!(["cro"])
    );
    assert!(
        preview["reportEmailPreview"]["subject"]
            .as_str()
            .is_some_and(|s| s.starts_with("Governance board report für")),
        "{preview}"
    );
    assert!(
        smtp.messages().is_empty(),
        "nothing is sent before the schedule is due"
    );

    move_clock_past(&app, instant(&created["createReportSchedule"]["nextRunAt"]));
    let messages = smtp.wait_for(2).await;
    let list = settled(&app, &token, &schedule, 2).await;
    // A few more polls: nothing is sent twice.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(smtp.messages().len(), 2, "one message per recipient");
    assert_eq!(list.len(), 2);
    assert!(
        list.iter()
            .all(|d| d["status"] == "sent" && d["attempts"] == 1),
        "{list:?}"
    );
    assert!(list.iter().all(|d| {
        d["smtpReply"]
            .as_str()
            .is_some_and(|r| r.starts_with("250"))
    }));

    let run = list[0]["runId"].as_str().expect("run").to_string();
    let (status, stored_json) = app
        .get_as(&token, &format!("/report-runs/{run}/json"))
        .await;
    assert_eq!(status, 200);
    let mut recipients = BTreeSet::new();
    for raw in &messages {
        let parsed = mailparse::parse_mail(raw).expect("the MIME parses");
        let to = header(&parsed, "To");
        recipients.insert(to.clone());
        assert_eq!(parsed.ctype.mimetype, "multipart/mixed");
        assert!(header(&parsed, "Subject").starts_with("Governance board report für"));
        assert!(!header(&parsed, "Date").is_empty());
        assert!(header(&parsed, "From").contains("reports@accord.test"));
        let message_id = header(&parsed, "Message-ID");
        let delivery = list
            .iter()
            .find(|d| d["recipient"] == to.as_str())
            .expect("a delivery per message");
        assert_eq!(
            message_id,
            format!("<{}>", delivery["messageId"].as_str().expect("id")),
            "the stored Message-ID is the one sent"
        );
        let alternative = &parsed.subparts[0];
        assert_eq!(alternative.ctype.mimetype, "multipart/alternative");
        let kinds: Vec<&str> = alternative
            .subparts
            .iter()
            .map(|p| p.ctype.mimetype.as_str())
            .collect();
        assert_eq!(kinds, ["text/plain", "text/html"]);
        let text = alternative.subparts[0].get_body().expect("text");
        assert!(
            text.contains(&format!("https://accord.test/report-runs/{run}/json")),
            "{text}"
        );
        let json_part = parsed
            .subparts
            .iter()
            .find(|p| p.ctype.mimetype == "application/json")
            .expect("the JSON report is attached");
        assert_eq!(
            json_part.get_body_raw().expect("attachment"),
            stored_json.as_bytes(),
            "the attachment is byte-identical to the stored run"
        );
        assert!(
            parsed
                .subparts
                .iter()
                .any(|p| p.ctype.mimetype == "text/html")
        );
    }
    assert_eq!(
        recipients,
        BTreeSet::from(["ceo@acme.test".to_string(), "cfo@acme.test".to_string()])
    );
    let schedule_after = app
        .ok(
            &token,
            "query($s: ID!) { reportSchedule(id: $s) { lastRunAt nextRunAt } }",
            json!({ "s": schedule }),
        )
        .await;
    assert!(instant(&schedule_after["reportSchedule"]["nextRunAt"]) > app.services().clock.now());
    app.stop().await;
}

async fn a_permanent_refusal_gives_up_at_once(backend: Backend) {
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let app = TestApp::spawn_with(backend, smtp_to(smtp.port)).await;
    let token = app.admin("acme").await;
    let created = app
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Weekly", "cron": "0 8 * * 1", "formats": ["text"],
                "recipients": { "addresses": ["reject-me@acme.test", "ok@acme.test"] } } }),
        )
        .await;
    let schedule = created["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &token,
        "mutation($s: ID!) { sendReportScheduleNow(id: $s) { id recipients trigger } }",
        json!({ "s": schedule }),
    )
    .await;
    let list = settled(&app, &token, &schedule, 2).await;
    let refused = list
        .iter()
        .find(|d| d["recipient"] == "reject-me@acme.test")
        .expect("refused");
    assert_eq!(refused["status"], "failed", "{refused}");
    assert_eq!(refused["attempts"], 1, "a 5xx is not retried");
    assert!(
        refused["smtpReply"]
            .as_str()
            .is_some_and(|r| r.contains("550")),
        "{refused}"
    );
    let ok = list
        .iter()
        .find(|d| d["recipient"] == "ok@acme.test")
        .expect("ok");
    assert_eq!(ok["status"], "sent");
    let counts = app
        .ok(
            &token,
            "{ deliveryCounts { pending sent failed } }",
            json!({}),
        )
        .await;
    assert_eq!(
        counts["deliveryCounts"],
        json!({ "pending": 0, "sent": 1, "failed": 1 })
    );
    assert_eq!(smtp.messages().len(), 1);
    app.stop().await;
}

async fn schedules_are_validated_and_guarded(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let token = app.admin("acme").await;
    let base = json!({ "name": "S", "cron": "0 9 * * *", "timeZone": "Europe/Berlin",
        "recipients": { "addresses": ["a@acme.test"] } });
    let refused = [
        (json!({ "cron": "every monday" }), "cron", "cron_expression"),
        (
            json!({ "timeZone": "Mars/Olympus" }),
            "timeZone",
            "time_zone",
        ),
        (
            json!({ "recipients": { "addresses": ["not an address"] } }),
            "recipients.addresses.0",
            "email",
        ),
        (json!({ "recipients": {} }), "recipients", "required"),
        (json!({ "formats": ["docx"] }), "formats.0", "one_of"),
        (
            json!({ "recipients": { "bodyIds": ["999"] } }),
            "recipients.bodies.0",
            "unknown_body",
        ),
    ];
    for (patch, field, rule) in refused {
        let mut input = base.clone();
        for (k, v) in patch.as_object().expect("patch") {
            input[k] = v.clone();
        }
        let (_, body) = app
            .graphql_as(&token, SCHEDULE, json!({ "i": input }))
            .await;
        assert_eq!(error_code(&body), "VALIDATION", "{patch}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["rule"], rule, "{body}");
    }
    assert_eq!(
        app.count_rows("report_schedule").await,
        0,
        "refusals store nothing"
    );

    let executive = app.token("ceo", "acme", &["executive"]);
    let (_, forbidden) = app
        .graphql_as(&executive, SCHEDULE, json!({ "i": base }))
        .await;
    assert_eq!(error_code(&forbidden), "FORBIDDEN");
    let editor = app.token("ed", "acme", &["editor"]);
    let created = app.ok(&editor, SCHEDULE, json!({ "i": base })).await;
    let schedule = created["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();

    // Executives see the deliveries addressed to them, nobody else's.
    person(&app, &token, "ceo", "ceo@acme.test", &["executive"]).await;
    app.ok(
        &editor,
        "mutation($s: ID!, $i: ReportScheduleInput!) { updateReportSchedule(id: $s, input: $i) { id } }",
        json!({ "s": schedule, "i": { "name": "S", "cron": "0 9 * * *",
            "recipients": { "addresses": ["a@acme.test"], "roles": ["executive"] } } }),
    )
    .await;
    app.ok(
        &editor,
        "mutation($s: ID!) { sendReportScheduleNow(id: $s) { id } }",
        json!({ "s": schedule }),
    )
    .await;
    let all = deliveries(&app, &editor, &schedule).await;
    assert_eq!(all.len(), 2);
    let own = deliveries(&app, &executive, &schedule).await;
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["recipient"], "ceo@acme.test");

    // "The system's Accountable" resolves through RACI and the directory at send time.
    let system = crate::fixtures::create_system(&app, &token, "Scorer", "operate", "high").await;
    person(&app, &token, "dana", "dana@acme.test", &["editor"]).await;
    app.ok(
        &token,
        r#"mutation($s: ID!) { assignRaci(subjectType: ai_system, subjectId: $s, party: "dana", role: accountable) { id } }"#,
        json!({ "s": system }),
    )
    .await;
    let by_raci = app
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Owner pack", "cron": "0 9 * * *",
                "recipients": { "accountableFor": [{ "subjectType": "ai_system", "subjectId": system }] } } }),
        )
        .await;
    let preview = app
        .ok(
            &token,
            "query($s: ID!) { reportEmailPreview(scheduleId: $s) { recipients } }",
            json!({ "s": by_raci["createReportSchedule"]["id"] }),
        )
        .await;
    assert_eq!(
        preview["reportEmailPreview"]["recipients"],
        json!(["dana@acme.test"])
    );

    // Another organization sees none of it.
    let other = app.admin("globex").await;
    let (_, hidden) = app
        .graphql_as(
            &other,
            "query($s: ID!) { reportSchedule(id: $s) { id } }",
            json!({ "s": schedule }),
        )
        .await;
    assert_eq!(error_code(&hidden), "NOT_FOUND");
    app.stop().await;
}

async fn a_missed_occurrence_runs_once_and_keeps_local_time_across_dst(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.jobs.poll_interval_ms = 50).await;
    let token = app.admin("acme").await;
    // Put the clock just before the 2027 spring change in Berlin (2027-03-28, 02:00 -> 03:00).
    let target = DateTime::parse_from_rfc3339("2027-03-27T07:30:00Z")
        .expect("instant")
        .with_timezone(&Utc);
    let clock = &app.services().clock;
    clock.advance(target - clock.now());
    let created = app
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Morning", "cron": "0 9 * * *", "timeZone": "Europe/Berlin",
                "recipients": { "addresses": ["a@acme.test"] } } }),
        )
        .await;
    let schedule = created["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let at = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .expect("instant")
            .with_timezone(&Utc)
    };
    assert_eq!(
        instant(&created["createReportSchedule"]["nextRunAt"]),
        at("2027-03-27T08:00:00Z")
    );
    // The service was down across two occurrences (27th and 28th): one run, not two.
    clock.advance(chrono::Duration::hours(24));
    let mut runs = 0;
    for _ in 0..200 {
        runs = app.count_rows("report_run").await;
        if runs > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.count_rows("report_run").await, 1, "{runs}");
    let after = app
        .ok(
            &token,
            "query($s: ID!) { reportSchedule(id: $s) { nextRunAt lastRunAt } }",
            json!({ "s": schedule }),
        )
        .await;
    // 09:00 in Berlin is 07:00 UTC once summer time has begun.
    assert_eq!(
        instant(&after["reportSchedule"]["nextRunAt"]),
        at("2027-03-29T07:00:00Z")
    );
    assert_eq!(
        instant(&after["reportSchedule"]["lastRunAt"]),
        at("2027-03-27T08:00:00Z")
    );
    // A run sent now covers the period since that occurrence.
    let now = app
        .ok(
            &token,
            "mutation($s: ID!) { sendReportScheduleNow(id: $s) { periodStart trigger } }",
            json!({ "s": schedule }),
        )
        .await;
    assert_eq!(now["sendReportScheduleNow"]["trigger"], "manual");
    assert_eq!(
        instant(&now["sendReportScheduleNow"]["periodStart"]),
        at("2027-03-27T08:00:00Z")
    );
    app.stop().await;
}
