//! Accounts: organizations (the unit of data isolation) and the API keys that act for them.

pub mod api_keys;
pub mod organizations;
