//! What every feature shares: who is asking ([`viewer`]) and what they may do ([`access`]), input
//! checks ([`validate`]), the one audited write path ([`write`]), the injected [`clock`] and the
//! typed [`vocabulary`] machinery, and [`blocking`] for CPU-bound aggregations. Nothing here knows a feature.

pub mod access;
pub mod blocking;
pub mod clock;
pub mod validate;
pub mod viewer;
pub mod vocabulary;
pub mod write;
