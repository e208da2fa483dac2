//! `/graphiql` works with no internet access: its assets come from Accord itself, its policy names
//! no third-party origin, and headless Chromium (Debian's `chromium`), with every host name but
//! loopback unresolvable, renders the query editor and the documentation explorer, which needs the
//! standard introspection query to pass at default limits.
//!
//! Chromium is installed by `.ci/run`, which sets `TEST_REQUIRE_BROWSER=1` so the test cannot
//! pass there without a browser; elsewhere it is skipped with a notice when none is found.

use std::process::Command;

use crate::helpers::{Backend, TestApp};

fn chromium() -> Option<String> {
    if let Ok(path) = std::env::var("TEST_CHROMIUM") {
        return Some(path);
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new("sh")
                .args(["-c", &format!("command -v {name}")])
                .output()
                .is_ok_and(|out| out.status.success())
        })
        .map(str::to_string)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_editor_and_docs_offline_in_chromium() {
    let app = TestApp::spawn(Backend::Sqlite).await;

    let page = app
        .client
        .get(app.url("/graphiql"))
        .send()
        .await
        .expect("page");
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .expect("policy")
        .to_string();
    assert!(!policy.contains("http"), "no third-party origin: {policy}");
    let html = page.text().await.expect("html");
    let assets: Vec<&str> = html
        .split('"')
        .filter(|part| part.starts_with("/graphiql/assets/"))
        .collect();
    assert_eq!(assets.len(), 4, "{html}");
    for asset in assets {
        let response = app.client.get(app.url(asset)).send().await.expect("asset");
        assert_eq!(response.status(), 200, "{asset}");
    }
    assert!(!html.contains("cdn."), "{html}");

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("TEST_REQUIRE_BROWSER").is_none(),
            "TEST_REQUIRE_BROWSER is set but no chromium was found"
        );
        eprintln!("note: no chromium on PATH; skipping the GraphiQL browser check");
        app.stop().await;
        return;
    };
    let profile = tempfile::tempdir().expect("profile dir");
    let url = app.url("/graphiql?docs");
    let output = tokio::task::spawn_blocking(move || {
        Command::new("timeout")
            .arg("120")
            .arg(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Networking limited to loopback: every other host name fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--virtual-time-budget=20000",
                "--dump-dom",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(url)
            .output()
            .expect("chromium runs")
    })
    .await
    .expect("joined");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !dom.contains("Loading GraphiQL"),
        "GraphiQL never rendered: {dom}"
    );
    for part in [
        "graphiql-query-editor",
        "CodeMirror",
        "graphiql-doc-explorer",
        "Root Types",
    ] {
        assert!(dom.contains(part), "{part} missing from the rendered page");
    }
    // The documentation explorer lists the schema's root types: introspection worked.
    assert!(
        dom.contains("QueryRoot") && dom.contains("MutationRoot"),
        "{dom}"
    );
    app.stop().await;
}
