//! Common controls: listing, details with mappings grouped by framework, evidence, and the
//! mutations that create, change, retire and map them.

mod mutation;
mod query;
pub mod types;

pub use mutation::ControlMutation;
pub use query::ControlQuery;
