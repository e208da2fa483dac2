//! The risk register and the AI threat library.

mod mutation;
mod query;
mod types;

pub use mutation::RiskMutation;
pub use query::RiskQuery;
