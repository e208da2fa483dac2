//! A management review's record as Markdown, from `reports/management-review.md.j2`.

use super::{Inputs, Review, ReviewAction};
use crate::domain::reports::render;
use crate::error::AppResult;

/// The review's record: what it considered, decided and assigned.
pub fn markdown(review: &Review, inputs: &Inputs, actions: &[ReviewAction]) -> AppResult<String> {
    let data = serde_json::json!({
        "review": review,
        "inputs": inputs,
        "actions": actions,
    });
    render::template("management-review.md", &data)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::domain::reviews::inputs::*;
    use crate::domain::reviews::{ReviewActionStatus, ReviewStatus};

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_record_renders_every_section() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 2, 10, 0, 0)
            .single()
            .expect("time");
        let review = Review {
            id: 1,
            title: "Q4".into(),
            held_on: date("2027-01-05"),
            period_start: date("2026-10-01"),
            period_end: date("2026-12-31"),
            chair: "ceo".into(),
            attendees: vec!["ceo".into(), "cro".into()],
            context_changes: "New EU AI Act obligations apply from August".into(),
            stakeholder_feedback: String::new(),
            decisions: vec!["Fund bias testing".into()],
            status: ReviewStatus::Concluded,
            artifact_id: None,
            created_by: "erin".into(),
            created_at: at,
            concluded_at: Some(at),
            frozen: None,
        };
        let count = |key: &str, count| Count {
            key: key.into(),
            count,
        };
        let inputs = Inputs {
            period_start: review.period_start,
            period_end: review.period_end,
            collected_at: at,
            previous_actions: PreviousActions {
                total: 1,
                done: 0,
                open: 1,
                overdue: 1,
                open_items: vec![OpenAction {
                    id: 1,
                    review_id: 0,
                    description: "Retrain".into(),
                    owner: "cro".into(),
                    due_on: "2026-11-01".into(),
                }],
            },
            coverage: vec![FrameworkCoverage {
                framework: "nist-csf".into(),
                name: "NIST CSF".into(),
                satisfied: 1,
                partial: 2,
                not_covered: 3,
                not_applicable: 0,
                percent_satisfied: 16.7,
            }],
            audits: AuditResults {
                completed_in_period: 1,
                findings_in_period: vec![count("minor_nonconformity", 1)],
                findings_previous_period: 4,
                open_nonconformities: 1,
                overdue_actions: 0,
            },
            incidents: IncidentSummary {
                in_period: 3,
                previous_period: 1,
                by_severity: vec![count("high", 3)],
                by_category: vec![count("performance_or_drift", 3)],
                unresolved_now: 1,
                past_sla_now: 0,
            },
            metrics: MetricSummary {
                breaches_in_period: 2,
                breaches_previous_period: 0,
                ongoing_breaches: 1,
                by_metric: vec![MetricTrend {
                    metric: "drift".into(),
                    name: "Drift".into(),
                    breaches_in_period: 2,
                    breaches_previous_period: 0,
                    ongoing: 1,
                }],
            },
            risks: RiskSummary {
                open: 2,
                open_by_level: vec![count("critical", 2)],
                accepted: 0,
                review_overdue: 0,
            },
            context_changes: review.context_changes.clone(),
            stakeholder_feedback: String::new(),
        };
        let actions = vec![ReviewAction {
            id: 3,
            review_id: 1,
            description: "Automate drift alerts".into(),
            owner: "cro".into(),
            due_on: date("2027-01-31"),
            status: ReviewActionStatus::Open,
            completed_at: None,
        }];
        let text = markdown(&review, &inputs, &actions).expect("renders");
        for expected in [
            "# Management review: Q4",
            "| NIST CSF | 1 | 2 | 3 | 0 | 16.7 |",
            "1 minor nonconformity (period before: 4)",
            "New EU AI Act obligations apply from August",
            "Detected in the period: 3 (period before: 1)",
            "3 performance or drift",
            "- Drift: 2 in the period, 0 the period before, 1 ongoing",
            "None recorded.",
            "1. Fund bias testing",
            "- Automate drift alerts (owner cro, due 2027-01-31, open)",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
    }
}
