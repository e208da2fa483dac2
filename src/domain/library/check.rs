//! The library's own rules, checked against the embedded catalogs, and its statistics
//! (`accord library stats`):
//! - a mapping targets a leaf requirement and covers only that requirement's elements;
//! - `superset_of` / `equal` must cover every element (a set relation whose justification leaves
//!   something out is an overstatement that would inflate coverage);
//! - a control set has 2-5 members, each mapped to the requirement, jointly covering every
//!   element, none redundant;
//! - every leaf requirement is satisfiable: one full-cover control or a control set;
//! - the threat library and the controls' `threats` back-links agree.

use std::collections::{BTreeMap, BTreeSet};

use super::{Library, LibraryMapping};
use crate::domain::catalog::embedded::{CatalogFile, EMBEDDED_CATALOGS};
use crate::domain::crosswalk::relationship::Relationship;
use crate::domain::risks::threats;
use crate::error::{AppError, AppResult};

/// One framework's figures.
#[derive(Debug, Default)]
pub struct FrameworkStats {
    pub framework: String,
    pub leaves: usize,
    pub satisfiable: usize,
    pub mappings: usize,
    pub control_sets: usize,
    pub relationships: BTreeMap<String, usize>,
    pub rationales: BTreeMap<String, usize>,
    pub strengths: BTreeMap<i32, usize>,
}

/// The result of checking the library.
#[derive(Debug, Default)]
pub struct LibraryReport {
    pub version: String,
    pub controls: usize,
    pub frameworks: Vec<FrameworkStats>,
    pub problems: Vec<String>,
}

/// Leaf requirements of each embedded framework, by slug (ISO clauses 1-3 hold no requirements).
fn leaves() -> AppResult<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for (name, raw) in EMBEDDED_CATALOGS {
        let file: CatalogFile = serde_json::from_str(raw).map_err(|e| {
            AppError::internal(anyhow::anyhow!("embedded catalog {name} is invalid: {e}"))
        })?;
        let parents: BTreeSet<&str> = file
            .requirements
            .iter()
            .filter_map(|r| r.parent.as_deref())
            .collect();
        let list = file
            .requirements
            .iter()
            .filter(|r| !parents.contains(r.ref_id.as_str()))
            .filter(|r| !(r.kind == "clause" && matches!(r.ref_id.as_str(), "1" | "2" | "3")))
            .map(|r| r.ref_id.clone())
            .collect();
        out.insert(file.slug, list);
    }
    Ok(out)
}

/// Checks every rule and gathers the statistics.
pub fn review(library: &Library) -> AppResult<LibraryReport> {
    let leaves = leaves()?;
    let mut report = LibraryReport {
        version: library.version.clone(),
        controls: library.controls.len(),
        ..Default::default()
    };
    let codes: BTreeSet<&str> = library.controls.iter().map(|c| c.code.as_str()).collect();
    for (framework, leaf_list) in &leaves {
        let leaf_set: BTreeSet<&str> = leaf_list.iter().map(String::as_str).collect();
        let rows: Vec<&LibraryMapping> = library
            .mappings
            .iter()
            .filter(|m| &m.framework == framework)
            .collect();
        let mut stats = FrameworkStats {
            framework: framework.clone(),
            leaves: leaf_list.len(),
            mappings: rows.len(),
            ..Default::default()
        };
        let mut satisfiable = BTreeSet::new();
        for m in &rows {
            *stats
                .relationships
                .entry(m.relationship.as_str().to_string())
                .or_default() += 1;
            *stats
                .rationales
                .entry(m.rationale.as_str().to_string())
                .or_default() += 1;
            *stats.strengths.entry(m.strength.unwrap_or(-1)).or_default() += 1;
            let at = format!("{} -> {framework} {}", m.control, m.requirement);
            if !codes.contains(m.control.as_str()) {
                report.problems.push(format!("{at}: unknown control"));
            }
            if !leaf_set.contains(m.requirement.as_str()) {
                report.problems.push(format!(
                    "{at}: not a leaf requirement (map the most specific item)"
                ));
                continue;
            }
            let elements = element_keys(library, framework, &m.requirement);
            if elements.is_empty() {
                report
                    .problems
                    .push(format!("{at}: requirement has no elements"));
                continue;
            }
            let covers: BTreeSet<&str> = m.covers.iter().map(String::as_str).collect();
            if !covers.is_subset(&elements) {
                report.problems.push(format!(
                    "{at}: covers elements the requirement does not have"
                ));
            }
            if m.relationship.covers_fully() {
                if covers == elements {
                    satisfiable.insert(m.requirement.as_str());
                } else {
                    let missing: Vec<&str> = elements.difference(&covers).copied().collect();
                    report.problems.push(format!(
                        "{at}: {} claimed but elements {missing:?} are not covered",
                        m.relationship
                    ));
                }
            }
        }
        for set in library
            .control_sets
            .iter()
            .filter(|s| &s.framework == framework)
        {
            stats.control_sets += 1;
            if check_set(library, set, &rows, &mut report.problems) {
                satisfiable.insert(set.requirement.as_str());
            }
        }
        stats.satisfiable = satisfiable.len();
        for leaf in leaf_list {
            if !satisfiable.contains(leaf.as_str()) {
                report.problems.push(format!(
                    "{framework} {leaf}: no control or control set covers every element"
                ));
            }
        }
        report.frameworks.push(stats);
    }
    check_threat_links(library, &mut report.problems)?;
    Ok(report)
}

fn element_keys<'a>(library: &'a Library, framework: &str, requirement: &str) -> BTreeSet<&'a str> {
    library
        .elements
        .get(&(framework.to_string(), requirement.to_string()))
        .map(|list| list.iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default()
}

/// True when the set holds; problems are recorded otherwise.
fn check_set(
    library: &Library,
    set: &super::ControlSet,
    rows: &[&LibraryMapping],
    problems: &mut Vec<String>,
) -> bool {
    let at = format!(
        "{} {} set {:?}",
        set.framework, set.requirement, set.controls
    );
    if !(2..=5).contains(&set.controls.len()) {
        problems.push(format!("{at}: a set has 2-5 members"));
        return false;
    }
    let elements = element_keys(library, &set.framework, &set.requirement);
    let mut member_covers = Vec::new();
    for code in &set.controls {
        let Some(row) = rows
            .iter()
            .find(|m| &m.control == code && m.requirement == set.requirement)
        else {
            problems.push(format!(
                "{at}: member {code} has no mapping to the requirement"
            ));
            return false;
        };
        if row.relationship == Relationship::NotRelated {
            problems.push(format!("{at}: member {code} is not related"));
            return false;
        }
        member_covers.push(
            row.covers
                .iter()
                .map(String::as_str)
                .collect::<BTreeSet<_>>(),
        );
    }
    let union: BTreeSet<&str> = member_covers.iter().flatten().copied().collect();
    if union != elements {
        let missing: Vec<&str> = elements.difference(&union).copied().collect();
        problems.push(format!(
            "{at}: members leave elements {missing:?} uncovered"
        ));
        return false;
    }
    for (i, code) in set.controls.iter().enumerate() {
        let rest: BTreeSet<&str> = member_covers
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        if rest == elements {
            problems.push(format!("{at}: member {code} is redundant"));
            return false;
        }
    }
    true
}

/// Every threat's controls list the threat back, and every control's threats list the control.
fn check_threat_links(library: &Library, problems: &mut Vec<String>) -> AppResult<()> {
    let threats = threats::library()?;
    let mut from_threats = BTreeSet::new();
    for threat in threats {
        for control in &threat.controls {
            from_threats.insert((threat.key.as_str(), control.as_str()));
        }
    }
    let mut from_controls = BTreeSet::new();
    for control in &library.controls {
        for threat in &control.threats {
            from_controls.insert((threat.as_str(), control.code.as_str()));
        }
    }
    for (threat, control) in from_threats.symmetric_difference(&from_controls) {
        problems.push(format!(
            "threat {threat} and control {control} do not list each other"
        ));
    }
    Ok(())
}

/// The report as text, for `accord library stats`.
pub fn render(report: &LibraryReport) -> String {
    let mut out = format!(
        "Accord common-control library {} ({} controls)\n",
        report.version, report.controls
    );
    for f in &report.frameworks {
        out.push_str(&format!(
            "\n{}: {}/{} leaf requirements satisfiable, {} mappings, {} control sets\n",
            f.framework, f.satisfiable, f.leaves, f.mappings, f.control_sets
        ));
        out.push_str(&format!("  relationships: {}\n", join(&f.relationships)));
        out.push_str(&format!("  rationales:    {}\n", join(&f.rationales)));
        out.push_str(&format!("  strengths:     {}\n", join(&f.strengths)));
    }
    if report.problems.is_empty() {
        out.push_str("\nlibrary check: every rule holds\n");
    } else {
        out.push_str(&format!(
            "\nlibrary check: {} problems\n",
            report.problems.len()
        ));
        for p in &report.problems {
            out.push_str(&format!("  {p}\n"));
        }
    }
    out
}

fn join<K: std::fmt::Display>(counts: &BTreeMap<K, usize>) -> String {
    counts
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped library passes every rule, and every leaf requirement of all three
    /// frameworks can show "satisfied" once its controls are implemented and evidenced.
    #[test]
    fn shipped_library_passes_every_rule() {
        let library = super::super::library().expect("library parses");
        let report = review(library).expect("review runs");
        assert!(report.problems.is_empty(), "{}", render(&report));
        assert_eq!(report.frameworks.len(), 3);
        for f in &report.frameworks {
            assert_eq!(f.satisfiable, f.leaves, "{}", f.framework);
            assert!(f.leaves > 60, "{}", f.framework);
        }
    }
}
