//! sea-orm entities for Accord's tables. Plain data: rules live in `accord::domain`, never here.
//! One module per table; `organization_id` on every row that belongs to a customer.

pub mod ai_system;
pub mod api_key;
pub mod approval_decision;
pub mod approval_request;
pub mod artifact;
pub mod audit_head;
pub mod audit_log;
pub mod body_member;
pub mod control;
pub mod control_mapping;
pub mod escalation_route;
pub mod evidence;
pub mod framework;
pub mod governance_body;
pub mod job;
pub mod model_version;
pub mod organization;
pub mod outbox;
pub mod person;
pub mod policy;
pub mod raci_assignment;
pub mod report_output;
pub mod report_run;
pub mod report_schedule;
pub mod requirement;
pub mod requirement_applicability;
pub mod requirement_mapping;
pub mod risk;
pub mod risk_control;
pub mod scope_statement;
