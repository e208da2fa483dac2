//! Management reviews over GraphQL: the record, its live (or frozen) inputs, decisions and
//! actions, and the Markdown record that concluding stores as an artefact.

use async_graphql::{ComplexObject, Context, ID, InputObject, Json, Object, Result, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::Services;
use crate::domain::kernel::access::Permission;
use crate::domain::reviews::{
    self, Review, ReviewAction, ReviewActionStatus, ReviewInput, ReviewStatus,
};
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{id, parse_id};
use crate::graphql::vocabulary::graphql_vocabulary;

graphql_vocabulary!(
    /// Whether a management review is still being prepared.
    ReviewStatusValue, "ManagementReviewStatus", ReviewStatus [Draft, Concluded]
);
graphql_vocabulary!(
    /// Whether a review's action is done.
    ReviewActionStatusValue, "ReviewActionStatus", ReviewActionStatus [Open, Done]
);

/// A management review (ISO/IEC 42001 9.3).
#[derive(SimpleObject)]
#[graphql(name = "ManagementReview", complex)]
pub struct ReviewNode {
    pub id: ID,
    pub title: String,
    pub held_on: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub chair: String,
    pub attendees: Vec<String>,
    pub context_changes: String,
    pub stakeholder_feedback: String,
    pub decisions: Vec<String>,
    pub status: ReviewStatusValue,
    /// The `management_review` artefact stored when the review concluded.
    pub artifact_id: Option<ID>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub concluded_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    review: Review,
}

impl From<Review> for ReviewNode {
    fn from(r: Review) -> Self {
        ReviewNode {
            id: id(r.id),
            title: r.title.clone(),
            held_on: r.held_on,
            period_start: r.period_start,
            period_end: r.period_end,
            chair: r.chair.clone(),
            attendees: r.attendees.clone(),
            context_changes: r.context_changes.clone(),
            stakeholder_feedback: r.stakeholder_feedback.clone(),
            decisions: r.decisions.clone(),
            status: r.status.into(),
            artifact_id: r.artifact_id.map(id),
            created_by: r.created_by.clone(),
            created_at: r.created_at,
            concluded_at: r.concluded_at,
            review: r,
        }
    }
}

#[ComplexObject]
impl ReviewNode {
    /// The review's inputs: collected from live data while in draft, as they were when it
    /// concluded afterwards. Shape: `previous_actions`, `coverage` (per framework), `audits`,
    /// `incidents`, `metrics`, `risks`, `context_changes`, `stakeholder_feedback`, with the
    /// period and when they were collected.
    #[graphql(complexity = "500 * child_complexity")]
    async fn inputs(&self, ctx: &Context<'_>) -> Result<Json<serde_json::Value>> {
        let services = ctx.data::<Services>()?;
        let inputs = reviews::inputs_of(services, viewer(ctx), &self.review)
            .await
            .gql()?;
        Ok(Json(serde_json::to_value(inputs)?))
    }

    /// Actions the review decided, soonest due first.
    async fn actions(&self, ctx: &Context<'_>) -> Result<Vec<ReviewActionNode>> {
        let services = ctx.data::<Services>()?;
        Ok(reviews::actions(services, viewer(ctx), self.review.id)
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The review's record as Markdown: once concluded, the stored artefact.
    #[graphql(complexity = 500)]
    async fn document(&self, ctx: &Context<'_>) -> Result<String> {
        let services = ctx.data::<Services>()?;
        reviews::document(services, viewer(ctx), self.review.id)
            .await
            .gql()
    }
}

/// An action a management review decided.
#[derive(SimpleObject)]
#[graphql(name = "ReviewAction")]
pub struct ReviewActionNode {
    pub id: ID,
    pub review_id: ID,
    pub description: String,
    pub owner: String,
    pub due_on: NaiveDate,
    pub status: ReviewActionStatusValue,
    pub completed_at: Option<DateTime<Utc>>,
}

impl From<ReviewAction> for ReviewActionNode {
    fn from(a: ReviewAction) -> Self {
        ReviewActionNode {
            id: id(a.id),
            review_id: id(a.review_id),
            description: a.description,
            owner: a.owner,
            due_on: a.due_on,
            status: a.status.into(),
            completed_at: a.completed_at,
        }
    }
}

/// A management review as prepared (dates `YYYY-MM-DD`).
#[derive(InputObject)]
#[graphql(name = "ManagementReviewInput")]
pub struct ReviewInputNode {
    pub title: String,
    pub held_on: String,
    pub period_start: String,
    pub period_end: String,
    pub chair: String,
    #[graphql(default)]
    pub attendees: Vec<String>,
    /// Changes in external and internal issues relevant to the AI management system.
    #[graphql(default)]
    pub context_changes: String,
    /// Needs and expectations of interested parties, entered by hand.
    #[graphql(default)]
    pub stakeholder_feedback: String,
}

impl From<ReviewInputNode> for ReviewInput {
    fn from(i: ReviewInputNode) -> Self {
        ReviewInput {
            title: i.title,
            held_on: i.held_on,
            period_start: i.period_start,
            period_end: i.period_end,
            chair: i.chair,
            attendees: i.attendees,
            context_changes: i.context_changes,
            stakeholder_feedback: i.stakeholder_feedback,
        }
    }
}

#[derive(Default)]
pub struct ReviewQuery;

#[Object]
impl ReviewQuery {
    /// Management reviews, most recent first.
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn management_reviews(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ReviewNode>> {
        let services = ctx.data::<Services>()?;
        let list = reviews::list(services, viewer(ctx)).await.gql()?;
        paginate("management_review", list, first, after, ReviewNode::from).gql()
    }

    async fn management_review(&self, ctx: &Context<'_>, id: ID) -> Result<ReviewNode> {
        let services = ctx.data::<Services>()?;
        Ok(reviews::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }
}

#[derive(Default)]
pub struct ReviewMutation;

#[Object]
impl ReviewMutation {
    /// Prepares a management review for a period.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_management_review(
        &self,
        ctx: &Context<'_>,
        input: ReviewInputNode,
    ) -> Result<ReviewNode> {
        let services = ctx.data::<Services>()?;
        Ok(reviews::create(services, viewer(ctx), input.into())
            .await
            .gql()?
            .into())
    }

    /// Edits a review still in draft.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_management_review(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ReviewInputNode,
    ) -> Result<ReviewNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            reviews::update(services, viewer(ctx), parse_id(&id).gql()?, input.into())
                .await
                .gql()?
                .into(),
        )
    }

    /// Records an action the review decided (`dueOn` `YYYY-MM-DD`).
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn add_review_action(
        &self,
        ctx: &Context<'_>,
        review_id: ID,
        description: String,
        owner: String,
        due_on: String,
    ) -> Result<ReviewActionNode> {
        let services = ctx.data::<Services>()?;
        Ok(reviews::add_action(
            services,
            viewer(ctx),
            parse_id(&review_id).gql()?,
            &description,
            &owner,
            &due_on,
        )
        .await
        .gql()?
        .into())
    }

    /// Marks a review's action done.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn complete_review_action(&self, ctx: &Context<'_>, id: ID) -> Result<ReviewActionNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            reviews::complete_action(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Concludes a review with its decisions: inputs frozen, record stored as an artefact.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn conclude_management_review(
        &self,
        ctx: &Context<'_>,
        id: ID,
        decisions: Vec<String>,
    ) -> Result<ReviewNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            reviews::conclude(services, viewer(ctx), parse_id(&id).gql()?, &decisions)
                .await
                .gql()?
                .into(),
        )
    }
}
