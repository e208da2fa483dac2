//! Report schedules and their delivery by email: schedules (admins and editors manage them),
//! "send now", delivery history (executives see their own) and a preview of the next email.

pub mod types;

use async_graphql::{Context, ID, Object, Result};

use crate::domain::Services;
use crate::domain::delivery::runs::{self, DeliveryFilter, DeliveryStatus};
use crate::domain::delivery::{self, schedules};
use crate::domain::kernel::access::Permission;
use crate::graphql::errors::GqlResultExt;
use crate::graphql::guards::{Can, viewer};
use crate::graphql::pagination::{OffsetConnection, paginate};
use crate::graphql::util::{opt_id, parse_id};
use types::{
    DeliveryCounts, DeliveryNode, DeliveryStatusValue, PreviewNode, RunNode, ScheduleInputNode,
    ScheduleNode,
};

#[derive(Default)]
pub struct DeliveryQuery;

#[Object]
impl DeliveryQuery {
    /// The organization's report schedules, by name.
    #[graphql(complexity = "first.map_or(10, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn report_schedules(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<ScheduleNode>> {
        let services = ctx.data::<Services>()?;
        let list = schedules::list(services, viewer(ctx)).await.gql()?;
        paginate("schedule", list, first, after, ScheduleNode::from).gql()
    }

    async fn report_schedule(&self, ctx: &Context<'_>, id: ID) -> Result<ScheduleNode> {
        let services = ctx.data::<Services>()?;
        Ok(schedules::get(services, viewer(ctx), parse_id(&id).gql()?)
            .await
            .gql()?
            .into())
    }

    /// Delivery history, newest first, per schedule, recipient or status. Executives and
    /// auditors see the emails addressed to them (matched through the people directory).
    #[graphql(complexity = "first.map_or(20, |n| n.clamp(0, 1000) as usize) * child_complexity")]
    async fn report_deliveries(
        &self,
        ctx: &Context<'_>,
        schedule_id: Option<ID>,
        recipient: Option<String>,
        status: Option<DeliveryStatusValue>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<OffsetConnection<DeliveryNode>> {
        let services = ctx.data::<Services>()?;
        let filter = DeliveryFilter {
            schedule_id: opt_id(schedule_id)?,
            recipient,
            status: status.map(Into::into),
        };
        let list = runs::deliveries(services, viewer(ctx), &filter)
            .await
            .gql()?;
        paginate("delivery", list, first, after, DeliveryNode::from).gql()
    }

    /// How many emails are pending, sent and given up (those the viewer may see).
    async fn delivery_counts(&self, ctx: &Context<'_>) -> Result<DeliveryCounts> {
        let services = ctx.data::<Services>()?;
        let all = runs::deliveries(services, viewer(ctx), &DeliveryFilter::default())
            .await
            .gql()?;
        let count = |status: DeliveryStatus| {
            i32::try_from(all.iter().filter(|d| d.status == status).count()).unwrap_or(i32::MAX)
        };
        Ok(DeliveryCounts {
            pending: count(DeliveryStatus::Pending),
            sent: count(DeliveryStatus::Sent),
            failed: count(DeliveryStatus::Failed),
        })
    }

    /// The next email of a schedule: subject, bodies and who it would reach.
    async fn report_email_preview(
        &self,
        ctx: &Context<'_>,
        schedule_id: ID,
    ) -> Result<PreviewNode> {
        let services = ctx.data::<Services>()?;
        Ok(delivery::preview(
            services,
            viewer(ctx),
            parse_id(&schedule_id).gql()?,
            &services.delivery.public_url,
        )
        .await
        .gql()?
        .into())
    }
}

#[derive(Default)]
pub struct DeliveryMutation;

#[Object]
impl DeliveryMutation {
    /// Creates a schedule; invalid cron, unknown time zone or a bad address is refused with the
    /// field named.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn create_report_schedule(
        &self,
        ctx: &Context<'_>,
        input: ScheduleInputNode,
    ) -> Result<ScheduleNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            schedules::create(services, viewer(ctx), input.into_domain()?)
                .await
                .gql()?
                .into(),
        )
    }

    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn update_report_schedule(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: ScheduleInputNode,
    ) -> Result<ScheduleNode> {
        let services = ctx.data::<Services>()?;
        Ok(schedules::update(
            services,
            viewer(ctx),
            parse_id(&id).gql()?,
            input.into_domain()?,
        )
        .await
        .gql()?
        .into())
    }

    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn delete_report_schedule(&self, ctx: &Context<'_>, id: ID) -> Result<ScheduleNode> {
        let services = ctx.data::<Services>()?;
        Ok(
            schedules::delete(services, viewer(ctx), parse_id(&id).gql()?)
                .await
                .gql()?
                .into(),
        )
    }

    /// Builds the schedule's report now and queues one email per recipient.
    #[graphql(guard = "Can(Permission::WriteRecords)")]
    async fn send_report_schedule_now(&self, ctx: &Context<'_>, id: ID) -> Result<RunNode> {
        let services = ctx.data::<Services>()?;
        Ok(runs::send_now(
            services,
            viewer(ctx),
            parse_id(&id).gql()?,
            &services.delivery.run,
        )
        .await
        .gql()?
        .into())
    }
}
