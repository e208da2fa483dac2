//! The pure part of threshold evaluation: a series' closed windows, in order, against its rule.
//! `open_after` consecutive breaching windows open an episode (from the streak's first window);
//! `close_after` consecutive non-breaching windows close it; entering the warning band from
//! healthy outside an episode is a warning. No I/O: [`super::evaluate`] feeds it and writes what it
//! returns.

use super::definitions::Definition;
use super::{Level, Statistic};
use crate::analytics::metrics::{Bucket, WindowStats, past};

/// The rule a series is held to.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub warning: Option<f64>,
    pub breach: Option<f64>,
    pub higher_is_worse: bool,
    pub open_after: i32,
    pub close_after: i32,
}

impl Rule {
    pub fn of(d: &Definition) -> Rule {
        Rule {
            warning: d.warning_threshold,
            breach: d.breach_threshold,
            higher_is_worse: d.direction.higher_is_worse(),
            open_after: d.open_after.max(1),
            close_after: d.close_after.max(1),
        }
    }

    fn level(&self, value: f64) -> Level {
        if past(value, self.breach, self.higher_is_worse) {
            Level::Breach
        } else if past(value, self.warning, self.higher_is_worse) {
            Level::Warning
        } else {
            Level::Ok
        }
    }

    fn worse(&self, a: f64, b: f64) -> f64 {
        if self.higher_is_worse {
            a.max(b)
        } else {
            a.min(b)
        }
    }
}

/// An open episode as the walk sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpisodeState {
    pub opened_at: i64,
    pub last_breach_at: i64,
    pub breaching_windows: i32,
    pub peak: f64,
}

/// Where a series stands between windows.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesState {
    pub level: Level,
    pub breach_streak: i32,
    /// The first window (ms) of the current breaching streak.
    pub breach_started: Option<i64>,
    pub healthy_streak: i32,
    pub open: Option<EpisodeState>,
}

/// One evaluated window: its start and end (ms) and the statistic's value.
#[derive(Debug, Clone, Copy)]
pub struct WindowValue {
    pub start: i64,
    pub end: i64,
    pub value: f64,
}

/// What happened at a window.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Opened(EpisodeState),
    /// The episode as it ended, and the end of the window that closed it.
    Closed(EpisodeState, i64),
    Warning {
        start: i64,
        value: f64,
    },
}

/// Walks windows in order, moving `state` and returning what happened.
pub fn walk(rule: &Rule, state: &mut SeriesState, windows: &[WindowValue]) -> Vec<Event> {
    let mut events = Vec::new();
    for w in windows {
        let level = rule.level(w.value);
        if level == Level::Breach {
            state.breach_streak += 1;
            if state.breach_streak == 1 {
                state.breach_started = Some(w.start);
            }
            state.healthy_streak = 0;
            match &mut state.open {
                Some(open) => {
                    open.last_breach_at = w.start;
                    open.breaching_windows += 1;
                    open.peak = rule.worse(open.peak, w.value);
                }
                None if state.breach_streak >= rule.open_after => {
                    let opened = EpisodeState {
                        // The episode began with the streak's first breaching window.
                        opened_at: state.breach_started.unwrap_or(w.start),
                        last_breach_at: w.start,
                        breaching_windows: state.breach_streak,
                        peak: w.value,
                    };
                    state.open = Some(opened);
                    events.push(Event::Opened(opened));
                }
                None => {}
            }
        } else {
            state.breach_streak = 0;
            state.breach_started = None;
            state.healthy_streak += 1;
            if let Some(open) = state.open
                && state.healthy_streak >= rule.close_after
            {
                events.push(Event::Closed(open, w.end));
                state.open = None;
            }
            let was_healthy = matches!(state.level, Level::Ok | Level::Unknown);
            if level == Level::Warning && was_healthy && state.open.is_none() {
                events.push(Event::Warning {
                    start: w.start,
                    value: w.value,
                });
            }
        }
        state.level = level;
    }
    events
}

/// The figure a window is judged by.
pub fn statistic_value(statistic: Statistic, stats: &WindowStats, bucket: Bucket) -> f64 {
    match statistic {
        Statistic::Mean => stats.mean,
        Statistic::P95 => stats.p95,
        Statistic::Max => stats.max,
        Statistic::Rate => stats.sum / bucket.hours(stats.start),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> Rule {
        Rule {
            warning: Some(0.1),
            breach: Some(0.2),
            higher_is_worse: true,
            open_after: 2,
            close_after: 3,
        }
    }

    fn windows(values: &[f64]) -> Vec<WindowValue> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| WindowValue {
                start: i as i64 * 10,
                end: i as i64 * 10 + 10,
                value: *v,
            })
            .collect()
    }

    fn fresh() -> SeriesState {
        SeriesState {
            level: Level::Unknown,
            breach_streak: 0,
            breach_started: None,
            healthy_streak: 0,
            open: None,
        }
    }

    #[test]
    fn a_sustained_breach_opens_once_and_recovery_closes() {
        let mut state = fresh();
        let events = walk(
            &rule(),
            &mut state,
            &windows(&[0.3, 0.4, 0.5, 0.3, 0.0, 0.0, 0.0]),
        );
        assert_eq!(events.len(), 2);
        let Event::Opened(opened) = events[0] else {
            panic!("opened first")
        };
        assert_eq!((opened.opened_at, opened.breaching_windows), (0, 2));
        let Event::Closed(closed, end) = events[1] else {
            panic!("closed")
        };
        assert_eq!((closed.breaching_windows, closed.peak, end), (4, 0.5, 70));
        assert!(state.open.is_none());
    }

    #[test]
    fn flapping_keeps_one_episode() {
        let mut state = fresh();
        let flapping = [0.3, 0.3, 0.0, 0.3, 0.0, 0.3, 0.0, 0.0, 0.3];
        let events = walk(&rule(), &mut state, &windows(&flapping));
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Opened(_)))
                .count(),
            1
        );
        assert!(!events.iter().any(|e| matches!(e, Event::Closed(..))));
    }

    #[test]
    fn a_warning_notifies_once_per_entry() {
        let mut state = fresh();
        let events = walk(&rule(), &mut state, &windows(&[0.0, 0.15, 0.15, 0.0, 0.12]));
        let warnings: Vec<i64> = events
            .iter()
            .filter_map(|e| match e {
                Event::Warning { start, .. } => Some(*start),
                _ => None,
            })
            .collect();
        assert_eq!(warnings, vec![10, 40]);
    }
}
