//! Writing the register: creating and re-rating risks and choosing the controls that treat them.
//! Each write is one transaction with its audit entry.

use chrono::{DateTime, Utc};
use entity::{control, risk, risk_control};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
};

use super::{Category, Rating, Risk, RiskStatus, Treatment, find, find_row, load, threats};
use crate::domain::inventory;
use crate::domain::kernel::access::Permission;
use crate::domain::kernel::validate;
use crate::domain::kernel::viewer::Viewer;
use crate::domain::kernel::vocabulary::Vocabulary;
use crate::domain::kernel::write::{Action, Entity, Write, snapshot};
use crate::domain::{Services, approvals};
use crate::error::{AppError, AppResult};

/// The fields of a risk (all of them on create and on update).
#[derive(Debug, Clone)]
pub struct RiskInput {
    pub ai_system_id: Option<i32>,
    pub title: String,
    pub description: String,
    /// A key of the threat library.
    pub threat: Option<String>,
    /// Defaults to the threat's category when a threat is named.
    pub category: Option<Category>,
    pub inherent_likelihood: i64,
    pub inherent_impact: i64,
    pub residual_likelihood: Option<i64>,
    pub residual_impact: Option<i64>,
    pub treatment: Treatment,
    pub owner: String,
    pub status: RiskStatus,
    pub decision: Option<String>,
    /// `YYYY-MM-DD`.
    pub review_due: Option<String>,
}

impl From<&Risk> for RiskInput {
    /// A stored risk's fields, to change a few and write them back.
    fn from(r: &Risk) -> Self {
        RiskInput {
            ai_system_id: r.ai_system_id,
            title: r.title.clone(),
            description: r.description.clone(),
            threat: r.threat.clone(),
            category: Some(r.category),
            inherent_likelihood: i64::from(r.inherent.likelihood),
            inherent_impact: i64::from(r.inherent.impact),
            residual_likelihood: r.residual.map(|x| i64::from(x.likelihood)),
            residual_impact: r.residual.map(|x| i64::from(x.impact)),
            treatment: r.treatment,
            owner: r.owner.clone(),
            status: r.status,
            decision: r.decision.clone(),
            review_due: r.review_due.map(|d| d.to_string()),
        }
    }
}

struct Checked {
    title: String,
    description: String,
    threat: Option<&'static threats::Threat>,
    category: Category,
    inherent: Rating,
    residual: Option<Rating>,
    treatment: Treatment,
    owner: String,
    status: RiskStatus,
    decision: Option<String>,
    review_due: Option<String>,
}

fn check(input: &RiskInput) -> AppResult<Checked> {
    let threat = input.threat.as_deref().map(threats::find).transpose()?;
    let category = match (&input.category, threat) {
        (Some(category), _) => *category,
        (None, Some(threat)) => threat.category,
        (None, None) => {
            return Err(AppError::rule(
                "category",
                "required_without_threat",
                "category is required when no threat is named",
            ));
        }
    };
    let inherent = Rating::new("inherent", input.inherent_likelihood, input.inherent_impact)?;
    let residual = match (input.residual_likelihood, input.residual_impact) {
        (Some(l), Some(i)) => Some(Rating::new("residual", l, i)?),
        (None, None) => None,
        _ => {
            return Err(AppError::rule(
                if input.residual_likelihood.is_some() {
                    "residualImpact"
                } else {
                    "residualLikelihood"
                },
                "residual_pair",
                "residual likelihood and impact are given together or not at all",
            ));
        }
    };
    if let Some(residual) = residual
        && residual.score() > inherent.score()
    {
        return Err(AppError::rule(
            "residualLikelihood",
            "residual_exceeds_inherent",
            format!(
                "residual risk ({}) cannot exceed inherent risk ({}): treatment does not add risk",
                residual.score(),
                inherent.score()
            ),
        ));
    }
    let (treatment, status) = (input.treatment, input.status);
    if status == RiskStatus::Accepted && treatment != Treatment::Accept {
        return Err(AppError::rule(
            "status",
            "accepted_needs_accept_treatment",
            "status accepted needs treatment accept",
        ));
    }
    let decision = match input.decision.as_deref().map(str::trim) {
        Some("") | None if treatment == Treatment::Accept => {
            return Err(AppError::rule(
                "decision",
                "acceptance_needs_decision",
                "accepting a risk needs a decision record: who accepted it, why, and until when (decision, 10-2000 characters)",
            ));
        }
        Some("") | None => None,
        Some(text) => Some(validate::justification("decision", Some(text))?),
    };
    Ok(Checked {
        title: validate::line("title", &input.title, 200)?,
        description: validate::text("description", &input.description, 4000)?,
        threat,
        category,
        inherent,
        residual,
        treatment,
        owner: validate::line("owner", &input.owner, 200)?,
        status,
        decision,
        review_due: input
            .review_due
            .as_deref()
            .map(|d| validate::date("reviewDue", d).map(|d| d.to_string()))
            .transpose()?,
    })
}

fn apply(
    active: &mut risk::ActiveModel,
    c: Checked,
    ai_system_id: Option<i32>,
    now: DateTime<Utc>,
) {
    active.ai_system_id = Set(ai_system_id);
    active.title = Set(c.title);
    active.description = Set(c.description);
    active.threat = Set(c.threat.map(|t| t.key.clone()));
    active.category = Set(c.category.as_str().into());
    active.inherent_likelihood = Set(i16::from(c.inherent.likelihood));
    active.inherent_impact = Set(i16::from(c.inherent.impact));
    active.residual_likelihood = Set(c.residual.map(|r| i16::from(r.likelihood)));
    active.residual_impact = Set(c.residual.map(|r| i16::from(r.impact)));
    active.treatment = Set(c.treatment.as_str().into());
    active.owner = Set(c.owner);
    active.status = Set(c.status.as_str().into());
    active.decision = Set(c.decision);
    active.review_due = Set(c.review_due);
    active.updated_at = Set(now);
}

/// The organization's active controls among `ids`, refusing unknown or retired ones.
async fn checked_controls<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    ids: &[i32],
) -> AppResult<Vec<i32>> {
    let mut unique: Vec<i32> = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let found = control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::Id.is_in(unique.clone()))
        .filter(control::Column::RetiredAt.is_null())
        .all(db)
        .await?;
    if let Some(missing) = unique.iter().find(|id| !found.iter().any(|c| c.id == **id)) {
        return Err(AppError::not_found(format!("control {missing}")));
    }
    Ok(unique)
}

/// The organization's active controls that are its copies of the threat's library controls.
async fn recommended_controls<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    threat: &threats::Threat,
) -> AppResult<Vec<i32>> {
    Ok(control::Entity::find()
        .filter(control::Column::OrganizationId.eq(organization_id))
        .filter(control::Column::LibraryCode.is_in(threat.controls.clone()))
        .filter(control::Column::RetiredAt.is_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect())
}

async fn replace_links<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    risk_id: i32,
    control_ids: &[i32],
    now: DateTime<Utc>,
) -> AppResult<()> {
    risk_control::Entity::delete_many()
        .filter(risk_control::Column::OrganizationId.eq(organization_id))
        .filter(risk_control::Column::RiskId.eq(risk_id))
        .exec(db)
        .await?;
    for control_id in control_ids {
        risk_control::ActiveModel {
            organization_id: Set(organization_id),
            risk_id: Set(risk_id),
            control_id: Set(*control_id),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

async fn check_ai_system<C: ConnectionTrait>(
    db: &C,
    organization_id: i32,
    ai_system_id: Option<i32>,
) -> AppResult<()> {
    if let Some(id) = ai_system_id {
        inventory::find(db, organization_id, id).await?;
    }
    Ok(())
}

/// Records the risk's change (its state before, and as written now) in the audit log and commits,
/// returning the risk as written.
async fn logged_commit(
    txn: Write<'_>,
    organization_id: i32,
    action: Action,
    before: Option<Risk>,
    id: i32,
) -> AppResult<Risk> {
    let after = find(&*txn, organization_id, id).await?;
    let before = before.as_ref().map(snapshot).transpose()?;
    txn.record(action, Entity::Risk, id, before, Some(snapshot(&after)?))
        .await?;
    txn.commit().await?;
    Ok(after)
}

/// Accepting a high or critical risk (ISO/IEC 42001 6.1.3: risk owners approve residual risk)
/// uses up an approved `risk_acceptance` request for it, decided by the governance body of the
/// escalation route for its level with a majority quorum; until then the risk is not `accepted`.
async fn require_acceptance_approval(
    write: &Write<'_>,
    organization_id: i32,
    risk_id: Option<i32>,
    c: &Checked,
    accepted_at_level: Option<super::Level>,
) -> AppResult<()> {
    if c.status != RiskStatus::Accepted {
        return Ok(());
    }
    let bands = super::matrix::of(&**write, organization_id).await?;
    let level = bands.level(c.residual.unwrap_or(c.inherent).score());
    if !matches!(level, super::Level::High | super::Level::Critical) {
        return Ok(());
    }
    // Already accepted at this level or above: the decision stands. Re-rated upwards, the
    // higher level's body decides again.
    if accepted_at_level.is_some_and(|before| before >= level) {
        return Ok(());
    }
    let approved = match risk_id {
        Some(id) => {
            approvals::consume_risk_acceptance(write, organization_id, id, level.as_str()).await?
        }
        None => false,
    };
    if approved {
        return Ok(());
    }
    Err(AppError::rule(
        "status",
        "acceptance_needs_approval",
        format!(
            "accepting a {level} risk needs an approved risk_acceptance request (requestApproval) from the body of the {level} escalation route"
        ),
    ))
}

/// Adds a risk. Its treating controls are `control_ids` when given; otherwise, when the risk names
/// a threat and `link_recommended` is set, the organization's copies of the threat's controls.
pub async fn create(
    services: &Services,
    viewer: &Viewer,
    input: RiskInput,
    control_ids: Option<Vec<i32>>,
    link_recommended: bool,
) -> AppResult<Risk> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let id = create_in(&txn, organization_id, input, control_ids, link_recommended).await?;
    logged_commit(txn, organization_id, Action::Create, None, id).await
}

/// Adds a risk inside `txn` (another write that opens one, such as a failed data check) with its
/// audit entry; returns its id.
pub(crate) async fn create_in(
    txn: &Write<'_>,
    organization_id: i32,
    input: RiskInput,
    control_ids: Option<Vec<i32>>,
    link_recommended: bool,
) -> AppResult<i32> {
    let c = check(&input)?;
    let threat = c.threat;
    check_ai_system(&**txn, organization_id, input.ai_system_id).await?;
    require_acceptance_approval(txn, organization_id, None, &c, None).await?;
    let controls = match (control_ids, threat) {
        (Some(ids), _) => checked_controls(&**txn, organization_id, &ids).await?,
        (None, Some(threat)) if link_recommended => {
            recommended_controls(&**txn, organization_id, threat).await?
        }
        _ => Vec::new(),
    };
    let now = txn.now();
    let mut active = risk::ActiveModel {
        organization_id: Set(organization_id),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut active, c, input.ai_system_id, txn.now());
    let row = active.insert(&**txn).await?;
    replace_links(&**txn, organization_id, row.id, &controls, txn.now()).await?;
    Ok(row.id)
}

/// Replaces a risk's fields (re-rating, treatment, status, decision); links stay as they are.
pub async fn update(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    input: RiskInput,
) -> AppResult<Risk> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let c = check(&input)?;
    let txn = Write::begin(services, viewer).await?;
    let row = find_row(&*txn, organization_id, id).await?;
    let before = load(&*txn, organization_id, row.clone()).await?;
    check_ai_system(&*txn, organization_id, input.ai_system_id).await?;
    let accepted_at_level = (before.status == RiskStatus::Accepted).then(|| before.level());
    require_acceptance_approval(&txn, organization_id, Some(id), &c, accepted_at_level).await?;
    let mut active: risk::ActiveModel = row.into();
    apply(&mut active, c, input.ai_system_id, txn.now());
    active.update(&*txn).await?;
    logged_commit(txn, organization_id, Action::Update, Some(before), id).await
}

/// Sets the controls that treat a risk (replacing the previous set).
pub async fn set_controls(
    services: &Services,
    viewer: &Viewer,
    id: i32,
    control_ids: &[i32],
) -> AppResult<Risk> {
    viewer.require(Permission::WriteRecords)?;
    let organization_id = viewer.organization_id()?;
    let txn = Write::begin(services, viewer).await?;
    let before = find(&*txn, organization_id, id).await?;
    let controls = checked_controls(&*txn, organization_id, control_ids).await?;
    replace_links(&*txn, organization_id, id, &controls, txn.now()).await?;
    logged_commit(txn, organization_id, Action::SetControls, Some(before), id).await
}
