//! A real SMTP server on loopback for delivery tests: aiosmtpd (PyPI) with a small handler in
//! `tests/fixtures/smtp/` that records each message and refuses `reject*` recipients with 550.
//! `.ci/run` installs aiosmtpd into its virtualenv; with `TEST_REQUIRE_SMTP=1` a missing server
//! fails the test instead of skipping it.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use accord::config::{Config, SmtpSecurity, TransportKind};

/// Points the server's mail at `port` (plain SMTP to loopback) and makes the runner quick.
pub fn smtp_to(port: u16) -> impl FnOnce(&mut Config) {
    move |config| {
        config.mail.transport = TransportKind::Smtp;
        config.mail.from = "Accord Reports <reports@accord.test>".into();
        config.mail.smtp.host = "127.0.0.1".into();
        config.mail.smtp.port = port;
        config.mail.smtp.security = SmtpSecurity::Plain;
        config.mail.smtp.timeout_secs = 5;
        config.mail.backoff_secs = 1;
        config.mail.max_backoff_secs = 2;
        config.jobs.poll_interval_ms = 50;
        config.public_url = "https://accord.test".into();
    }
}

/// A running SMTP server that records what it accepts.
pub struct SmtpServer {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Option<Child>,
}

fn python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("TEST_SMTP_PYTHON").map(PathBuf::from),
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/accord-venv/bin/python")),
    ];
    candidates.into_iter().flatten().find(|python| {
        Command::new(python)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// A loopback port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl SmtpServer {
    /// Starts a server on a free port; `None` (with a notice) when aiosmtpd is not installed
    /// and `TEST_REQUIRE_SMTP` is unset.
    pub async fn start() -> Option<SmtpServer> {
        SmtpServer::start_on(free_port()).await
    }

    /// Starts a server on `port` (to bring a server up where clients already point).
    pub async fn start_on(port: u16) -> Option<SmtpServer> {
        let Some(python) = python() else {
            assert!(
                std::env::var_os("TEST_REQUIRE_SMTP").is_none(),
                "TEST_REQUIRE_SMTP is set but aiosmtpd is not installed (run .ci/run once)"
            );
            eprintln!("skipping: aiosmtpd is not installed (pip install aiosmtpd)");
            return None;
        };
        let dir = tempfile::tempdir().expect("mail dir");
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp");
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "accord_smtp.Recorder"])
            .arg(dir.path())
            .env("PYTHONPATH", fixtures)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let server = SmtpServer {
            port,
            dir,
            child: Some(child),
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return Some(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("aiosmtpd did not start listening on {port}");
    }

    /// Every message accepted so far (raw bytes, after the recorder's `X-Test-Recipient` line).
    pub fn messages(&self) -> Vec<Vec<u8>> {
        let mut out: Vec<(std::time::SystemTime, Vec<u8>)> = std::fs::read_dir(self.dir.path())
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().ends_with(".eml"))
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .filter_map(|e| {
                        let modified = e.metadata().ok()?.modified().ok()?;
                        Some((modified, std::fs::read(e.path()).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort_by_key(|(at, _)| *at);
        out.into_iter().map(|(_, bytes)| bytes).collect()
    }

    /// Waits until at least `count` messages arrived (or ten seconds pass).
    pub async fn wait_for(&self, count: usize) -> Vec<Vec<u8>> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.messages()
    }

    /// Stops the server (SIGKILL: it keeps nothing in memory that matters).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
