//! The layers stay apart without splitting the crate: the domain (and the job queue and mailer
//! it uses) never names actix or async-graphql, and GraphQL never reaches for sea-orm. Measured
//! on 2026-12-02: a one-line edit in `src/graphql` or `src/domain` rebuilds the library and the
//! test binary incrementally in 14-19 s either way, so separate crates would buy little build time;
//! this check gives their boundary.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn offenders(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files = Vec::new();
    sources(&root, &mut files);
    assert!(!files.is_empty(), "{dir} has sources");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for (number, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for name in forbidden {
                if code.contains(&format!("{name}::")) {
                    found.push(format!("{}:{}: {name}", file.display(), number + 1));
                }
            }
        }
    }
    found
}

#[test]
fn the_domain_knows_neither_http_nor_graphql() {
    for dir in ["src/domain", "src/jobs", "src/mail", "src/analytics"] {
        let found = offenders(dir, &["actix_web", "async_graphql"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn graphql_goes_through_the_domain_not_the_database() {
    let found = offenders("src/graphql", &["sea_orm", "entity"]);
    assert!(found.is_empty(), "{found:#?}");
}
