//! The role matrix: what each role may do, as one table that the use cases and the GraphQL guards
//! both check, and that README's "Roles" table is generated from (a test keeps them equal).

use crate::domain::kernel::viewer::Role;

/// A kind of operation that needs a role. Every use case checks exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Catalogs, controls, mappings, crosswalks, exports.
    ReadCrosswalk,
    /// Coverage and gaps, AI management records, risks and the threat library, approvals,
    /// evidence, artefacts, reports.
    ReadRecords,
    /// The hash-chained audit log.
    ReadAuditLog,
    /// Controls, their mappings, evidence and requirement applicability.
    WriteControls,
    /// Crosswalk imports (CSV or OSCAL, all or nothing).
    ImportCrosswalk,
    /// Pushing metric points (monitoring pipelines, integrator keys).
    IngestMetrics,
    /// Inventory, scope, model versions, policies, RACI, approval requests, artefacts, risks,
    /// metric definitions and threshold evaluation.
    WriteRecords,
    /// A decision on an approval request; the caller must also be an approver of its body.
    DecideApproval,
    /// The audit programme, audits, checklist results, findings and verifying corrective
    /// actions.
    WriteAudits,
    /// Governance bodies, their members and escalation routes.
    ManageGovernance,
    /// API keys and organizations.
    ManageAccess,
    /// Recomputing and verifying the audit chain.
    VerifyAudit,
}

use Role::{Admin, Auditor, Editor, Executive, Integrator};

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::ReadCrosswalk,
        Permission::ReadRecords,
        Permission::ReadAuditLog,
        Permission::WriteControls,
        Permission::ImportCrosswalk,
        Permission::IngestMetrics,
        Permission::WriteRecords,
        Permission::DecideApproval,
        Permission::WriteAudits,
        Permission::ManageGovernance,
        Permission::ManageAccess,
        Permission::VerifyAudit,
    ];

    /// The roles that hold this permission.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            Permission::ReadCrosswalk => &[Admin, Editor, Auditor, Executive, Integrator],
            Permission::ReadRecords | Permission::DecideApproval => {
                &[Admin, Editor, Auditor, Executive]
            }
            Permission::ReadAuditLog | Permission::WriteAudits => &[Admin, Auditor],
            Permission::IngestMetrics => &[Admin, Editor, Integrator],
            Permission::WriteControls | Permission::ImportCrosswalk | Permission::WriteRecords => {
                &[Admin, Editor]
            }
            Permission::ManageGovernance | Permission::ManageAccess | Permission::VerifyAudit => {
                &[Admin]
            }
        }
    }

    /// Stable snake_case name (README, refusal messages).
    pub const fn as_str(self) -> &'static str {
        match self {
            Permission::ReadCrosswalk => "read_crosswalk",
            Permission::ReadRecords => "read_records",
            Permission::ReadAuditLog => "read_audit_log",
            Permission::WriteControls => "write_controls",
            Permission::ImportCrosswalk => "import_crosswalk",
            Permission::IngestMetrics => "ingest_metrics",
            Permission::WriteRecords => "write_records",
            Permission::DecideApproval => "decide_approval",
            Permission::WriteAudits => "write_audits",
            Permission::ManageGovernance => "manage_governance",
            Permission::ManageAccess => "manage_access",
            Permission::VerifyAudit => "verify_audit",
        }
    }

    /// What the permission covers, for README's table.
    pub const fn covers(self) -> &'static str {
        match self {
            Permission::ReadCrosswalk => {
                "catalogs, controls, mappings, crosswalk, CSV/OSCAL exports"
            }
            Permission::ReadRecords => {
                "coverage, gaps, inventory, scope, models, RACI, governance, policies, approvals, evidence, artefacts, risks, threats, metrics, incidents, notifications, audits, findings, corrective actions, management reviews, reports"
            }
            Permission::ReadAuditLog => "`auditLog`",
            Permission::WriteControls => "controls, mappings, evidence, requirement applicability",
            Permission::ImportCrosswalk => "`POST /imports/crosswalk`, `importCrosswalk`",
            Permission::IngestMetrics => "`POST /ingest/metrics`, `recordMetricPoints`",
            Permission::WriteRecords => {
                "inventory, scope, models, RACI, policies, approval requests, artefacts, risks, metric definitions, threshold evaluation, incidents, corrective actions, management reviews"
            }
            Permission::DecideApproval => {
                "`decideApproval`, only as an approver of the request's body"
            }
            Permission::WriteAudits => {
                "audit programmes, audits, checklist results, findings, verifying corrective actions"
            }
            Permission::ManageGovernance => {
                "governance bodies, members, escalation routes, incident response times, risk matrix bands"
            }
            Permission::ManageAccess => "API keys, organizations",
            Permission::VerifyAudit => "`auditVerification`",
        }
    }
}

/// README's role matrix, rendered from [`Permission::roles`].
pub fn matrix_markdown() -> String {
    let mut out = String::from("| permission | covers |");
    for role in Role::ALL {
        out.push_str(&format!(" {role} |"));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(Role::ALL.len()));
    out.push('\n');
    for permission in Permission::ALL {
        out.push_str(&format!(
            "| `{}` | {} |",
            permission.as_str(),
            permission.covers()
        ));
        for role in Role::ALL {
            let mark = if permission.roles().contains(&role) {
                "yes"
            } else {
                "-"
            };
            out.push_str(&format!(" {mark} |"));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// README's table between the markers must be exactly what the code enforces.
    #[test]
    fn readme_matrix_matches_the_code() {
        let readme = include_str!("../../../README.md");
        let start = "<!-- role-matrix:start -->\n";
        let end = "<!-- role-matrix:end -->";
        let from = readme
            .find(start)
            .expect("README has the role-matrix start marker")
            + start.len();
        let to = readme
            .find(end)
            .expect("README has the role-matrix end marker");
        assert_eq!(
            &readme[from..to],
            matrix_markdown(),
            "README's role matrix is stale; paste the output of matrix_markdown()"
        );
    }
}
