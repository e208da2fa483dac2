//! The rules on using a dataset, as pure checks over its record: the legal right to use it
//! (copyright known, licence and authorization present and current, no raw special-category
//! personal data), fitness for training (synthetic data validated, consent evidenced where consent
//! is the legal basis) and its allowed purposes. [`super::usage`] applies them.

use chrono::NaiveDate;

use super::{ConsentStatus, CopyrightStatus, Dataset, PersonalDataHandling};

/// Why a dataset may not be used as asked: a rule code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: &'static str,
    pub message: String,
}

fn problem(rule: &'static str, message: String) -> Problem {
    Problem { rule, message }
}

/// What stands between the dataset and training a model that is deployed or about to be: an
/// approved `data_use_exception` may set these aside.
pub fn rights_problems(d: &Dataset, today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    if d.copyright_status == CopyrightStatus::Unknown {
        out.push(problem(
            "copyright_unknown",
            format!(
                "the copyright status of {} {} is unknown",
                d.name, d.version
            ),
        ));
    }
    if d.copyright_status == CopyrightStatus::Licensed && d.licence.is_none() {
        out.push(problem(
            "licence_missing",
            format!("{} {} is licensed but names no licence", d.name, d.version),
        ));
    }
    if let Some(expires) = d.licence_expires
        && expires < today
    {
        out.push(problem(
            "licence_expired",
            format!(
                "the licence of {} {} expired on {expires}",
                d.name, d.version
            ),
        ));
    }
    if d.authorization_expires.is_some() && d.authorization_ref.is_none() {
        out.push(problem(
            "authorization_missing",
            format!(
                "{} {} has an authorization expiry but no authorization reference",
                d.name, d.version
            ),
        ));
    }
    if let Some(expires) = d.authorization_expires
        && expires < today
    {
        out.push(problem(
            "authorization_expired",
            format!(
                "the authorization to use {} {} expired on {expires}",
                d.name, d.version
            ),
        ));
    }
    if !d.special_categories.is_empty() && d.personal_data_handling == PersonalDataHandling::Raw {
        out.push(problem(
            "raw_special_category",
            format!(
                "{} {} holds raw special-category personal data ({})",
                d.name,
                d.version,
                d.special_categories.join(", ")
            ),
        ));
    }
    out
}

/// What stands between the dataset and training any model: no exception sets these aside.
pub fn training_problems(d: &Dataset) -> Vec<Problem> {
    let mut out = Vec::new();
    if d.synthetic && !d.synthetic_validation.as_ref().is_some_and(|v| v.passed) {
        out.push(problem(
            "synthetic_not_validated",
            format!(
                "{} {} is synthetic without a passed validation (quality, bias, re-identification)",
                d.name, d.version
            ),
        ));
    }
    if consent_based(d) && d.consent_evidence.is_none() {
        out.push(problem(
            "consent_evidence_missing",
            format!(
                "{} {} relies on consent but records no consent evidence",
                d.name, d.version
            ),
        ));
    }
    out
}

/// Whether consent is the legal basis: the basis names it, or a consent status is recorded.
pub fn consent_based(d: &Dataset) -> bool {
    d.consent_status != ConsentStatus::NotApplicable
        || d.legal_basis.to_ascii_lowercase().contains("consent")
}

/// Whether `purpose` is one of the dataset's allowed purposes (case and spacing aside).
pub fn purpose_allowed(d: &Dataset, purpose: &str) -> bool {
    let wanted = purpose.trim().to_ascii_lowercase();
    d.allowed_purposes
        .iter()
        .any(|p| p.trim().to_ascii_lowercase() == wanted)
}
