//! sea-orm entities for Accord's tables. Plain data: rules live in `accord::domain`, never here.
//! One module per table; `organization_id` on every row that belongs to a customer.

pub mod api_key;
pub mod control;
pub mod control_mapping;
pub mod evidence;
pub mod framework;
pub mod organization;
pub mod requirement;
pub mod requirement_applicability;
pub mod requirement_mapping;
