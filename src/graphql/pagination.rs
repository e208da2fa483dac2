//! Offset-based Relay connections for lists the domain computes in full (controls, crosswalk
//! answers): the cursor is an opaque position in the ordered list.

use async_graphql::{
    OutputType, SimpleObject,
    connection::{Connection, Edge},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::error::AppError;

/// Largest page a caller may ask for.
pub const MAX_PAGE: usize = 1000;
/// Page size when the caller does not say.
pub const DEFAULT_PAGE: usize = 100;

/// The extra fields of every offset connection.
#[derive(SimpleObject)]
pub struct ListInfo {
    /// Items in all pages.
    pub total_count: usize,
}

pub type OffsetConnection<T> = Connection<String, T, ListInfo>;

/// An opaque cursor: `kind:value`, base64url.
pub fn encode(kind: &str, value: impl std::fmt::Display) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{value}"))
}

/// The value of a cursor of `kind`; anything else is a `VALIDATION` error.
pub fn decode<T: std::str::FromStr>(kind: &str, cursor: &str) -> Result<T, AppError> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(&format!("{kind}:"))?.parse().ok())
        .ok_or_else(|| AppError::rule("after", "cursor_format", "malformed cursor"))
}

/// Slices `items` after `after`, `first` of them, into a connection.
pub fn paginate<T: OutputType, U>(
    kind: &str,
    items: Vec<U>,
    first: Option<i32>,
    after: Option<String>,
    wrap: impl Fn(U) -> T,
) -> Result<OffsetConnection<T>, AppError> {
    let first = match first {
        None => DEFAULT_PAGE,
        Some(n) if n >= 1 && (n as usize) <= MAX_PAGE => n as usize,
        Some(_) => {
            return Err(AppError::rule(
                "first",
                "page_size_range",
                format!("first must be between 1 and {MAX_PAGE}"),
            ));
        }
    };
    let start = match after {
        None => 0,
        Some(cursor) => decode::<usize>(kind, &cursor)? + 1,
    };
    let total = items.len();
    let end = (start + first).min(total);
    let mut connection =
        Connection::with_additional_fields(start > 0, end < total, ListInfo { total_count: total });
    connection.edges.extend(
        items
            .into_iter()
            .enumerate()
            .skip(start)
            .take(end.saturating_sub(start))
            .map(|(i, item)| Edge::new(encode(kind, i), wrap(item))),
    );
    Ok(connection)
}
