//! Finished responses of read-only queries that depend only on an organization's crosswalk
//! read model and the immutable catalogs (`crosswalk`, `requirements`, `requirement`,
//! `frameworks`, `framework`), kept in that organization's read model. They are dropped with the
//! model whenever the organization's audit sequence moves, which one primary-key read per request
//! checks, so a write on any instance sharing the database is seen by the next read on every
//! other. Coverage and gaps depend on time (evidence expiring) and are never kept; responses
//! with errors are never kept; the viewer's roles are part of the key.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use async_graphql::Request;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{DocumentOperations, OperationType, Selection, SelectionSet};

use crate::domain::kernel::viewer::Viewer;
use crate::graphql::nesting;

/// Root fields whose answers are a function of the read model and the catalogs alone.
const CACHEABLE_ROOTS: &[&str] = &[
    "crosswalk",
    "requirements",
    "requirement",
    "frameworks",
    "framework",
];

/// The organization and request hash under which this request's response may be kept, or
/// `None` when it must be executed every time.
pub fn key(viewer: &Viewer, request: &Request) -> Option<(i32, u64)> {
    let Viewer::User(principal) = viewer else {
        return None;
    };
    if !only_cacheable_roots(&request.query, request.operation_name.as_deref()) {
        return None;
    }
    let mut hasher = DefaultHasher::new();
    request.query.hash(&mut hasher);
    request.operation_name.hash(&mut hasher);
    serde_json::to_string(&request.variables)
        .ok()?
        .hash(&mut hasher);
    let mut roles: Vec<&str> = principal.roles.iter().map(|r| r.as_str()).collect();
    roles.sort_unstable();
    roles.hash(&mut hasher);
    Some((principal.organization_id, hasher.finish()))
}

/// True when the operation to run is a query whose root selections (fragments included) are
/// all cacheable fields.
fn only_cacheable_roots(query: &str, operation_name: Option<&str>) -> bool {
    if nesting::check(query, nesting::MAX_NESTING).is_err() {
        return false;
    }
    let Ok(document) = parse_query(query) else {
        return false;
    };
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), _) => &operation.node,
        (DocumentOperations::Multiple(operations), Some(name)) => {
            match operations.iter().find(|(n, _)| n.as_str() == name) {
                Some((_, operation)) => &operation.node,
                None => return false,
            }
        }
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            match operations.values().next() {
                Some(operation) => &operation.node,
                None => return false,
            }
        }
        (DocumentOperations::Multiple(_), None) => return false,
    };
    if operation.ty != OperationType::Query {
        return false;
    }
    let mut seen = HashSet::new();
    roots_cacheable(&document, &operation.selection_set.node, &mut seen)
}

fn roots_cacheable(
    document: &async_graphql::parser::types::ExecutableDocument,
    set: &SelectionSet,
    seen: &mut HashSet<String>,
) -> bool {
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => CACHEABLE_ROOTS.contains(&field.node.name.node.as_str()),
        Selection::InlineFragment(fragment) => {
            roots_cacheable(document, &fragment.node.selection_set.node, seen)
        }
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.as_str();
            // A cycle is refused by validation; here it just is not cacheable.
            if !seen.insert(name.to_string()) {
                return false;
            }
            document
                .fragments
                .get(&spread.node.fragment_name.node)
                .is_some_and(|f| roots_cacheable(document, &f.node.selection_set.node, seen))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::only_cacheable_roots;

    #[test]
    fn only_read_model_queries_are_kept() {
        assert!(only_cacheable_roots(
            "{ crosswalk(from: \"a\", to: \"b\") { totalCount } }",
            None
        ));
        assert!(only_cacheable_roots(
            "query Q { ...F } fragment F on Query { requirements { totalCount } }",
            None
        ));
        assert!(!only_cacheable_roots(
            "{ coverage(framework: \"a\") { totals { satisfied } } }",
            None
        ));
        assert!(!only_cacheable_roots(
            "{ crosswalk(from: \"a\", to: \"b\") { totalCount } risks { totalCount } }",
            None
        ));
        assert!(!only_cacheable_roots(
            "mutation { createControl { id } }",
            None
        ));
        assert!(!only_cacheable_roots(
            "query A { frameworks { totalCount } } query B { me { id } }",
            None
        ));
        assert!(only_cacheable_roots(
            "query A { frameworks { totalCount } } query B { me { id } }",
            Some("A")
        ));
    }
}
