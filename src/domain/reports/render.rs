//! Renders report data with the templates of `reports/` (minijinja, embedded in the binary so a
//! deployed `accord` needs no files beside it). HTML autoescapes every value; text does not.

use std::sync::OnceLock;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// The output formats a report renders to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Text,
    Json,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["html", "text", "json"];

    pub fn parse(value: &str) -> AppResult<Format> {
        match value.trim().to_ascii_lowercase().as_str() {
            "html" => Ok(Format::Html),
            "text" | "txt" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            other => Err(AppError::rule(
                "format",
                "one_of",
                format!(
                    "format '{other}' must be one of: {}",
                    Format::NAMES.join(", ")
                ),
            )),
        }
    }

    /// The format's name as callers give it (`html`, `text`, `json`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Text => "text",
            Format::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Text => "text/plain; charset=utf-8",
            Format::Json => "application/json",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Text => "txt",
            Format::Json => "json",
        }
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "governance-board.html",
        include_str!("../../../reports/governance-board.html.j2"),
    ),
    (
        "governance-board.txt",
        include_str!("../../../reports/governance-board.txt.j2"),
    ),
    (
        "dataset-sheet.md",
        include_str!("../../../reports/dataset-sheet.md.j2"),
    ),
    (
        "management-review.md",
        include_str!("../../../reports/management-review.md.j2"),
    ),
];

fn environment() -> AppResult<&'static Environment<'static>> {
    static ENV: OnceLock<Result<Environment<'static>, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        // A value missing from the data is a template bug, not something to print as empty.
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .map_err(|e| format!("report template {name} does not parse: {e}"))?;
        }
        Ok(env)
    })
    .as_ref()
    .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

/// Renders report `kind` (e.g. `governance-board`) in `format`.
pub fn render<T: Serialize>(kind: &str, format: Format, report: &T) -> AppResult<String> {
    if format == Format::Json {
        return serde_json::to_string_pretty(report).map_err(AppError::internal);
    }
    template(&format!("{kind}.{}", format.extension()), report)
}

/// Renders the template `name` (e.g. `management-review.md`) with `report`.
pub fn template<T: Serialize>(name: &str, report: &T) -> AppResult<String> {
    let template = environment()?
        .get_template(name)
        .map_err(|_| AppError::not_found(format!("report template {name}")))?;
    template
        .render(minijinja::context! { report => minijinja::value::Serde(report) })
        .map_err(|e| AppError::internal(anyhow::anyhow!("rendering {name}: {e:#}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses() {
        environment().expect("templates parse");
    }

    #[test]
    fn unknown_formats_are_refused() {
        assert!(Format::parse("pdf").is_err());
        assert_eq!(Format::parse("HTML").ok(), Some(Format::Html));
    }
}
