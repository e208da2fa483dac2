//! Argument values the client got wrong, reported as `VALIDATION` with the input path.
//!
//! async-graphql validates literal types early but parses scalars (an `Int` beyond 32 bits, a
//! `DateTime` that is not RFC 3339) only when a resolver reads its arguments. Those failures come
//! back as resolver errors without a code, which would otherwise be treated as our own fault and
//! hidden as `INTERNAL`. Here they are recognised by async-graphql's wording, and the argument is
//! found by the error's position in the document, so the caller learns which input was wrong.

use async_graphql::{
    Name, Pos, ServerError, Value as ConstValue, Variables,
    parser::{
        parse_query,
        types::{ExecutableDocument, Selection, SelectionSet},
    },
};

use super::errors::{has_code, set_code, set_extension};
use crate::error_code::ErrorCode;

/// The stable rule name for a value that does not parse as its declared type.
pub const RULE: &str = "invalid_value";

/// True for async-graphql's messages about an argument value that failed to parse.
fn is_input_failure(message: &str) -> bool {
    message.starts_with("Failed to parse \"")
        || message.starts_with("Expected input type \"")
        || message.starts_with("Invalid value for argument")
}

/// Codes every code-less input failure in `errors` as `VALIDATION`, with `field` and `rule`.
pub fn classify(query: &str, variables: &Variables, errors: &mut [ServerError]) {
    let mut document = None;
    for error in errors.iter_mut() {
        if has_code(error) || !is_input_failure(&error.message) {
            continue;
        }
        let Some(pos) = error.locations.first().copied() else {
            continue;
        };
        let document = document.get_or_insert_with(|| parse_query(query).ok());
        let field = document
            .as_ref()
            .and_then(|doc| argument_at(doc, pos, variables))
            .map(|(name, value)| input_path(name, value, &error.message));
        if let Some(field) = &field {
            error.message = format!("invalid value for {field}: {}", error.message);
            set_extension(error, "field", field.as_str());
        }
        set_extension(error, "rule", RULE);
        set_code(error, ErrorCode::Validation);
    }
}

/// The rule name of a word outside a vocabulary, as the domain's own checks name it.
pub const UNKNOWN_WORD_RULE: &str = "one_of";

/// Recodes async-graphql's `Invalid value for argument "input.category", enumeration type
/// "RiskCategory" does not contain the value "astrology"` as `VALIDATION` with `field` (the path
/// inside the argument's input object, as the domain names fields) and `rule: one_of`. Returns
/// whether the error was one of these.
pub fn classify_unknown_enum_value(error: &mut ServerError) -> bool {
    let Some((path, enum_type, value)) = unknown_enum_value(&error.message) else {
        return false;
    };
    let field = path
        .split_once('.')
        .map_or(path, |(_, inner)| inner)
        .to_string();
    error.message = format!("{field} '{value}' must be one of the values of enum {enum_type}");
    set_extension(error, "field", &field);
    set_extension(error, "rule", UNKNOWN_WORD_RULE);
    set_code(error, ErrorCode::Validation);
    true
}

/// `(argument path, enum type, value)` from async-graphql's unknown-enum-value message.
fn unknown_enum_value(message: &str) -> Option<(&str, &str, &str)> {
    let rest = message.strip_prefix("Invalid value for argument \"")?;
    let (path, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(", enumeration type \"")?;
    let (enum_type, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(" does not contain the value \"")?;
    let value = rest.strip_suffix('"')?;
    Some((path, enum_type, value))
}

/// An argument's name and its value with variables resolved (`None` when one is missing).
type Argument = (Name, Option<ConstValue>);

/// The argument whose value sits at `pos`, searched in every operation and fragment.
fn argument_at(document: &ExecutableDocument, pos: Pos, variables: &Variables) -> Option<Argument> {
    let sets = document
        .operations
        .iter()
        .map(|(_, op)| &op.node.selection_set.node)
        .chain(
            document
                .fragments
                .values()
                .map(|f| &f.node.selection_set.node),
        );
    for set in sets {
        if let Some(found) = argument_in(set, pos, variables) {
            return Some(found);
        }
    }
    None
}

fn argument_in(set: &SelectionSet, pos: Pos, variables: &Variables) -> Option<Argument> {
    for selection in &set.items {
        let found = match &selection.node {
            Selection::Field(field) => field
                .node
                .arguments
                .iter()
                .find(|(_, value)| value.pos == pos)
                .map(|(name, value)| {
                    let resolved = value
                        .node
                        .clone()
                        .into_const_with(|name| variables.get(&name).cloned().ok_or(()))
                        .ok();
                    (name.node.clone(), resolved)
                })
                .or_else(|| argument_in(&field.node.selection_set.node, pos, variables)),
            Selection::InlineFragment(fragment) => {
                argument_in(&fragment.node.selection_set.node, pos, variables)
            }
            Selection::FragmentSpread(_) => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}

/// `argument` or, for an input object with an out-of-range integer inside, `argument.field`.
fn input_path(argument: Name, value: Option<ConstValue>, message: &str) -> String {
    let mut path = argument.to_string();
    if !message.contains("\"Int\"") {
        return path;
    }
    if let Some(resolved) = value {
        let mut inner = Vec::new();
        if out_of_range_int(&resolved, &mut inner) {
            for segment in inner {
                path.push('.');
                path.push_str(&segment);
            }
        }
    }
    path
}

/// Finds the first integer outside GraphQL's 32-bit `Int` and records the path to it.
fn out_of_range_int(value: &ConstValue, path: &mut Vec<String>) -> bool {
    match value {
        ConstValue::Number(n) => n.as_i64().is_none_or(|v| i32::try_from(v).is_err()),
        ConstValue::Object(fields) => fields.iter().any(|(name, v)| {
            path.push(name.to_string());
            let found = out_of_range_int(v, path);
            if !found {
                path.pop();
            }
            found
        }),
        ConstValue::List(items) => items.iter().enumerate().any(|(i, v)| {
            path.push(i.to_string());
            let found = out_of_range_int(v, path);
            if !found {
                path.pop();
            }
            found
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_name_the_field_inside_the_input() {
        let message = "Invalid value for argument \"input.category\", enumeration type \"RiskCategory\" does not contain the value \"astrology\"";
        assert_eq!(
            unknown_enum_value(message),
            Some(("input.category", "RiskCategory", "astrology"))
        );
        assert_eq!(unknown_enum_value("Invalid value for argument \"x\""), None);
    }
}
