//! The AI threat library (`catalogs/library/threats.json`): each threat with the common controls
//! of the shipped library that treat it and why. A risk may name a threat; its recommended
//! controls are then linked to the risk (the organization's copies of those library controls).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

const THREATS: &str = include_str!("../../../catalogs/library/threats.json");

/// One threat of the library.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Threat {
    pub key: String,
    pub name: String,
    /// The risk category a risk from this threat takes by default (an unknown word fails to
    /// load the library).
    pub category: super::Category,
    pub description: String,
    /// Reference ids: OWASP Top 10 for LLM Applications 2025 (`OWASP-LLM01:2025`) and MITRE
    /// ATLAS techniques (`AML.T0051`).
    #[serde(default)]
    pub references: Vec<String>,
    /// Library control codes that treat the threat.
    pub controls: Vec<String>,
    pub rationale: String,
}

#[derive(Deserialize)]
struct ThreatsFile {
    threats: Vec<Threat>,
}

/// Every threat of the library, parsed once.
pub fn library() -> AppResult<&'static [Threat]> {
    static PARSED: OnceLock<Result<Vec<Threat>, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            serde_json::from_str::<ThreatsFile>(THREATS)
                .map(|file| file.threats)
                .map_err(|e| format!("the threat library is malformed: {e}"))
        })
        .as_deref()
        .map_err(|e| AppError::internal(anyhow::anyhow!("{e}")))
}

/// The threat with this key, or a validation error naming the known keys.
pub fn find(key: &str) -> AppResult<&'static Threat> {
    let threats = library()?;
    threats.iter().find(|t| t.key == key.trim()).ok_or_else(|| {
        AppError::rule(
            "threat",
            "unknown_threat",
            format!(
                "threat '{key}' is not in the threat library ({})",
                threats
                    .iter()
                    .map(|t| t.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threat_names_library_controls() {
        let codes: Vec<String> = crate::domain::library::library()
            .expect("library")
            .controls
            .iter()
            .map(|c| c.code.clone())
            .collect();
        for threat in library().expect("threats") {
            assert!(!threat.controls.is_empty(), "{}", threat.key);
            for code in &threat.controls {
                assert!(codes.contains(code), "{} names unknown {code}", threat.key);
            }
        }
    }

    #[test]
    fn threat_tags_on_library_controls_agree_with_the_threat_library() {
        for control in &crate::domain::library::library().expect("library").controls {
            for tag in &control.threats {
                let threat = find(tag).expect("tag is a threat");
                assert!(
                    threat.controls.contains(&control.code),
                    "{} is tagged {tag} but the threat does not list it",
                    control.code
                );
            }
        }
    }
}
