//! Impartiality (ISO/IEC 42001 9.2.2): an auditor does not audit their own work. Nobody on an
//! audit (lead or team) may own a control or AI system in its scope, or be Responsible or
//! Accountable for one, in person or through a team they belong to.

use entity::{ai_system, control, raci_assignment};

use super::scope::Resolved;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::domain::people::Person;
use crate::error::{AppError, AppResult};

/// Who is on an audit, with the field each came from (for the refusal's `extensions.field`).
pub struct Auditors<'a> {
    pub lead: &'a str,
    pub team: &'a [String],
}

impl Auditors<'_> {
    fn each(&self) -> impl Iterator<Item = (String, &str)> {
        std::iter::once(("leadAuditor".to_string(), self.lead)).chain(
            self.team
                .iter()
                .enumerate()
                .map(|(i, s)| (format!("team.{i}"), s.as_str())),
        )
    }
}

/// The names a person goes by in owner and RACI fields: subject, display name, email.
pub(super) fn names_of(subject: &str, people: &[Person]) -> Vec<String> {
    let mut names = vec![subject.to_ascii_lowercase()];
    if let Some(person) = people.iter().find(|p| p.subject == subject) {
        names.push(person.display_name.to_ascii_lowercase());
        names.push(person.email.to_ascii_lowercase());
    }
    names
}

fn teams_of(subject: &str, people: &[Person]) -> Vec<String> {
    people
        .iter()
        .find(|p| p.subject == subject)
        .map(|p| p.teams.iter().map(|t| t.to_ascii_lowercase()).collect())
        .unwrap_or_default()
}

/// Something in scope an auditor might answer for.
struct Owned {
    subject_type: &'static str,
    id: i32,
    owner: Option<String>,
    name: String,
}

/// Refuses with rule `auditor_independence` when an auditor owns, or is Responsible or
/// Accountable for, a control or AI system in `scope`.
pub async fn check<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    auditors: &Auditors<'_>,
    scope: &Resolved,
    people: &[Person],
) -> AppResult<()> {
    let mut in_scope: Vec<Owned> = Vec::new();
    if !scope.control_ids.is_empty() {
        // The organization's controls are a few hundred: one query, filtered here.
        for c in control::Entity::find()
            .filter(control::Column::OrganizationId.eq(organization_id))
            .all(db)
            .await?
        {
            if scope.control_ids.contains(&c.id) {
                in_scope.push(Owned {
                    subject_type: "control",
                    id: c.id,
                    owner: c.owner,
                    name: format!("control {} ({})", c.code, c.title),
                });
            }
        }
    }
    if !scope.ai_system_ids.is_empty() {
        for s in ai_system::Entity::find()
            .filter(ai_system::Column::OrganizationId.eq(organization_id))
            .filter(ai_system::Column::Id.is_in(scope.ai_system_ids.iter().copied()))
            .all(db)
            .await?
        {
            in_scope.push(Owned {
                subject_type: "ai_system",
                id: s.id,
                owner: Some(s.owner),
                name: format!("AI system {}", s.name),
            });
        }
    }
    if in_scope.is_empty() {
        return Ok(());
    }
    let assignments = raci_assignment::Entity::find()
        .filter(raci_assignment::Column::OrganizationId.eq(organization_id))
        .filter(raci_assignment::Column::SubjectType.is_in(["control", "ai_system"]))
        .filter(raci_assignment::Column::Role.is_in(["responsible", "accountable"]))
        .all(db)
        .await?;
    for (field, subject) in auditors.each() {
        let names = names_of(subject, people);
        let teams = teams_of(subject, people);
        let owned = in_scope.iter().find(|o| {
            o.owner
                .as_deref()
                .is_some_and(|owner| names.contains(&owner.trim().to_ascii_lowercase()))
        });
        if let Some(item) = owned {
            return Err(AppError::rule(
                field,
                "auditor_independence",
                format!(
                    "{subject} owns {}, which is in this audit's scope; an auditor cannot audit their own work",
                    item.name
                ),
            ));
        }
        for assignment in &assignments {
            let Some(item) = in_scope.iter().find(|o| {
                o.subject_type == assignment.subject_type && o.id == assignment.subject_id
            }) else {
                continue;
            };
            let party = assignment.party.trim().to_ascii_lowercase();
            let answers = match assignment.party_kind.as_str() {
                "team" => teams.contains(&party),
                _ => names.contains(&party),
            };
            if answers {
                return Err(AppError::rule(
                    field,
                    "auditor_independence",
                    format!(
                        "{subject} is {} for {} (as {}), which is in this audit's scope; an auditor cannot audit what they are Responsible or Accountable for",
                        assignment.role, item.name, assignment.party
                    ),
                ));
            }
        }
    }
    Ok(())
}
