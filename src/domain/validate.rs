//! Small input checks shared by the use cases, each with a message that names the field.

use crate::error::{AppError, AppResult};

/// A trimmed, non-empty text of at most `max` characters.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(AppError::validation(format!(
            "{field} must be 1-{max} characters"
        )));
    }
    Ok(value.to_string())
}

/// One of a fixed vocabulary (case-insensitive), returned in its canonical spelling.
pub fn one_of(field: &str, value: &str, allowed: &[&'static str]) -> AppResult<&'static str> {
    let wanted = value.trim().to_ascii_lowercase();
    allowed
        .iter()
        .copied()
        .find(|a| *a == wanted)
        .ok_or_else(|| {
            AppError::validation(format!(
                "{field} '{value}' must be one of: {}",
                allowed.join(", ")
            ))
        })
}

/// A justification: required, at least 10 characters, so "n/a" does not pass for a reason.
pub fn justification(field: &str, value: Option<&str>) -> AppResult<String> {
    match value.map(str::trim) {
        Some(text) if text.chars().count() >= 10 && text.chars().count() <= 2000 => {
            Ok(text.to_string())
        }
        _ => Err(AppError::validation(format!(
            "{field} is required (10-2000 characters)"
        ))),
    }
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> AppResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation(format!("{field} must be a date like 2027-01-31")))
}
