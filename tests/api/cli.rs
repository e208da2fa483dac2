//! The `accord` binary: help, catalog listing, organizations, configuration errors, exit codes,
//! and a real `accord serve` process stopped with SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn accord() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_accord"));
    // The tests' own environment must not leak configuration into the binary.
    command.env_remove("DATABASE_URL").env_remove("RUST_LOG");
    command
}

fn run(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("accord runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn help_lists_commands() {
    let (code, stdout, _) = run(accord().arg("--help"));
    assert_eq!(code, 0);
    for command in ["serve", "migrate", "catalog", "org"] {
        assert!(stdout.contains(command), "--help mentions {command}");
    }
}

#[test]
fn catalog_list_prints_each_framework_with_counts() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, stdout, stderr) = run(accord()
        .args(["catalog", "list", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    let line = |slug: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(slug))
            .unwrap_or_else(|| panic!("{slug} listed in {stdout}"))
            .to_string()
    };
    assert!(line("nist-csf").ends_with("134") && line("nist-csf").contains("2.0"));
    assert!(line("nist-ai-rmf").ends_with("95"));
    assert!(line("iso-iec-42001").ends_with("95") && line("iso-iec-42001").contains("2023"));
}

#[test]
fn org_create_then_duplicate_and_invalid_slug_fail_with_code_2() {
    let dir = tempfile::tempdir().expect("dir");
    let create = |slug: &str| {
        run(accord()
            .args([
                "org",
                "create",
                "--slug",
                slug,
                "--name",
                "Acme Corp",
                "--data-dir",
            ])
            .arg(dir.path()))
    };
    let (code, stdout, stderr) = create("acme");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("acme"));
    let (code, _, stderr) = create("acme");
    assert_eq!(code, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    let (code, _, stderr) = create("Not A Slug");
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid slug"), "{stderr}");
    let (code, stdout, _) = run(accord().args(["org", "list", "--data-dir"]).arg(dir.path()));
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 1, "one organization: {stdout}");
}

#[test]
fn unknown_configuration_keys_are_named() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, _, stderr) = run(accord()
        .env("ACCORD_LISTN", "127.0.0.1:1")
        .args(["catalog", "list", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("listn"), "the bad key is named: {stderr}");

    let file = dir.path().join("accord.toml");
    std::fs::write(&file, "[graphql]\nmax_deph = 3\n").expect("write");
    let (code, _, stderr) = run(accord()
        .arg("--config")
        .arg(&file)
        .args(["catalog", "list", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(stderr.contains("max_deph"), "{stderr}");

    let (code, _, stderr) = run(accord().args(["--config", "/nonexistent/accord.toml", "migrate"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");
}

/// Starts `accord serve` on a free port; returns the process and its address.
fn spawn_server(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let mut child = accord()
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("listening line");
    let address = line.trim().rsplit("http://").next().expect("address");
    (child, address.to_string())
}

async fn post_graphql(address: &str, token: &str, query: &str) -> serde_json::Value {
    reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "query": query }))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json")
}

/// The README's first-token path: create an organization, mint a token with the CLI, use it;
/// then an acknowledged write survives `kill -9` (WAL + synchronous=FULL).
#[test]
fn issued_token_works_and_acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, _, stderr) = run(accord()
        .args([
            "org",
            "create",
            "--slug",
            "acme",
            "--name",
            "Acme Corp",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    let (code, token, stderr) = run(accord()
        .args([
            "token", "issue", "--sub", "alice", "--org", "acme", "--role", "admin",
        ])
        .args(["--ttl", "1h", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(token.lines().count(), 1, "the token alone on stdout");
    let token = token.trim().to_string();
    let (code, _, stderr) = run(accord()
        .args([
            "token",
            "issue",
            "--sub",
            "x",
            "--org",
            "nope",
            "--role",
            "admin",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(code, 2, "unknown organization: {stderr}");

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (mut child, address) = spawn_server(dir.path());
    let created = runtime.block_on(post_graphql(
        &address,
        &token,
        r#"mutation { createApiKey(name: "durable") { apiKey { id } } }"#,
    ));
    assert!(
        created["data"]["createApiKey"]["apiKey"]["id"].is_string(),
        "{created}"
    );
    child.kill().expect("kill -9");
    child.wait().expect("reaped");

    let (mut child, address) = spawn_server(dir.path());
    let listed = runtime.block_on(post_graphql(
        &address,
        &token,
        "{ apiKeys { nodes { name } } }",
    ));
    assert_eq!(
        listed["data"]["apiKeys"]["nodes"][0]["name"], "durable",
        "{listed}"
    );
    child.kill().expect("kill");
    child.wait().expect("reaped");
}

#[test]
fn serve_answers_then_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut child, address) = spawn_server(dir.path());

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let ready = runtime.block_on(async {
        reqwest::get(format!("http://{address}/readyz"))
            .await
            .map(|r| r.status().as_u16())
    });
    assert_eq!(ready.ok(), Some(200));

    let pid = child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            Instant::now() < deadline,
            "accord did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "clean exit after SIGTERM: {exit:?}");
}

#[test]
fn demo_seed_fills_an_organization_through_audited_use_cases() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, stdout, stderr) = run(accord()
        .args([
            "demo",
            "seed",
            "--org",
            "acme",
            "--size",
            "small",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("5 AI systems")
            && stdout.contains("3 approved policies")
            && stdout.contains("13 risks"),
        "{stdout}"
    );
    // The board report of the seeded organization, built by the CLI.
    let (code, report, stderr) = run(accord()
        .args([
            "report",
            "build",
            "--org",
            "acme",
            "--format",
            "text",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stderr}");
    assert!(report.contains("\nRISKS\n13 open: "), "{report}");
    assert!(
        report.contains("verifies against its signed checkpoint"),
        "{report}"
    );
    let (code, stdout, stderr) = run(accord()
        .args(["audit", "verify", "--org", "acme", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let entries: usize = stdout
        .split(", ")
        .nth(1)
        .and_then(|part| part.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        entries > 50,
        "every seeded record is in the audit log: {stdout}"
    );
    let (code, _, stderr) = run(accord()
        .args(["demo", "seed", "--org", "acme", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 2, "seeding twice is refused: {stderr}");
    let (code, csv, _) = run(accord()
        .args([
            "crosswalk",
            "export",
            "--org",
            "acme",
            "--from",
            "nist-csf",
            "--to",
            "iso-iec-42001",
            "--data-dir",
        ])
        .arg(dir.path()));
    assert_eq!(code, 0);
    assert!(csv.lines().count() > 50);
}
