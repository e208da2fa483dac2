//! The flat CSV format: one row per mapping with NIST IR 8477 columns.

use std::collections::HashSet;

use super::{Parsed, RowError, framework_label, path_text, resolve_framework, resolve_requirement};
use crate::domain::catalog::CatalogSnapshot;
use crate::domain::crosswalk::Answer;
use crate::domain::crosswalk::direct::NewDirectMapping;
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::error::{AppError, AppResult};

/// Column order of exports (imports accept any order, extra columns ignored).
pub const COLUMNS: [&str; 13] = [
    "source_id",
    "source_framework",
    "target_id",
    "target_framework",
    "relationship",
    "rationale",
    "strength",
    "score",
    "confidence",
    "inferred",
    "path",
    "provenance",
    "justification",
];

const REQUIRED: [&str; 5] = [
    "source_id",
    "source_framework",
    "target_id",
    "target_framework",
    "relationship",
];

/// Writes answers as CSV.
pub fn write(catalog: &CatalogSnapshot, answers: &[Answer]) -> AppResult<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(COLUMNS).map_err(AppError::internal)?;
    for answer in answers {
        let source = catalog.requirement(answer.source_id)?;
        let target = catalog.requirement(answer.target_id)?;
        let label = |framework_id: i32| {
            catalog
                .framework_by_id(framework_id)
                .map(framework_label)
                .unwrap_or_default()
        };
        writer
            .write_record([
                source.ref_id.as_str(),
                &label(source.framework_id),
                target.ref_id.as_str(),
                &label(target.framework_id),
                answer.relationship.as_str(),
                answer.rationale.map(|r| r.as_str()).unwrap_or(""),
                &answer.strength.map(|s| s.to_string()).unwrap_or_default(),
                &answer.score.to_string(),
                answer.confidence.as_deref().unwrap_or(""),
                if answer.inferred { "true" } else { "false" },
                &path_text(catalog, &answer.path),
                &answer.provenance.join(" | "),
                &answer.justification.join(" | "),
            ])
            .map_err(AppError::internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// Parses and validates every row; returns all row errors when any row is bad.
pub fn parse(
    catalog: &CatalogSnapshot,
    text: &str,
    provenance: &str,
) -> Result<Parsed, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(err) => return Err(vec![row_error(1, format!("unreadable header: {err}"))]),
    };
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let columns: Vec<Option<usize>> = COLUMNS.iter().map(|c| index(c)).collect();
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|c| index(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(vec![row_error(
            1,
            format!("missing columns: {}", missing.join(", ")),
        )]);
    }
    let mut parsed = Parsed::default();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map_or(0, |p| p.line());
                errors.push(row_error(line, format!("malformed row: {err}")));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row = RowView {
            record: &record,
            columns: &columns,
        };
        if row.field("inferred").eq_ignore_ascii_case("true") {
            parsed.skipped_inferred += 1;
            continue;
        }
        match parse_row(catalog, &row, provenance) {
            Ok(row) => {
                if !seen.insert((row.source_id, row.target_id)) {
                    errors.push(row_error(
                        line,
                        "the same source and target appear on an earlier row".into(),
                    ));
                } else {
                    parsed.rows.push(row);
                }
            }
            Err(reasons) => errors.extend(reasons.into_iter().map(|r| row_error(line, r))),
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

fn row_error(line: u64, reason: String) -> RowError {
    RowError {
        location: format!("line {line}"),
        reason,
    }
}

/// One record read through the header's column positions.
struct RowView<'a> {
    record: &'a csv::StringRecord,
    columns: &'a [Option<usize>],
}

impl<'a> RowView<'a> {
    fn field(&self, name: &str) -> &'a str {
        COLUMNS
            .iter()
            .position(|c| *c == name)
            .and_then(|i| self.columns.get(i).copied().flatten())
            .and_then(|i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }
}

fn parse_row(
    catalog: &CatalogSnapshot,
    row: &RowView<'_>,
    provenance: &str,
) -> Result<NewDirectMapping, Vec<String>> {
    let field = |name: &str| row.field(name);
    let mut reasons = Vec::new();
    let mut endpoint = |id_column: &str, framework_column: &str| {
        let label = field(framework_column);
        let Some(framework) = resolve_framework(catalog, label) else {
            reasons.push(format!(
                "{framework_column} '{label}' is not a loaded framework"
            ));
            return None;
        };
        let reference = field(id_column);
        match resolve_requirement(catalog, framework, reference) {
            Some(requirement) => Some(requirement.id),
            None => {
                reasons.push(format!(
                    "{id_column} '{reference}' is not a requirement of {}",
                    framework.slug
                ));
                None
            }
        }
    };
    let source = endpoint("source_id", "source_framework");
    let target = endpoint("target_id", "target_framework");
    let relationship = field("relationship")
        .parse::<Relationship>()
        .map_err(|e| reasons.push(e.to_string()))
        .ok();
    let rationale = match field("rationale") {
        "" => None,
        text => text
            .parse::<Rationale>()
            .map_err(|e| reasons.push(e.to_string()))
            .ok(),
    };
    let strength = match field("strength") {
        "" => None,
        text => match text.parse::<i32>() {
            Ok(n) if (0..=10).contains(&n) => Some(n),
            _ => {
                reasons.push(format!(
                    "strength '{text}' must be a whole number from 0 to 10"
                ));
                None
            }
        },
    };
    if source.is_some() && source == target {
        reasons.push("source and target are the same requirement".into());
    }
    match (source, target, relationship) {
        (Some(source_id), Some(target_id), Some(relationship)) if reasons.is_empty() => {
            Ok(NewDirectMapping {
                source_id,
                target_id,
                relationship,
                rationale,
                strength,
                confidence: Some(field("confidence").to_string()).filter(|c| !c.is_empty()),
                justification: field("justification").to_string(),
                provenance: match field("provenance") {
                    "" => provenance.to_string(),
                    original => format!("{provenance} (source: {original})"),
                },
            })
        }
        _ => Err(reasons),
    }
}
