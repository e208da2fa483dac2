//! The domain's error type. Each variant has a stable code that the API layers expose
//! (GraphQL `extensions.code`, HTTP status, CLI exit code); messages never carry internals.

use crate::error_code::ErrorCode;
use sea_orm::{DbErr, SqlErr};

/// Errors a use case can return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    /// A rule the input breaks; `field` is the input path and `rule` a stable snake_case name,
    /// both exposed as `extensions.field` / `extensions.rule` so a form can point at the input.
    #[error("{message}")]
    Validation {
        message: String,
        field: Option<String>,
        rule: Option<&'static str>,
    },
    #[error("{0}")]
    Conflict(String),
    #[error("authentication required")]
    Unauthenticated,
    #[error("{0}")]
    Forbidden(String),
    #[error("rate limit exceeded")]
    RateLimited,
    /// The message shown to callers is generic; the source is logged where the error is reported.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    /// The stable, machine-readable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            AppError::NotFound(_) => ErrorCode::NotFound,
            AppError::Validation { .. } => ErrorCode::Validation,
            AppError::Conflict(_) => ErrorCode::Conflict,
            AppError::Unauthenticated => ErrorCode::Unauthenticated,
            AppError::Forbidden(_) => ErrorCode::Forbidden,
            AppError::RateLimited => ErrorCode::RateLimited,
            AppError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn not_found(what: impl std::fmt::Display) -> Self {
        AppError::NotFound(format!("{what} not found"))
    }

    pub fn validation(message: impl Into<String>) -> Self {
        AppError::Validation {
            message: message.into(),
            field: None,
            rule: None,
        }
    }

    /// A rule violation naming the input `field` (its GraphQL input path) and the `rule` broken.
    pub fn rule(field: impl Into<String>, rule: &'static str, message: impl Into<String>) -> Self {
        AppError::Validation {
            message: message.into(),
            field: Some(field.into()),
            rule: Some(rule),
        }
    }

    /// The input path and rule of a validation error, when it names them.
    pub fn field_and_rule(&self) -> (Option<&str>, Option<&'static str>) {
        match self {
            AppError::Validation { field, rule, .. } => (field.as_deref(), *rule),
            _ => (None, None),
        }
    }

    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }

    /// Stored data that fails the domain's own parsing is corrupt, not the caller's fault.
    pub fn internal_from(err: AppError) -> Self {
        AppError::Internal(anyhow::anyhow!("stored data is invalid: {err}"))
    }
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        // A unique-constraint violation is the caller's conflict, not our failure.
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err() {
            return AppError::Conflict("a record with the same key already exists".into());
        }
        AppError::Internal(err.into())
    }
}

/// Result alias for use cases.
pub type AppResult<T> = Result<T, AppError>;
