//! Small helpers shared by resolvers.

use async_graphql::ID;

use crate::domain::Services;
use crate::domain::catalog::Requirement;
use crate::error::{AppError, AppResult};

/// Parses a numeric GraphQL id.
pub fn parse_id(id: &ID) -> AppResult<i32> {
    id.parse::<i32>()
        .map_err(|_| AppError::validation(format!("'{}' is not a valid id", id.as_str())))
}

/// An optional numeric GraphQL id.
pub fn opt_id(id: Option<ID>) -> async_graphql::Result<Option<i32>> {
    use crate::graphql::errors::GqlResultExt;
    id.as_ref().map(parse_id).transpose().gql()
}

/// A database id as a GraphQL id.
pub fn id(value: i32) -> ID {
    ID(value.to_string())
}

/// A requirement named by URN or by numeric id.
pub fn requirement_ref<'a>(services: &'a Services, reference: &str) -> AppResult<&'a Requirement> {
    if reference.starts_with("urn:") {
        services.catalog.requirement_by_urn(reference)
    } else {
        let id = reference.parse::<i32>().map_err(|_| {
            AppError::validation(format!(
                "'{reference}' is neither a requirement URN nor an id"
            ))
        })?;
        services.catalog.requirement(id)
    }
}
