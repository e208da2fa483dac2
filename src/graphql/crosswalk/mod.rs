//! The crosswalk, live coverage and gaps, exports and imports.

mod mutation;
mod query;
mod types;

pub use mutation::CrosswalkMutation;
pub use query::CrosswalkQuery;
