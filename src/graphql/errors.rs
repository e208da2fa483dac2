//! The one place where domain errors become GraphQL errors with a stable `extensions.code`.
//!
//! async-graphql converts any `Display` error into a code-less error through `?`. Resolvers therefore
//! call [`GqlResultExt::gql`], and [`finalize_errors`] turns whatever still lacks a code into a
//! generic `INTERNAL` error, so no internal message ever reaches a caller.

use async_graphql::{ErrorExtensionValues, ErrorExtensions, ServerError};

use crate::error::AppError;
use crate::error_code::ErrorCode;

/// Converts a domain error, logging the cause of internal ones (never shown to the caller).
pub fn to_gql_error(err: AppError) -> async_graphql::Error {
    if let AppError::Internal(source) = &err {
        tracing::error!(error = ?source, "internal error in a resolver");
    }
    let code = err.code();
    let (field, rule) = err.field_and_rule();
    let field = field.map(str::to_owned);
    async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
        ext.set("code", code.as_str());
        if let Some(field) = &field {
            ext.set("field", field.as_str());
        }
        if let Some(rule) = rule {
            ext.set("rule", rule);
        }
    })
}

/// `.gql()` on a domain result gives a GraphQL result with the error's code attached.
pub trait GqlResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResultExt<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(to_gql_error)
    }
}

/// Builds a server error with a code, for errors raised outside resolvers.
pub fn coded_error(message: impl Into<String>, code: ErrorCode) -> ServerError {
    let mut error = ServerError::new(message, None);
    set_code(&mut error, code);
    error
}

/// Sets (or replaces) the `code` extension of an error.
pub fn set_code(error: &mut ServerError, code: ErrorCode) {
    set_extension(error, "code", code.as_str());
}

/// Sets (or replaces) one extension of an error.
pub fn set_extension(error: &mut ServerError, name: &str, value: &str) {
    error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default)
        .set(name, value);
}

/// True when the error already carries an `extensions.code`.
pub fn has_code(error: &ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some())
}

/// Gives every error a code. Resolver errors without one are unexpected: their message may carry
/// internals, so it is logged and replaced.
pub fn finalize_errors(errors: &mut [ServerError]) {
    for error in errors.iter_mut().filter(|e| !has_code(e)) {
        if error.path.is_empty() {
            set_code(error, ErrorCode::GraphqlValidationFailed);
        } else {
            tracing::error!(message = %error.message, path = ?error.path, "uncoded resolver error");
            error.message = "internal error".into();
            set_code(error, ErrorCode::Internal);
        }
    }
}
