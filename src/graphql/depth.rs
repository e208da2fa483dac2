//! Query depth, counted so that the standard introspection query passes at default limits.
//!
//! async-graphql's own depth limit counts introspection selections too, and graphql-js's
//! `getIntrospectionQuery()` nests `ofType` nine levels deep, so every generated client, GraphiQL's
//! documentation pane and codegen tools were refused at `max_depth = 12`. Here:
//! - data selections are limited to `max_depth` levels, fragments expanded, introspection subtrees
//!   (`__schema`, `__type`) left out of that count;
//! - inside introspection, what makes a response explode is nesting the list-returning meta fields
//!   (`fields`, `interfaces`, `possibleTypes`, `inputFields`) inside each other, so that nesting is
//!   capped at two (the standard query needs one); `ofType` chains return one type per level and are
//!   bounded by the pre-parse bracket guard.
//!
//! Every walk is bounded by a visit budget, so fragments that spread each other many times cannot
//! make the check itself expensive.

use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// How deep the list-returning introspection fields may nest (graphql-js refuses three as well).
pub const MAX_INTROSPECTION_LISTS: usize = 2;
/// Selections, fragment spreads included, a depth check may visit before it gives up.
const VISIT_BUDGET: usize = 20_000;

/// Why a document's shape was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum ShapeError {
    TooDeep(usize),
    IntrospectionTooDeep,
    TooManySelections,
    /// A fragment spreads itself, directly or through others.
    FragmentCycle(String),
}

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShapeError::TooDeep(max) => write!(f, "query is nested deeper than {max} levels"),
            ShapeError::IntrospectionTooDeep => write!(
                f,
                "introspection nests fields, interfaces, possibleTypes or inputFields more than {MAX_INTROSPECTION_LISTS} deep"
            ),
            ShapeError::TooManySelections => {
                write!(f, "query expands to too many selections")
            }
            ShapeError::FragmentCycle(name) => {
                write!(f, "fragment {name} spreads itself")
            }
        }
    }
}

/// Checks data depth and introspection nesting of every operation.
pub fn check(document: &ExecutableDocument, max_depth: usize) -> Result<(), ShapeError> {
    let mut walk = Walk {
        document,
        max_depth,
        visits: 0,
        active: HashSet::new(),
    };
    for (_, operation) in document.operations.iter() {
        walk.data(&operation.node.selection_set.node, 1)?;
    }
    Ok(())
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    max_depth: usize,
    visits: usize,
    /// Fragments being expanded on the current path, to refuse cycles.
    active: HashSet<&'a str>,
}

impl<'a> Walk<'a> {
    fn visit(&mut self) -> Result<(), ShapeError> {
        self.visits += 1;
        if self.visits > VISIT_BUDGET {
            return Err(ShapeError::TooManySelections);
        }
        Ok(())
    }

    /// Calls `each` for the selection set of every field reachable from `set` at this level,
    /// expanding fragments.
    fn fields(
        &mut self,
        set: &'a SelectionSet,
        each: &mut dyn FnMut(&mut Self, &'a str, &'a SelectionSet) -> Result<(), ShapeError>,
    ) -> Result<(), ShapeError> {
        for selection in &set.items {
            self.visit()?;
            match &selection.node {
                Selection::Field(field) => {
                    each(
                        self,
                        field.node.name.node.as_str(),
                        &field.node.selection_set.node,
                    )?;
                }
                Selection::InlineFragment(fragment) => {
                    self.fields(&fragment.node.selection_set.node, each)?;
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) =
                        self.document.fragments.get(&spread.node.fragment_name.node)
                    else {
                        continue;
                    };
                    if !self.active.insert(name) {
                        return Err(ShapeError::FragmentCycle(name.to_string()));
                    }
                    let result = self.fields(&fragment.node.selection_set.node, each);
                    self.active.remove(name);
                    result?;
                }
            }
        }
        Ok(())
    }

    fn data(&mut self, set: &'a SelectionSet, depth: usize) -> Result<(), ShapeError> {
        let max = self.max_depth;
        self.fields(set, &mut |walk, name, children| {
            if name == "__schema" || name == "__type" {
                return walk.introspection(children, 0);
            }
            if children.items.is_empty() {
                return Ok(());
            }
            if depth + 1 > max {
                return Err(ShapeError::TooDeep(max));
            }
            walk.data(children, depth + 1)
        })
    }

    fn introspection(&mut self, set: &'a SelectionSet, lists: usize) -> Result<(), ShapeError> {
        self.fields(set, &mut |walk, name, children| {
            let lists = match name {
                "fields" | "interfaces" | "possibleTypes" | "inputFields" => lists + 1,
                _ => lists,
            };
            if lists > MAX_INTROSPECTION_LISTS {
                return Err(ShapeError::IntrospectionTooDeep);
            }
            walk.introspection(children, lists)
        })
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn shape(query: &str, max: usize) -> Result<(), ShapeError> {
        check(&parse_query(query).expect("parses"), max)
    }

    #[test]
    fn counts_data_depth_through_fragments() {
        assert!(shape("{ a { b { c } } }", 3).is_ok());
        assert_eq!(shape("{ a { b { c } } }", 2), Err(ShapeError::TooDeep(2)));
        let via_fragment = "{ a { ...F } } fragment F on T { b { c } }";
        assert_eq!(shape(via_fragment, 2), Err(ShapeError::TooDeep(2)));
    }

    #[test]
    fn introspection_is_counted_apart_but_list_nesting_is_capped() {
        let standard = "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }";
        assert!(shape(standard, 3).is_ok());
        let bomb =
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
        assert_eq!(shape(bomb, 12), Err(ShapeError::IntrospectionTooDeep));
    }

    #[test]
    fn fragment_cycles_are_refused() {
        let doc = "{ ...A } fragment A on Query { ...B ...B } fragment B on Query { ...A }";
        assert_eq!(shape(doc, 12), Err(ShapeError::FragmentCycle("A".into())));
    }

    #[test]
    fn fragment_fan_out_is_bounded() {
        let mut doc = String::from("{ ...F0 }");
        for i in 0..40 {
            doc.push_str(&format!(
                " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        doc.push_str(" fragment F40 on Query { a }");
        assert_eq!(shape(&doc, 12), Err(ShapeError::TooManySelections));
    }
}
