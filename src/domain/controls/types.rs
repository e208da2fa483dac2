//! Control and mapping types, their vocabularies, and the input checks shared by the use cases.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use entity::{control, control_mapping};
use serde::Serialize;

use crate::domain::crosswalk::relationship::{Rationale, Relationship};
use crate::error::{AppError, AppResult};

/// Implementation status of a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    Planned,
    InProgress,
    Implemented,
    NotApplicable,
}

/// How well an implemented control works, as last assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effectiveness {
    NotAssessed,
    Effective,
    PartiallyEffective,
    Ineffective,
}

macro_rules! string_enum {
    ($ty:ident, $field:literal { $($variant:ident => $text:literal),* $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),* }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = AppError;
            fn from_str(s: &str) -> AppResult<$ty> {
                match s {
                    $($text => Ok($ty::$variant),)*
                    other => Err(AppError::rule(
                        $field,
                        "one_of",
                        format!(concat!("unknown ", stringify!($ty), " '{}'"), other),
                    )),
                }
            }
        }
    };
}

string_enum!(ControlStatus, "status" {
    Planned => "planned",
    InProgress => "in_progress",
    Implemented => "implemented",
    NotApplicable => "not_applicable",
});

string_enum!(Effectiveness, "effectiveness" {
    NotAssessed => "not_assessed",
    Effective => "effective",
    PartiallyEffective => "partially_effective",
    Ineffective => "ineffective",
});

/// A control as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub id: i32,
    pub code: String,
    pub domain: String,
    pub title: String,
    pub description: String,
    pub owner: Option<String>,
    pub status: ControlStatus,
    pub effectiveness: Effectiveness,
    pub review_frequency_days: i32,
    pub not_applicable_reason: Option<String>,
    pub library_code: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl TryFrom<control::Model> for Control {
    type Error = AppError;
    fn try_from(m: control::Model) -> AppResult<Control> {
        Ok(Control {
            status: m.status.parse().map_err(AppError::internal_from)?,
            effectiveness: m.effectiveness.parse().map_err(AppError::internal_from)?,
            id: m.id,
            code: m.code,
            domain: m.domain,
            title: m.title,
            description: m.description,
            owner: m.owner,
            review_frequency_days: m.review_frequency_days,
            not_applicable_reason: m.not_applicable_reason,
            library_code: m.library_code,
            retired_at: m.retired_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}

/// "control <relationship> requirement".
#[derive(Debug, Clone, Serialize)]
pub struct ControlMapping {
    pub id: i32,
    pub control_id: i32,
    pub requirement_id: i32,
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
    pub provenance: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<control_mapping::Model> for ControlMapping {
    type Error = AppError;
    fn try_from(m: control_mapping::Model) -> AppResult<ControlMapping> {
        Ok(ControlMapping {
            relationship: m.relationship.parse().map_err(AppError::internal_from)?,
            rationale: m.rationale.parse().map_err(AppError::internal_from)?,
            id: m.id,
            control_id: m.control_id,
            requirement_id: m.requirement_id,
            strength: m.strength,
            confidence: m.confidence,
            justification: m.justification,
            provenance: m.provenance,
            created_by: m.created_by,
            created_at: m.created_at,
        })
    }
}

/// Filters for [`list`].
#[derive(Debug, Default, Clone)]
pub struct ControlFilter {
    pub status: Option<ControlStatus>,
    pub domain: Option<String>,
    /// Case-insensitive substring of code, title or description.
    pub search: Option<String>,
    pub include_retired: bool,
}

/// Fields of a new control.
#[derive(Debug, Clone)]
pub struct NewControl {
    pub code: String,
    pub domain: String,
    pub title: String,
    pub description: String,
    pub owner: Option<String>,
    pub status: ControlStatus,
    pub review_frequency_days: i32,
}

/// Changes to a control; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct ControlPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub owner: Option<String>,
    pub status: Option<ControlStatus>,
    pub effectiveness: Option<Effectiveness>,
    pub review_frequency_days: Option<i32>,
    pub not_applicable_reason: Option<String>,
}

/// Fields of a new or changed mapping.
#[derive(Debug, Clone)]
pub struct MappingInput {
    pub relationship: Relationship,
    pub rationale: Rationale,
    pub strength: Option<i32>,
    pub confidence: Option<String>,
    pub justification: String,
}

pub(super) fn validate_mapping(input: &MappingInput) -> AppResult<()> {
    if input.relationship == Relationship::NotRelated {
        return Err(AppError::rule(
            "relationship",
            "mapping_not_related",
            "a control mapping needs a relationship other than not_related; remove the mapping instead",
        ));
    }
    if let Some(strength) = input.strength
        && !(0..=10).contains(&strength)
    {
        return Err(AppError::rule(
            "strength",
            "strength_range",
            "strength must be between 0 and 10",
        ));
    }
    crate::domain::kernel::validate::text("justification", &input.justification, 2000).map(drop)
}
