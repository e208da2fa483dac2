//! Reports over the real interfaces: each kind on a small known data set with its figures
//! checked, the files auditors ask for read back by real readers (pypdf for PDF text, openpyxl
//! for XLSX cells), CSV per table, and stored runs downloaded again byte for byte.

mod board;
mod compliance;
mod escalation;
mod files;
mod metrics;
mod period;
mod soa;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The virtualenv's Python with pypdf and openpyxl; `None` (with a notice) when missing and
/// `TEST_REQUIRE_READERS` is unset.
fn reader_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TEST_SMTP_PYTHON").map(PathBuf::from),
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/accord-venv/bin/python")),
    ];
    let found = candidates.into_iter().flatten().find(|python| {
        Command::new(python)
            .args(["-c", "import pypdf, openpyxl"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("TEST_REQUIRE_READERS").is_none(),
            "TEST_REQUIRE_READERS is set but pypdf/openpyxl are not installed (run .ci/run once)"
        );
        eprintln!("skipping file checks: pypdf and openpyxl are not installed");
    }
    found
}

/// What a real reader makes of a PDF or XLSX file (see `tests/fixtures/reports/read_office.py`).
pub fn read_office(kind: &str, bytes: &[u8]) -> Option<Value> {
    let python = reader_python()?;
    // openpyxl goes by the file's extension.
    let mut file = tempfile::Builder::new()
        .suffix(&format!(".{kind}"))
        .tempfile()
        .expect("temp file");
    file.write_all(bytes).expect("written");
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports/read_office.py");
    let output = Command::new(python)
        .arg(script)
        .arg(kind)
        .arg(file.path())
        .output()
        .expect("reader runs");
    assert!(
        output.status.success(),
        "the {kind} reader failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).expect("reader JSON"))
}

/// GETs `path` as `token`: status, content type and the body's bytes.
pub async fn download(app: &TestApp, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (
        status,
        media,
        response.bytes().await.expect("body").to_vec(),
    )
}

/// `report(kind, period, scope)` over GraphQL.
pub async fn report(
    app: &TestApp,
    token: &str,
    kind: &str,
    period: Option<&str>,
    scope: Value,
) -> Value {
    let query = format!(
        "query($p: String, $s: ReportScopeInput) {{ report(kind: {kind}, period: $p, scope: $s) }}"
    );
    app.ok(token, &query, json!({ "p": period, "s": scope }))
        .await["report"]
        .clone()
}

/// The rows of a sheet as read back, without the header.
pub fn sheet_rows<'a>(book: &'a Value, sheet: &str) -> &'a Vec<Value> {
    book["sheets"][sheet]["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("sheet {sheet} in {}", book["order"]))
}
