//! Small input checks shared by the use cases, each with a message that names the field.

use crate::error::{AppError, AppResult};

/// A trimmed, non-empty, multi-line text of at most `max` characters: line breaks and tabs are
/// allowed, other control characters (NUL, escape sequences...) are not.
pub fn text(field: &str, value: &str, max: usize) -> AppResult<String> {
    checked(field, value, max, |c| {
        c.is_control() && !matches!(c, '\n' | '\r' | '\t')
    })
}

/// Like [`text`], but blank is allowed (and returned empty): notes and feedback that may be
/// left out.
pub fn optional_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    if value.trim().is_empty() {
        Ok(String::new())
    } else {
        text(field, value, max)
    }
}

/// A trimmed, non-empty, single-line text (a name, title or code) of at most `max` characters:
/// no control characters at all, line breaks included.
pub fn line(field: &str, value: &str, max: usize) -> AppResult<String> {
    checked(field, value, max, char::is_control)
}

fn checked(
    field: &str,
    value: &str,
    max: usize,
    forbidden: impl Fn(char) -> bool,
) -> AppResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::rule(
            field,
            "required",
            format!("{field} is required"),
        ));
    }
    if value.chars().count() > max {
        return Err(AppError::rule(
            field,
            "too_long",
            format!("{field} must be at most {max} characters"),
        ));
    }
    if let Some(bad) = value.chars().find(|c| forbidden(*c)) {
        return Err(AppError::rule(
            field,
            "control_character",
            format!(
                "{field} must not contain control characters (found U+{:04X})",
                u32::from(bad)
            ),
        ));
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
            AppError::rule(
                field,
                "one_of",
                format!("{field} '{value}' must be one of: {}", allowed.join(", ")),
            )
        })
}

/// A justification: required, at least 10 characters, so "n/a" does not pass for a reason.
pub fn justification(field: &str, value: Option<&str>) -> AppResult<String> {
    match value.map(str::trim) {
        Some(text) if text.chars().count() >= 10 && text.chars().count() <= 2000 => {
            Ok(text.to_string())
        }
        _ => Err(AppError::rule(
            field,
            "justification_length",
            format!("{field} is required (10-2000 characters)"),
        )),
    }
}

/// A calendar date `YYYY-MM-DD`.
pub fn date(field: &str, value: &str) -> AppResult<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| {
        AppError::rule(
            field,
            "date",
            format!("{field} must be a date like 2027-01-31"),
        )
    })
}
