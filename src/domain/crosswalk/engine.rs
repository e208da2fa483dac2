//! The crosswalk computation, pure and synchronous so it can be benchmarked and tested alone.
//!
//! Two kinds of answer connect a source requirement to a target requirement:
//! - direct: a stored requirement mapping (or its derived inverse: subset_of <-> superset_of);
//! - through a control: "control r1 source" and "control r2 target" give
//!   "source inverse(r1) control" composed with "control r2 target". Such answers are always
//!   labelled inferred, and only equal/subset/superset chains keep a set relation
//!   (DESIGN.md section 3); every other chain is reported as "related" with its path.

use std::collections::{HashMap, HashSet};

use crate::domain::catalog::CatalogSnapshot;
use crate::domain::crosswalk::relationship::{Composed, Rationale, Relationship, compose};

/// Which kinds of answer to include.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Via {
    Direct,
    Controls,
}

/// The relationship an answer reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerRelationship {
    Set(Relationship),
    /// Related through a pivot, with no set relation established.
    Related,
}

impl AnswerRelationship {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerRelationship::Set(r) => r.as_str(),
            AnswerRelationship::Related => "related",
        }
    }
}

/// One step of an answer's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Requirement(i32),
    Control { id: i32, code: String },
}

/// A stored "A relationship B" edge, from either table.
#[derive(Debug, Clone)]
pub struct Edge {
    pub id: i32,
    pub relationship: Relationship,
    pub rationale: Option<Rationale>,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
    pub provenance: String,
}

/// A direct requirement-to-requirement mapping.
#[derive(Debug, Clone)]
pub struct DirectMapping {
    pub source_id: i32,
    pub target_id: i32,
    pub edge: Edge,
}

/// A control-to-requirement mapping of an active control.
#[derive(Debug, Clone)]
pub struct ControlEdge {
    pub control_id: i32,
    pub control_code: String,
    pub requirement_id: i32,
    pub edge: Edge,
}

/// One answer of the crosswalk.
#[derive(Debug, Clone)]
pub struct Answer {
    pub source_id: i32,
    pub target_id: i32,
    pub relationship: AnswerRelationship,
    pub rationale: Option<Rationale>,
    pub strength: Option<i32>,
    /// 0-100: how much the answer can be relied on, from its legs (see [`score`]).
    pub score: i32,
    pub confidence: Option<String>,
    pub inferred: bool,
    /// A direct mapping read in its stored reverse direction.
    pub derived_inverse: bool,
    pub via: Via,
    pub path: Vec<PathStep>,
    /// Where each leg came from, in path order.
    pub provenance: Vec<String>,
    /// The legs' justifications, in path order.
    pub justification: Vec<String>,
}

/// What to compute.
#[derive(Debug, Clone)]
pub struct CrosswalkRequest {
    pub from_framework_id: i32,
    pub to_framework_id: i32,
    /// Only answers whose source is one of these requirements (None: every requirement).
    pub sources: Option<HashSet<i32>>,
    pub via: Vec<Via>,
}

/// Computes every answer, ordered by source and target in catalog order, direct answers first.
pub fn compute(
    catalog: &CatalogSnapshot,
    request: &CrosswalkRequest,
    direct: &[DirectMapping],
    control_edges: &[ControlEdge],
) -> Vec<Answer> {
    let framework_of = |id: i32| catalog.requirement(id).ok().map(|r| r.framework_id);
    let wanted_source = |id: i32| {
        framework_of(id) == Some(request.from_framework_id)
            && request.sources.as_ref().is_none_or(|s| s.contains(&id))
    };
    let is_target = |id: i32| framework_of(id) == Some(request.to_framework_id);
    let mut answers = Vec::new();

    if request.via.contains(&Via::Direct) {
        for m in direct {
            if m.edge.relationship == Relationship::NotRelated {
                continue;
            }
            if wanted_source(m.source_id) && is_target(m.target_id) {
                answers.push(direct_answer(
                    m.source_id,
                    m.target_id,
                    m.edge.relationship,
                    &m.edge,
                    false,
                ));
            } else if wanted_source(m.target_id) && is_target(m.source_id) {
                let inverse = m.edge.relationship.inverse();
                answers.push(direct_answer(
                    m.target_id,
                    m.source_id,
                    inverse,
                    &m.edge,
                    true,
                ));
            }
        }
    }

    if request.via.contains(&Via::Controls) {
        let mut by_control: HashMap<i32, (Vec<&ControlEdge>, Vec<&ControlEdge>)> = HashMap::new();
        for edge in control_edges {
            if edge.edge.relationship == Relationship::NotRelated {
                continue;
            }
            let entry = by_control.entry(edge.control_id).or_default();
            if wanted_source(edge.requirement_id) {
                entry.0.push(edge);
            }
            if is_target(edge.requirement_id) {
                entry.1.push(edge);
            }
        }
        for (sources, targets) in by_control.values() {
            for source in sources {
                for target in targets {
                    if source.requirement_id == target.requirement_id {
                        continue;
                    }
                    if let Some(answer) = through_control(source, target) {
                        answers.push(answer);
                    }
                }
            }
        }
    }

    // Per source requirement, the strongest answers first; ties in catalog order, direct first.
    let order = |id: i32| catalog.requirement(id).map(|r| r.ord).unwrap_or(i32::MAX);
    answers.sort_by(|a, b| {
        (
            order(a.source_id),
            std::cmp::Reverse(a.score),
            order(a.target_id),
            a.via == Via::Controls,
            control_code(a),
        )
            .cmp(&(
                order(b.source_id),
                std::cmp::Reverse(b.score),
                order(b.target_id),
                b.via == Via::Controls,
                control_code(b),
            ))
    });
    answers
}

/// Neutral strength for a leg that states none (imported mappings may omit it).
const UNSTATED_STRENGTH: i32 = 5;

/// An answer's score, 0-100: the relationship's weight (equal 1.0; subset_of or superset_of
/// 0.85; intersects_with 0.6; related, connected through a pivot with no set relation, 0.35)
/// times each leg's strength out of 10 (5 when a leg states none). A direct mapping has one leg;
/// an answer through a control has two, so it ranks below an equally strong direct one.
pub fn score(relationship: AnswerRelationship, strengths: &[Option<i32>]) -> i32 {
    let weight = match relationship {
        AnswerRelationship::Set(Relationship::Equal) => 1.0,
        AnswerRelationship::Set(Relationship::SubsetOf | Relationship::SupersetOf) => 0.85,
        AnswerRelationship::Set(Relationship::IntersectsWith) => 0.6,
        AnswerRelationship::Related => 0.35,
        AnswerRelationship::Set(Relationship::NotRelated) => 0.0,
    };
    let legs: f64 = strengths
        .iter()
        .map(|s| f64::from(s.unwrap_or(UNSTATED_STRENGTH).clamp(0, 10)) / 10.0)
        .product();
    (100.0 * weight * legs).round() as i32
}

fn control_code(answer: &Answer) -> &str {
    answer
        .path
        .iter()
        .find_map(|step| match step {
            PathStep::Control { code, .. } => Some(code.as_str()),
            PathStep::Requirement(_) => None,
        })
        .unwrap_or("")
}

fn direct_answer(
    source: i32,
    target: i32,
    relationship: Relationship,
    edge: &Edge,
    derived_inverse: bool,
) -> Answer {
    Answer {
        source_id: source,
        target_id: target,
        relationship: AnswerRelationship::Set(relationship),
        rationale: edge.rationale,
        strength: edge.strength,
        score: score(AnswerRelationship::Set(relationship), &[edge.strength]),
        confidence: edge.confidence.clone(),
        inferred: false,
        derived_inverse,
        via: Via::Direct,
        path: vec![PathStep::Requirement(source), PathStep::Requirement(target)],
        provenance: vec![edge.provenance.clone()],
        justification: vec![edge.justification.clone()],
    }
}

/// "control r1 source" and "control r2 target": source inverse(r1) control, then r2.
fn through_control(source: &ControlEdge, target: &ControlEdge) -> Option<Answer> {
    let composed = compose(source.edge.relationship.inverse(), target.edge.relationship)?;
    let relationship = match composed {
        Composed::Set(r) => AnswerRelationship::Set(r),
        Composed::Related => AnswerRelationship::Related,
    };
    let rationale = match (source.edge.rationale, target.edge.rationale) {
        (Some(a), Some(b)) if a == b => Some(a),
        _ => None,
    };
    let strength = match (source.edge.strength, target.edge.strength) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => None,
    };
    Some(Answer {
        source_id: source.requirement_id,
        target_id: target.requirement_id,
        relationship,
        rationale,
        strength,
        score: score(relationship, &[source.edge.strength, target.edge.strength]),
        confidence: Some("inferred".into()),
        inferred: true,
        derived_inverse: false,
        via: Via::Controls,
        path: vec![
            PathStep::Requirement(source.requirement_id),
            PathStep::Control {
                id: source.control_id,
                code: source.control_code.clone(),
            },
            PathStep::Requirement(target.requirement_id),
        ],
        provenance: vec![
            source.edge.provenance.clone(),
            target.edge.provenance.clone(),
        ],
        justification: vec![
            source.edge.justification.clone(),
            target.edge.justification.clone(),
        ],
    })
}
