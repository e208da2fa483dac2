//! NIST IR 8477 set-theory relationships and rationales, with their inverses and the honest
//! composition rules of DESIGN.md section 3.

use std::fmt;
use std::str::FromStr;

use crate::error::{AppError, AppResult};

/// "A <relationship> B" between two concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Equal,
    SubsetOf,
    SupersetOf,
    IntersectsWith,
    NotRelated,
}

impl Relationship {
    pub const ALL: [Relationship; 5] = [
        Relationship::Equal,
        Relationship::SubsetOf,
        Relationship::SupersetOf,
        Relationship::IntersectsWith,
        Relationship::NotRelated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Equal => "equal",
            Relationship::SubsetOf => "subset_of",
            Relationship::SupersetOf => "superset_of",
            Relationship::IntersectsWith => "intersects_with",
            Relationship::NotRelated => "not_related",
        }
    }

    /// OSCAL 1.2 mapping vocabulary.
    pub fn oscal(self) -> &'static str {
        match self {
            Relationship::Equal => "equal-to",
            Relationship::SubsetOf => "subset-of",
            Relationship::SupersetOf => "superset-of",
            Relationship::IntersectsWith => "intersects-with",
            Relationship::NotRelated => "no-relationship",
        }
    }

    /// Reads OSCAL's vocabulary (`equivalent-to` is read as equal).
    pub fn from_oscal(value: &str) -> Option<Relationship> {
        match value {
            "equal-to" | "equivalent-to" => Some(Relationship::Equal),
            "subset-of" => Some(Relationship::SubsetOf),
            "superset-of" => Some(Relationship::SupersetOf),
            "intersects-with" => Some(Relationship::IntersectsWith),
            "no-relationship" => Some(Relationship::NotRelated),
            _ => None,
        }
    }

    /// "B <inverse> A" for "A <self> B".
    pub fn inverse(self) -> Relationship {
        match self {
            Relationship::SubsetOf => Relationship::SupersetOf,
            Relationship::SupersetOf => Relationship::SubsetOf,
            other => other,
        }
    }

    /// True for relationships that say a mapping fully covers its target.
    pub fn covers_fully(self) -> bool {
        matches!(self, Relationship::Equal | Relationship::SupersetOf)
    }
}

/// What composing "A r1 B" and "B r2 C" may honestly say about A and C.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Composed {
    /// A set relation that follows with certainty.
    Set(Relationship),
    /// Only that A and C are related through B; no set relation is established.
    Related,
}

/// Equal composes with anything; subset_of . subset_of = subset_of; superset_of . superset_of =
/// superset_of; every other chain only says "related". A not_related leg gives nothing.
pub fn compose(first: Relationship, second: Relationship) -> Option<Composed> {
    use Relationship::*;
    match (first, second) {
        (NotRelated, _) | (_, NotRelated) => None,
        (Equal, other) | (other, Equal) => Some(Composed::Set(other)),
        (SubsetOf, SubsetOf) => Some(Composed::Set(SubsetOf)),
        (SupersetOf, SupersetOf) => Some(Composed::Set(SupersetOf)),
        _ => Some(Composed::Related),
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Relationship {
    type Err = AppError;
    fn from_str(s: &str) -> AppResult<Relationship> {
        let normalized = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        match normalized.as_str() {
            "equal" | "equal_to" | "equivalent_to" => Ok(Relationship::Equal),
            other => Relationship::ALL
                .into_iter()
                .find(|r| r.as_str() == other)
                .or_else(|| Relationship::from_oscal(&s.trim().to_ascii_lowercase()))
                .ok_or_else(|| {
                    AppError::rule(
                        "relationship",
                        "one_of",
                        format!(
                            "unknown relationship '{s}': use equal, subset_of, superset_of, intersects_with or not_related"
                        ),
                    )
                }),
        }
    }
}

/// Why a relationship was judged to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rationale {
    Syntactic,
    Semantic,
    Functional,
}

impl Rationale {
    pub fn as_str(self) -> &'static str {
        match self {
            Rationale::Syntactic => "syntactic",
            Rationale::Semantic => "semantic",
            Rationale::Functional => "functional",
        }
    }
}

impl fmt::Display for Rationale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Rationale {
    type Err = AppError;
    fn from_str(s: &str) -> AppResult<Rationale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "syntactic" => Ok(Rationale::Syntactic),
            "semantic" => Ok(Rationale::Semantic),
            "functional" => Ok(Rationale::Functional),
            _ => Err(AppError::rule(
                "rationale",
                "one_of",
                format!("unknown rationale '{s}': use syntactic, semantic or functional"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Relationship::*;
    use super::*;

    #[test]
    fn inverse_swaps_subset_and_superset_only() {
        assert_eq!(SubsetOf.inverse(), SupersetOf);
        assert_eq!(SupersetOf.inverse(), SubsetOf);
        assert_eq!(Equal.inverse(), Equal);
        assert_eq!(IntersectsWith.inverse(), IntersectsWith);
    }

    #[test]
    fn composition_is_honest() {
        assert_eq!(
            compose(Equal, IntersectsWith),
            Some(Composed::Set(IntersectsWith))
        );
        assert_eq!(compose(SupersetOf, Equal), Some(Composed::Set(SupersetOf)));
        assert_eq!(compose(SubsetOf, SubsetOf), Some(Composed::Set(SubsetOf)));
        assert_eq!(
            compose(SupersetOf, SupersetOf),
            Some(Composed::Set(SupersetOf))
        );
        assert_eq!(compose(SubsetOf, SupersetOf), Some(Composed::Related));
        assert_eq!(compose(SupersetOf, SubsetOf), Some(Composed::Related));
        assert_eq!(
            compose(IntersectsWith, IntersectsWith),
            Some(Composed::Related)
        );
        assert_eq!(compose(NotRelated, Equal), None);
    }

    #[test]
    fn parses_both_vocabularies() {
        assert_eq!("subset-of".parse::<Relationship>().ok(), Some(SubsetOf));
        assert_eq!("SUPERSET_OF".parse::<Relationship>().ok(), Some(SupersetOf));
        assert_eq!("equal-to".parse::<Relationship>().ok(), Some(Equal));
        assert!("kinda".parse::<Relationship>().is_err());
    }
}
