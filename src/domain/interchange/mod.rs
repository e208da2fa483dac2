//! Crosswalk interchange for integrators: flat CSV (one row per mapping, IR 8477 columns) and
//! OSCAL 1.2 JSON (a catalog per framework, a mapping collection per framework pair), in both
//! directions. Imports are all-or-nothing and report every bad row with its place and reason.

pub mod csv_format;
pub mod export;
pub mod import;
pub mod oscal;

use crate::domain::catalog::{CatalogSnapshot, Framework, Requirement};
use crate::domain::crosswalk::PathStep;

/// Parsed rows of an import (CSV or OSCAL), before anything is written.
#[derive(Debug, Default)]
pub struct Parsed {
    pub rows: Vec<crate::domain::crosswalk::direct::NewDirectMapping>,
    /// Inferred rows are derived data: they are not imported as mappings.
    pub skipped_inferred: usize,
}

/// A rejected input row: where it is (CSV line or JSON pointer) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub location: String,
    pub reason: String,
}

/// `slug:version`, the framework column of the CSV format.
pub fn framework_label(framework: &Framework) -> String {
    format!("{}:{}", framework.slug, framework.version)
}

/// Resolves `slug` or `slug:version` to a loaded framework.
pub fn resolve_framework<'a>(catalog: &'a CatalogSnapshot, label: &str) -> Option<&'a Framework> {
    let label = label.trim();
    let (slug, version) = match label.split_once(':') {
        Some((slug, version)) => (slug, Some(version)),
        None => (label, None),
    };
    catalog.framework(slug, version).ok()
}

/// An OSCAL-safe identifier (an XML NCName) for a requirement ref: lowercase, spaces as
/// hyphens, and a `req-` prefix where the ref starts with a digit (ISO clause numbers).
pub fn oscal_id(ref_id: &str) -> String {
    let id = ref_id.trim().to_lowercase().replace(' ', "-");
    match id.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => id,
        _ => format!("req-{id}"),
    }
}

/// Finds a requirement of a framework by its ref, URN or OSCAL id (case-insensitive).
pub fn resolve_requirement<'a>(
    catalog: &'a CatalogSnapshot,
    framework: &Framework,
    reference: &str,
) -> Option<&'a Requirement> {
    let reference = reference.trim();
    if reference.starts_with("urn:") {
        return catalog
            .requirement_by_urn(reference)
            .ok()
            .filter(|r| r.framework_id == framework.id);
    }
    // Index lookups first: the ref itself, then the ref an OSCAL id was made from (no `req-`
    // prefix, hyphens back to spaces); a full scan only for refs those rules cannot reverse.
    let unprefixed = reference.strip_prefix("req-").unwrap_or(reference);
    [
        reference.to_string(),
        unprefixed.to_string(),
        unprefixed.replace('-', " "),
    ]
    .iter()
    .find_map(|candidate| catalog.requirement_by_ref_ignoring_case(framework.id, candidate))
    .or_else(|| {
        let wanted = reference.to_lowercase();
        catalog
            .requirements_of(framework.id)
            .into_iter()
            .find(|r| oscal_id(&r.ref_id) == wanted)
    })
}

/// A path as text: `urn:...:GOVERN%201.1 > control:GOV-04 > urn:...:5.2`.
pub fn path_text(catalog: &CatalogSnapshot, path: &[PathStep]) -> String {
    path.iter()
        .map(|step| match step {
            PathStep::Requirement(id) => catalog
                .requirement(*id)
                .map(|r| r.urn.clone())
                .unwrap_or_else(|_| format!("requirement:{id}")),
            PathStep::Control { code, .. } => format!("control:{code}"),
        })
        .collect::<Vec<_>>()
        .join(" > ")
}

#[cfg(test)]
mod tests {
    use super::oscal_id;

    #[test]
    fn oscal_ids_are_ncnames() {
        assert_eq!(oscal_id("GV.OC-01"), "gv.oc-01");
        assert_eq!(oscal_id("GOVERN 1.1"), "govern-1.1");
        assert_eq!(oscal_id("4.1"), "req-4.1");
        assert_eq!(oscal_id("A.6.2.3"), "a.6.2.3");
    }
}
