//! Internal audits (ISO/IEC 42001 9.2) and what follows from them (10.2): the audit programme,
//! audits with scope, criteria, period, lead auditor and team, the checklist each audit opens
//! with, findings, and corrective actions verified by someone other than their owner.

pub mod actions;
pub mod audits;
pub mod checklist;
pub mod findings;
pub mod impartiality;
pub mod programmes;
pub mod scope;

pub use audits::{Audit, AuditInput, AuditKind, AuditStatus};
