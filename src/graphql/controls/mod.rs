//! Common controls: listing, details with mappings grouped by framework, evidence, and the
//! mutations that create, change, retire and map them; reviewing and adopting a new edition of
//! the shipped library.

mod edition;
mod mutation;
mod query;
pub mod types;

pub use edition::{EditionMutation, EditionQuery};
pub use mutation::ControlMutation;
pub use query::ControlQuery;
