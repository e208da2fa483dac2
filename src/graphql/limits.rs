//! Request limits that async-graphql does not enforce on its own, as a schema extension:
//! - a cap on fields per document, aliases and `__typename` included (the complexity limit skips
//!   `__typename`, so an alias flood of it would pass), counted with fragments expanded;
//! - query depth with introspection counted apart ([`super::depth`]);
//! - stable codes for parse failures, depth and complexity rejections and other validation errors;
//! - argument values that fail to parse as their type become `VALIDATION` naming the input
//!   ([`super::input_errors`]), not an uncoded resolver error.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Variables,
    extensions::{
        Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
        NextPrepareRequest, NextValidation,
    },
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};

use super::errors::{has_code, set_code};
use crate::error_code::ErrorCode;

fn coded(message: String, code: ErrorCode) -> ServerError {
    let mut err = ServerError::new(message, None);
    set_code(&mut err, code);
    err
}
use super::{depth, input_errors, nesting};

/// Factory for the limits extension.
pub struct RequestLimits {
    max_fields: usize,
    max_depth: usize,
}

impl RequestLimits {
    pub fn new(max_fields: usize, max_depth: usize) -> Self {
        RequestLimits {
            max_fields,
            max_depth,
        }
    }
}

impl ExtensionFactory for RequestLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(LimitsExtension {
            max_fields: self.max_fields,
            max_depth: self.max_depth,
            request: Mutex::new(None),
        })
    }
}

/// One per request: the document text and variables are kept so that input failures found
/// during execution can be traced back to the argument that caused them.
struct LimitsExtension {
    max_fields: usize,
    max_depth: usize,
    request: Mutex<Option<(String, Variables)>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for LimitsExtension {
    /// Every shape check runs here, on a document parsed once and handed on to async-graphql: its
    /// own parse step runs `check_recursive_depth`, which expands fragment spreads without memory
    /// and would spin for minutes on fragments that spread each other twice, so nothing may reach
    /// it before the fan-out and cycles are ruled out.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let mut request = next.run(ctx, request).await?;
        // Before anything recursive (the parser included) sees the document.
        if let Err(too_deep) = nesting::check(&request.query, nesting::MAX_NESTING) {
            return Err(coded(too_deep.to_string(), ErrorCode::QueryTooDeep));
        }
        if let Ok(mut kept) = self.request.lock() {
            *kept = Some((request.query.clone(), request.variables.clone()));
        }
        let document = request.parsed_query().map_err(|mut err| {
            set_code(&mut err, ErrorCode::GraphqlParseFailed);
            err
        })?;
        if count_fields(document, self.max_fields) > self.max_fields {
            return Err(coded(
                format!(
                    "query has more than {} fields (aliases included)",
                    self.max_fields
                ),
                ErrorCode::QueryTooLarge,
            ));
        }
        if let Err(shape) = depth::check(document, self.max_depth) {
            let code = match shape {
                depth::ShapeError::TooManySelections => ErrorCode::QueryTooLarge,
                depth::ShapeError::FragmentCycle(_) => ErrorCode::GraphqlValidationFailed,
                _ => ErrorCode::QueryTooDeep,
            };
            return Err(coded(shape.to_string(), code));
        }
        Ok(request)
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        next.run(ctx, query, variables).await.map_err(|mut err| {
            if !has_code(&err) {
                set_code(&mut err, ErrorCode::GraphqlParseFailed);
            }
            err
        })
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        if !response.errors.is_empty()
            && let Ok(kept) = self.request.lock()
            && let Some((query, variables)) = kept.as_ref()
        {
            input_errors::classify(query, variables, &mut response.errors);
        }
        response
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(|mut errors| {
            for err in &mut errors {
                // A vocabulary word the enum does not know is the caller's input error, reported
                // like the domain's own vocabulary checks, not as a malformed document.
                if input_errors::classify_unknown_enum_value(err) {
                    continue;
                }
                // async-graphql's own wording for its depth and complexity limits.
                let code = match err.message.as_str() {
                    "Query is nested too deep." => ErrorCode::QueryTooDeep,
                    "Query is too complex." => ErrorCode::QueryTooComplex,
                    _ => ErrorCode::GraphqlValidationFailed,
                };
                set_code(err, code);
            }
            errors
        })
    }
}

/// Counts field selections with fragment spreads expanded, stopping once past `limit`.
/// Fragment cycles are not followed (validation rejects them later).
fn count_fields(document: &ExecutableDocument, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = Vec::new();
    for (_, operation) in document.operations.iter() {
        count_in(
            document,
            &operation.node.selection_set.node,
            limit,
            &mut count,
            &mut stack,
        );
    }
    count
}

fn count_in<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    limit: usize,
    count: &mut usize,
    stack: &mut Vec<&'a str>,
) {
    for selection in &set.items {
        if *count > limit {
            return;
        }
        match &selection.node {
            Selection::Field(field) => {
                *count += 1;
                count_in(
                    document,
                    &field.node.selection_set.node,
                    limit,
                    count,
                    stack,
                );
            }
            Selection::InlineFragment(fragment) => {
                count_in(
                    document,
                    &fragment.node.selection_set.node,
                    limit,
                    count,
                    stack,
                );
            }
            Selection::FragmentSpread(spread) => {
                // A spread counts too, so fragments that only spread others cannot fan out
                // without bound.
                *count += 1;
                let name = spread.node.fragment_name.node.as_str();
                if stack.contains(&name) {
                    continue;
                }
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    stack.push(name);
                    count_in(
                        document,
                        &fragment.node.selection_set.node,
                        limit,
                        count,
                        stack,
                    );
                    stack.pop();
                }
            }
        }
    }
}
