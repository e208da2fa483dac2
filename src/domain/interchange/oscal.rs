//! OSCAL 1.2 JSON: a catalog per framework and a mapping collection per framework pair, and
//! reading mapping collections back. Requirement ids become NCName-safe OSCAL ids (see
//! [`super::oscal_id`]) with the framework's own ref kept in a `label` property.

use std::collections::HashSet;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{
    RowError, framework_label, oscal_id, path_text, resolve_framework, resolve_requirement,
};
use crate::domain::catalog::{CatalogSnapshot, Framework, Requirement};
use crate::domain::crosswalk::direct::NewDirectMapping;
use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::domain::crosswalk::{Answer, AnswerRelationship};

/// The OSCAL version the documents declare (validated against NIST's 1.2.3 schema in tests).
pub const OSCAL_VERSION: &str = "1.2.3";
/// Namespace of Accord's own OSCAL properties.
pub const ACCORD_NS: &str = "urn:accord:oscal";

/// Stable UUIDs for stable subjects, so the same mapping keeps its id across exports.
fn stable_uuid(name: &str) -> String {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("urn:accord:{name}").as_bytes(),
    )
    .to_string()
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn prop(name: &str, value: impl ToString) -> Value {
    json!({ "name": name, "ns": ACCORD_NS, "value": value.to_string() })
}

/// OSCAL forbids empty strings and surrounding whitespace in most fields.
fn non_empty(text: &str, fallback: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

/// Where a framework's OSCAL catalog is served (relative to the API root).
pub fn catalog_href(framework: &Framework) -> String {
    format!(
        "/exports/oscal/catalog/{}.json?version={}",
        framework.slug, framework.version
    )
}

/// A framework as an OSCAL catalog: rows with children become groups, leaves become controls.
pub fn catalog(
    catalog: &CatalogSnapshot,
    framework: &Framework,
    generated: DateTime<Utc>,
) -> Value {
    let groups: Vec<Value> = catalog
        .top_level(framework.id)
        .into_iter()
        .map(|r| node(catalog, r))
        .collect();
    json!({
        "catalog": {
            "uuid": stable_uuid(&format!("catalog:{}", framework_label(framework))),
            "metadata": {
                "title": framework.name,
                "last-modified": timestamp(generated),
                "version": framework.version,
                "oscal-version": OSCAL_VERSION,
                "props": [prop("framework", framework_label(framework))],
                "remarks": format!("{} Source: {}", framework.licence, framework.source),
            },
            "groups": groups,
        }
    })
}

fn body(requirement: &Requirement) -> serde_json::Map<String, Value> {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), json!(oscal_id(&requirement.ref_id)));
    object.insert("class".into(), json!(requirement.kind.replace('_', "-")));
    object.insert(
        "title".into(),
        json!(non_empty(&requirement.title, &requirement.ref_id)),
    );
    object.insert(
        "props".into(),
        json!([
            { "name": "label", "value": requirement.ref_id },
            prop("urn", &requirement.urn),
        ]),
    );
    if !requirement.text.trim().is_empty() {
        let mut parts = vec![json!({
            "id": format!("{}_smt", oscal_id(&requirement.ref_id)),
            "name": "statement",
            "prose": requirement.text.trim(),
        })];
        for (i, example) in requirement
            .examples
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.trim().is_empty())
        {
            parts.push(json!({
                "id": format!("{}_ex{}", oscal_id(&requirement.ref_id), i + 1),
                "name": "example",
                "ns": ACCORD_NS,
                "prose": example.trim(),
            }));
        }
        object.insert("parts".into(), Value::Array(parts));
    }
    object
}

/// A row with children as a group. OSCAL lets a group hold either groups or controls, not both,
/// so when its children are mixed (ISO clause 6: 6.1 with sub-clauses beside 6.2 and 6.3) they all
/// become controls, those with children carrying them as nested controls.
fn node(catalog: &CatalogSnapshot, requirement: &Requirement) -> Value {
    let children = catalog.children(requirement.id);
    let mut object = body(requirement);
    if children.is_empty() {
        return Value::Object(object);
    }
    if children
        .iter()
        .all(|child| !catalog.children(child.id).is_empty())
    {
        object.insert(
            "groups".into(),
            children.into_iter().map(|g| node(catalog, g)).collect(),
        );
    } else {
        object.insert(
            "controls".into(),
            children.into_iter().map(|c| control(catalog, c)).collect(),
        );
    }
    Value::Object(object)
}

fn control(catalog: &CatalogSnapshot, requirement: &Requirement) -> Value {
    let mut object = body(requirement);
    let children = catalog.children(requirement.id);
    if !children.is_empty() {
        object.insert(
            "controls".into(),
            children.into_iter().map(|c| control(catalog, c)).collect(),
        );
    }
    Value::Object(object)
}

/// A crosswalk as an OSCAL mapping collection.
pub fn mapping_collection(
    catalog: &CatalogSnapshot,
    from: &Framework,
    to: &Framework,
    answers: &[Answer],
    organization: &str,
    generated: DateTime<Utc>,
) -> Value {
    let resource = |framework: &Framework| {
        json!({
            "type": "catalog",
            "href": catalog_href(framework),
            "props": [prop("framework", framework_label(framework))],
        })
    };
    let maps: Vec<Value> = answers
        .iter()
        .filter_map(|answer| {
            let source = catalog.requirement(answer.source_id).ok()?;
            let target = catalog.requirement(answer.target_id).ok()?;
            let path = path_text(catalog, &answer.path);
            let mut map = serde_json::Map::new();
            map.insert(
                "uuid".into(),
                json!(stable_uuid(&format!("map:{organization}:{path}"))),
            );
            match answer.relationship {
                AnswerRelationship::Set(relationship) => {
                    map.insert("relationship".into(), json!(relationship.oscal()));
                }
                AnswerRelationship::Related => {
                    // Not an OSCAL set relation: qualified by Accord's namespace.
                    map.insert("ns".into(), json!(ACCORD_NS));
                    map.insert("relationship".into(), json!("related"));
                }
            }
            if let Some(rationale) = answer.rationale {
                map.insert("matching-rationale".into(), json!(rationale.as_str()));
            }
            map.insert(
                "sources".into(),
                json!([{ "type": "control", "id-ref": oscal_id(&source.ref_id) }]),
            );
            map.insert(
                "targets".into(),
                json!([{ "type": "control", "id-ref": oscal_id(&target.ref_id) }]),
            );
            if let Some(confidence) = answer
                .confidence
                .as_deref()
                .filter(|c| !c.trim().is_empty())
            {
                map.insert(
                    "confidence-score".into(),
                    json!({ "category": confidence.trim() }),
                );
            }
            let mut props = vec![
                prop("inferred", answer.inferred),
                prop("path", &path),
                prop("score", answer.score),
            ];
            if let Some(strength) = answer.strength {
                props.push(prop("strength", strength));
            }
            for provenance in answer.provenance.iter().filter(|p| !p.trim().is_empty()) {
                props.push(prop("provenance", provenance.trim()));
            }
            map.insert("props".into(), Value::Array(props));
            let remarks = answer.justification.join("\n\n");
            if !remarks.trim().is_empty() {
                map.insert("remarks".into(), json!(remarks.trim()));
            }
            Some(Value::Object(map))
        })
        .collect();
    let mut mapping = json!({
        "uuid": stable_uuid(&format!("mapping:{organization}:{}:{}", framework_label(from), framework_label(to))),
        "source-resource": resource(from),
        "target-resource": resource(to),
    });
    if !maps.is_empty() {
        mapping["maps"] = Value::Array(maps);
    }
    json!({
        "mapping-collection": {
            "uuid": Uuid::new_v4().to_string(),
            "metadata": {
                "title": format!("{} to {} crosswalk ({organization})", from.short_name, to.short_name),
                "last-modified": timestamp(generated),
                "version": timestamp(generated),
                "oscal-version": OSCAL_VERSION,
            },
            "provenance": {
                "method": "hybrid",
                "matching-rationale": "semantic",
                "status": "draft",
                "mapping-description": format!(
                    "Crosswalk computed by Accord from the organization's direct mappings and its common \
                     controls. Answers through a control are inferred (see the inferred and path properties); \
                     only equal, subset and superset chains keep a set relationship, others are 'related'."
                ),
            },
            "mappings": [mapping],
        }
    })
}

/// Reads a mapping collection into direct mappings; every bad entry is reported by JSON pointer.
/// `default_from`/`default_to` name the frameworks when a resource does not say.
pub fn parse_mapping_collection(
    catalog: &CatalogSnapshot,
    document: &Value,
    default_from: Option<&Framework>,
    default_to: Option<&Framework>,
    provenance: &str,
) -> Result<super::Parsed, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut parsed = super::Parsed::default();
    let at = |location: String, reason: String| RowError { location, reason };
    let Some(collection) = document.get("mapping-collection") else {
        return Err(vec![at(
            "/".into(),
            "not an OSCAL mapping collection (no 'mapping-collection')".into(),
        )]);
    };
    let default_rationale = collection
        .pointer("/provenance/matching-rationale")
        .and_then(Value::as_str)
        .and_then(|r| r.parse::<Rationale>().ok());
    let mappings: Vec<&Value> = match collection.get("mappings") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => {
            return Err(vec![at(
                "/mapping-collection/mappings".into(),
                "missing or empty".into(),
            )]);
        }
    };
    let mut seen = HashSet::new();
    for (mi, mapping) in mappings.iter().enumerate() {
        let base = format!("/mapping-collection/mappings/{mi}");
        let from = resource_framework(catalog, mapping.get("source-resource")).or(default_from);
        let to = resource_framework(catalog, mapping.get("target-resource")).or(default_to);
        let (Some(from), Some(to)) = (from, to) else {
            errors.push(at(base, "cannot tell the source or target framework: add a 'framework' property to the resource or name it on import".into()));
            continue;
        };
        let maps = mapping
            .get("maps")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, map) in maps.iter().enumerate() {
            let location = format!("{base}/maps/{i}");
            let inferred = map
                .get("props")
                .and_then(Value::as_array)
                .is_some_and(|props| {
                    props
                        .iter()
                        .any(|p| p["name"] == "inferred" && p["value"] == "true")
                });
            if inferred {
                parsed.skipped_inferred += 1;
                continue;
            }
            let relationship = map
                .get("relationship")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(relationship) =
                Relationship::from_oscal(relationship).or_else(|| relationship.parse().ok())
            else {
                errors.push(at(
                    location,
                    format!("unknown relationship '{relationship}'"),
                ));
                continue;
            };
            let rationale = map
                .get("matching-rationale")
                .and_then(Value::as_str)
                .and_then(|r| r.parse::<Rationale>().ok())
                .or(default_rationale);
            let strength = map
                .get("props")
                .and_then(Value::as_array)
                .and_then(|props| props.iter().find(|p| p["name"] == "strength"))
                .and_then(|p| p["value"].as_str())
                .and_then(|v| v.parse::<i32>().ok())
                .filter(|s| (0..=10).contains(s));
            let sources = items(
                catalog,
                from,
                map.get("sources"),
                &format!("{location}/sources"),
                &mut errors,
            );
            let targets = items(
                catalog,
                to,
                map.get("targets"),
                &format!("{location}/targets"),
                &mut errors,
            );
            for source in &sources {
                for target in &targets {
                    if !seen.insert((*source, *target)) {
                        errors.push(at(
                            location.clone(),
                            "the same source and target appear in an earlier entry".into(),
                        ));
                        continue;
                    }
                    parsed.rows.push(NewDirectMapping {
                        source_id: *source,
                        target_id: *target,
                        relationship,
                        rationale,
                        strength,
                        confidence: map
                            .pointer("/confidence-score/category")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        justification: map
                            .get("remarks")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        provenance: provenance.to_string(),
                    });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(errors)
    }
}

fn resource_framework<'a>(
    catalog: &'a CatalogSnapshot,
    resource: Option<&Value>,
) -> Option<&'a Framework> {
    let resource = resource?;
    let from_prop = resource
        .get("props")
        .and_then(Value::as_array)
        .and_then(|props| props.iter().find(|p| p["name"] == "framework"))
        .and_then(|p| p["value"].as_str())
        .and_then(|label| resolve_framework(catalog, label));
    from_prop.or_else(|| {
        let href = resource.get("href")?.as_str()?;
        catalog
            .frameworks()
            .iter()
            .find(|fw| href.contains(&format!("/{}.json", fw.slug)) && href.contains(&fw.version))
    })
}

fn items(
    catalog: &CatalogSnapshot,
    framework: &Framework,
    list: Option<&Value>,
    location: &str,
    errors: &mut Vec<RowError>,
) -> Vec<i32> {
    let Some(list) = list.and_then(Value::as_array).filter(|l| !l.is_empty()) else {
        errors.push(RowError {
            location: location.to_string(),
            reason: "missing or empty".into(),
        });
        return Vec::new();
    };
    let mut ids = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let reference = item.get("id-ref").and_then(Value::as_str).unwrap_or("");
        match resolve_requirement(catalog, framework, reference) {
            Some(requirement) => ids.push(requirement.id),
            None => errors.push(RowError {
                location: format!("{location}/{i}"),
                reason: format!("'{reference}' is not a requirement of {}", framework.slug),
            }),
        }
    }
    ids
}
