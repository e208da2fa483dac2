//! Delivery under faults: SMTP down and back, a server killed between claiming and sending, two
//! instances on one PostgreSQL. Each message is delivered, once.

use std::time::Duration;

use serde_json::{Value, json};

use super::{DELIVERIES, SCHEDULE, deliveries, instant, move_clock_past, settled, smtp_to};
use crate::helpers::{Backend, TestApp};
use crate::smtp::{SmtpServer, free_port};

backend_tests!(an_outage_is_retried_until_each_message_is_delivered_once);

async fn an_outage_is_retried_until_each_message_is_delivered_once(backend: Backend) {
    // The server points at a port where nothing listens yet: connection refused.
    let port = free_port();
    let app = TestApp::spawn_with(backend, smtp_to(port)).await;
    let token = app.admin("acme").await;
    let created = app
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Daily", "cron": "0 7 * * *", "formats": ["json"],
                "recipients": { "addresses": ["a@acme.test", "b@acme.test", "c@acme.test"] } } }),
        )
        .await;
    let schedule = created["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    app.ok(
        &token,
        "mutation($s: ID!) { sendReportScheduleNow(id: $s) { id } }",
        json!({ "s": schedule }),
    )
    .await;
    // Every message fails its first attempt and waits to be retried.
    let mut retried = Vec::new();
    for _ in 0..200 {
        retried = deliveries(&app, &token, &schedule).await;
        if retried.len() == 3 && retried.iter().all(|d| d["attempts"].as_i64() >= Some(1)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        retried
            .iter()
            .all(|d| d["status"] == "pending" && d["lastError"].is_string()),
        "{retried:?}"
    );
    let Some(smtp) = SmtpServer::start_on(port).await else {
        app.stop().await;
        return;
    };
    // The server is back; time passes beyond the backoff.
    app.services().clock.advance(chrono::Duration::seconds(10));
    let list = settled(&app, &token, &schedule, 3).await;
    assert!(list.iter().all(|d| d["status"] == "sent"), "{list:?}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let messages = smtp.messages();
    assert_eq!(messages.len(), 3, "every message delivered, none twice");
    app.stop().await;
}

/// Two instances on one PostgreSQL with the same due schedule: one run, one message each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_database_send_once() {
    if !crate::helpers::postgres_configured() {
        return;
    }
    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    let first = TestApp::spawn_with(Backend::Postgres, smtp_to(smtp.port)).await;
    let shared_url = first.config.database_url.clone();
    let shared_dir = first.config.data_dir.clone();
    let port = smtp.port;
    let second = TestApp::spawn_with(Backend::Postgres, move |config| {
        smtp_to(port)(config);
        config.database_url = shared_url;
        config.data_dir = shared_dir;
    })
    .await;
    let token = first.admin("acme").await;
    let created = first
        .ok(
            &token,
            SCHEDULE,
            json!({ "i": { "name": "Both", "cron": "*/5 * * * *", "formats": ["json"],
                "recipients": { "addresses": ["a@acme.test", "b@acme.test"] } } }),
        )
        .await;
    let due = instant(&created["createReportSchedule"]["nextRunAt"]);
    move_clock_past(&first, due);
    move_clock_past(&second, due);
    smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(first.count_rows("report_run").await, 1, "one run");
    assert_eq!(smtp.messages().len(), 2, "one message per recipient");
    second.stop().await;
    first.stop().await;
}

/// `accord serve` killed (SIGKILL) after claiming its emails and before sending them (its SMTP
/// server never answers); restarted, it takes them again once their leases expire, and each
/// message is delivered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_between_claim_and_send_delivers_each_message_once() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let Some(smtp) = SmtpServer::start().await else {
        return;
    };
    // A server that accepts connections and never greets: claimed sends hang in there.
    let hole = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hole_port = hole.local_addr().expect("addr").port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in hole.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().expect("data dir");
    let accord = |args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_accord"))
            .env_remove("DATABASE_URL")
            .args(args)
            .arg("--data-dir")
            .arg(dir.path())
            .output()
            .expect("accord runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    };
    accord(&["org", "create", "--slug", "acme", "--name", "Acme"]);
    let token = accord(&[
        "token", "issue", "--sub", "alice", "--org", "acme", "--role", "admin", "--ttl", "1h",
    ]);
    let serve = |smtp_port: u16| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .env_remove("DATABASE_URL")
            .env("ACCORD_MAIL__TRANSPORT", "smtp")
            .env("ACCORD_MAIL__SMTP__HOST", "127.0.0.1")
            .env("ACCORD_MAIL__SMTP__PORT", smtp_port.to_string())
            .env("ACCORD_MAIL__SMTP__SECURITY", "plain")
            .env("ACCORD_MAIL__SMTP__TIMEOUT_SECS", "60")
            .env("ACCORD_JOBS__LEASE_SECS", "2")
            .env("ACCORD_JOBS__POLL_INTERVAL_MS", "50")
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("listening line");
        let address = line
            .trim()
            .rsplit("http://")
            .next()
            .expect("address")
            .to_string();
        (child, address)
    };
    let graphql = |address: String, query: String, variables: Value| {
        let token = token.clone();
        async move {
            reqwest::Client::new()
                .post(format!("http://{address}/graphql"))
                .bearer_auth(token)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };

    let (mut first, address) = serve(hole_port);
    let created = graphql(
        address.clone(),
        SCHEDULE.into(),
        json!({ "i": { "name": "Kill", "cron": "0 7 * * *", "formats": ["text"],
            "recipients": { "addresses": ["a@acme.test", "b@acme.test"] } } }),
    )
    .await;
    let schedule = created["data"]["createReportSchedule"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    graphql(
        address.clone(),
        "mutation($s: ID!) { sendReportScheduleNow(id: $s) { id } }".into(),
        json!({ "s": schedule }),
    )
    .await;
    for _ in 0..200 {
        if accepted.load(Ordering::SeqCst) >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        accepted.load(Ordering::SeqCst) >= 2,
        "both emails were claimed and are being sent"
    );
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");

    let (mut second, address) = serve(smtp.port);
    let messages = smtp.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let listed = graphql(address, DELIVERIES.into(), json!({ "s": schedule })).await;
    second.kill().expect("stop");
    second.wait().expect("reaped");
    assert_eq!(messages.len(), 2, "{listed}");
    assert_eq!(smtp.messages().len(), 2, "none twice");
    let nodes = listed["data"]["reportDeliveries"]["nodes"]
        .as_array()
        .expect("nodes");
    assert!(nodes.iter().all(|d| d["status"] == "sent"), "{listed}");
}
