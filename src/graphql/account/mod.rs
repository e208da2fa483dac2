//! The caller (`me`), organizations and integrator API keys.

mod mutation;
mod query;
mod types;

pub use mutation::AccountMutation;
pub use query::AccountQuery;
