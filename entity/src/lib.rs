//! sea-orm entities for Accord's tables. Plain data: rules live in `accord::domain`, never here.
//! One module per table; `organization_id` on every row that belongs to a customer.

pub mod api_key;
pub mod framework;
pub mod organization;
pub mod requirement;
