//! Change against the previous period, computed from what the records say happened when (the
//! detection, resolution, completion and collection times), never estimated: each measure is
//! taken for the report's period and for the one before it, and called improved or worse by which
//! way is better for it. State at a period's end (actions overdue, controls evidenced) is
//! reconstructed from the same timestamps as of that end, or as of now for a running period.
//! Pure: it runs on the blocking pool (polars computes the medians).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::analytics::incidents::{Response, by_severity};
use crate::domain::controls::evidence::Evidence;
use crate::domain::governance::Severity;
use crate::domain::incidents::Incident;
use crate::domain::internal_audits::actions::CorrectiveAction;
use crate::domain::metrics::episodes::Episode;
use crate::domain::reports::period::Period;
use crate::error::AppResult;

/// Which way a measure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    Lower,
    Higher,
}

/// One measure in both periods.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub measure: String,
    pub previous: Option<f64>,
    pub current: Option<f64>,
    pub better: Better,
    /// `improved`, `worse`, `unchanged` or `not_comparable` (no value in one period).
    pub verdict: String,
}

fn change(measure: &str, previous: Option<f64>, current: Option<f64>, better: Better) -> Change {
    let verdict = match (previous, current) {
        (Some(p), Some(c)) if (c - p).abs() < 1e-9 => "unchanged",
        (Some(p), Some(c)) if (c < p) == (better == Better::Lower) => "improved",
        (Some(_), Some(_)) => "worse",
        _ => "not_comparable",
    };
    Change {
        measure: measure.into(),
        previous,
        current,
        better,
        verdict: verdict.into(),
    }
}

/// The records the measures are taken from: everything that may fall in either period.
pub struct History {
    /// Incidents with the severity they are held to.
    pub incidents: Vec<Incident>,
    pub episodes: Vec<Episode>,
    pub actions: Vec<CorrectiveAction>,
    pub evidence: Vec<Evidence>,
    /// Incidents that missed a response time (judged with the SLAs at report time).
    pub late: std::collections::HashSet<i32>,
}

/// The instant a period's end state is read at: its end, or now while it runs.
fn end_of(period: &Period, now: DateTime<Utc>) -> DateTime<Utc> {
    period.to.min(now)
}

struct Measures {
    incidents: f64,
    high: f64,
    median_resolve: Option<f64>,
    late: f64,
    breaches: f64,
    actions_completed: f64,
    actions_overdue: f64,
    evidence_collected: f64,
    controls_evidenced: f64,
}

fn measures(history: &History, period: &Period, now: DateTime<Utc>) -> AppResult<Measures> {
    let end = end_of(period, now);
    let incidents: Vec<&Incident> = history
        .incidents
        .iter()
        .filter(|i| period.contains(i.detected_at))
        .collect();
    let responses: Vec<Response> = incidents
        .iter()
        .map(|i| Response {
            severity: "all".into(),
            detect_minutes: i.time_to_detect() as f64,
            acknowledge_minutes: None,
            // Only resolutions already known at the period's end count.
            resolve_minutes: i
                .resolved_at
                .filter(|at| *at <= end)
                .and_then(|_| i.time_to_resolve())
                .map(|m| m as f64),
            past_sla: false,
        })
        .collect();
    let median_resolve = by_severity(&responses, &["all"])
        .map_err(crate::error::AppError::internal)?
        .first()
        .and_then(|f| f.median_resolve_minutes);
    let count = |n: usize| n as f64;
    let mut evidenced = std::collections::HashSet::new();
    for e in &history.evidence {
        if e.is_current(end) {
            evidenced.insert(e.control_id);
        }
    }
    let end_day = end.date_naive();
    Ok(Measures {
        incidents: count(incidents.len()),
        high: count(
            incidents
                .iter()
                .filter(|i| i.severity >= Severity::High)
                .count(),
        ),
        median_resolve,
        late: count(
            incidents
                .iter()
                .filter(|i| history.late.contains(&i.id))
                .count(),
        ),
        breaches: count(
            history
                .episodes
                .iter()
                .filter(|e| period.contains(e.opened_at))
                .count(),
        ),
        actions_completed: count(
            history
                .actions
                .iter()
                .filter(|a| a.completed_at.is_some_and(|at| period.contains(at)))
                .count(),
        ),
        // Overdue at the end: due before that day, raised by then, not verified by then.
        actions_overdue: count(
            history
                .actions
                .iter()
                .filter(|a| a.created_at <= end && a.due_on < end_day)
                .filter(|a| a.verified_at.is_none_or(|at| at > end))
                .count(),
        ),
        evidence_collected: count(
            history
                .evidence
                .iter()
                .filter(|e| period.contains(e.collected_at))
                .count(),
        ),
        controls_evidenced: count(evidenced.len()),
    })
}

/// Every measure for `period` against the period before it.
pub fn compare(history: &History, period: &Period, now: DateTime<Utc>) -> AppResult<Vec<Change>> {
    let current = measures(history, period, now)?;
    let previous = measures(history, &period.previous(), now)?;
    Ok(vec![
        change(
            "Incidents detected",
            Some(previous.incidents),
            Some(current.incidents),
            Better::Lower,
        ),
        change(
            "High and critical incidents",
            Some(previous.high),
            Some(current.high),
            Better::Lower,
        ),
        change(
            "Median minutes to resolve",
            previous.median_resolve,
            current.median_resolve,
            Better::Lower,
        ),
        change(
            "Incidents past a response time",
            Some(previous.late),
            Some(current.late),
            Better::Lower,
        ),
        change(
            "Metric breach episodes",
            Some(previous.breaches),
            Some(current.breaches),
            Better::Lower,
        ),
        change(
            "Corrective actions completed",
            Some(previous.actions_completed),
            Some(current.actions_completed),
            Better::Higher,
        ),
        change(
            "Corrective actions overdue at period end",
            Some(previous.actions_overdue),
            Some(current.actions_overdue),
            Better::Lower,
        ),
        change(
            "Evidence collected",
            Some(previous.evidence_collected),
            Some(current.evidence_collected),
            Better::Higher,
        ),
        change(
            "Controls with current evidence at period end",
            Some(previous.controls_evidenced),
            Some(current.controls_evidenced),
            Better::Higher,
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::controls::evidence::EvidenceKind;
    use crate::domain::internal_audits::actions::ActionStatus;
    use chrono::{NaiveDate, TimeZone};

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 7, day, 12, 0, 0)
            .single()
            .expect("time")
    }

    fn action(
        id: i32,
        due: u32,
        verified: Option<u32>,
        completed: Option<u32>,
    ) -> CorrectiveAction {
        CorrectiveAction {
            id,
            finding_id: 1,
            owner: "o".into(),
            due_on: NaiveDate::from_ymd_opt(2026, 7, due).expect("date"),
            root_cause: String::new(),
            action: String::new(),
            status: if verified.is_some() {
                ActionStatus::Verified
            } else {
                ActionStatus::Open
            },
            completed_by: None,
            completed_at: completed.map(at),
            verified_by: None,
            verified_at: verified.map(at),
            verification_note: None,
            effective: None,
            created_by: "a".into(),
            created_at: at(1),
            overdue: false,
        }
    }

    fn evidence(control_id: i32, collected: u32, until: Option<u32>) -> Evidence {
        Evidence {
            id: control_id * 100 + i32::try_from(collected).unwrap_or(0),
            control_id,
            title: "e".into(),
            kind: EvidenceKind::Log,
            collected_at: at(collected),
            valid_until: until.map(at),
            sha256: None,
            uri: None,
            collector: "c".into(),
            created_at: at(collected),
        }
    }

    #[test]
    fn end_states_are_rebuilt_from_the_records_dates() {
        // Previous period: 1-10 July; this one: 11-20 July (read at its end, now being later).
        let period = Period::parse("2026-07-11..2026-07-20").expect("period");
        let history = History {
            incidents: Vec::new(),
            episodes: Vec::new(),
            actions: vec![
                // Due 5th, verified 15th: overdue at the previous end, not at this one.
                action(1, 5, Some(15), Some(14)),
                // Due 12th, never verified: overdue at this end only.
                action(2, 12, None, None),
                // Due 8th, verified 9th: overdue at neither end.
                action(3, 8, Some(9), Some(9)),
            ],
            evidence: vec![
                // Valid through the previous end only.
                evidence(1, 2, Some(12)),
                // Collected in this period, open-ended.
                evidence(2, 15, None),
                evidence(3, 16, None),
            ],
            late: Default::default(),
        };
        let changes = compare(&history, &period, at(28)).expect("changes");
        let of = |measure: &str| {
            let c = changes
                .iter()
                .find(|c| c.measure == measure)
                .expect("measure");
            (c.previous, c.current, c.verdict.clone())
        };
        assert_eq!(
            of("Corrective actions overdue at period end"),
            (Some(1.0), Some(1.0), "unchanged".to_string())
        );
        assert_eq!(
            of("Corrective actions completed"),
            (Some(1.0), Some(1.0), "unchanged".to_string())
        );
        assert_eq!(
            of("Controls with current evidence at period end"),
            (Some(1.0), Some(2.0), "improved".to_string())
        );
        assert_eq!(
            of("Evidence collected"),
            (Some(1.0), Some(2.0), "improved".to_string())
        );
        assert_eq!(
            of("Median minutes to resolve"),
            (None, None, "not_comparable".to_string())
        );
    }

    #[test]
    fn verdicts_follow_the_better_direction() {
        assert_eq!(
            change("x", Some(5.0), Some(3.0), Better::Lower).verdict,
            "improved"
        );
        assert_eq!(
            change("x", Some(5.0), Some(3.0), Better::Higher).verdict,
            "worse"
        );
        assert_eq!(
            change("x", Some(2.0), Some(2.0), Better::Higher).verdict,
            "unchanged"
        );
        assert_eq!(
            change("x", None, Some(2.0), Better::Higher).verdict,
            "not_comparable"
        );
    }
}
