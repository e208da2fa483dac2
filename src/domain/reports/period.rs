//! The period a report covers: a month (`2026-09`), a quarter (`2026-Q3`), a year (`2026`) or
//! explicit dates (`2026-07-01..2026-09-30`, both days included), in UTC. Each period knows the
//! one before it of the same length, which the board report compares against.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::error::{AppError, AppResult};

/// The longest explicit period (a little over three years, as metric reads allow).
const MAX_DAYS: i64 = 3 * 366;

/// A half-open interval of whole UTC days, `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    /// As given, normalised: `2026-Q3`, `2026-09`, `2026`, `2026-07-01..2026-09-30`.
    pub label: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    #[serde(skip)]
    shape: Shape,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Month,
    Quarter,
    Year,
    Days,
}

fn invalid(value: &str) -> AppError {
    AppError::rule(
        "period",
        "period_format",
        format!(
            "period '{value}' must be a month (2026-09), a quarter (2026-Q3), a year (2026) or dates (2026-07-01..2026-09-30)"
        ),
    )
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_time(chrono::NaiveTime::MIN))
}

fn year_of(text: &str, whole: &str) -> AppResult<i32> {
    let year: i32 = text.parse().map_err(|_| invalid(whole))?;
    if !(1970..=9998).contains(&year) || text.len() != 4 {
        return Err(invalid(whole));
    }
    Ok(year)
}

fn month_start(year: i32, month: u32, whole: &str) -> AppResult<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| invalid(whole))
}

impl Period {
    /// Parses a period as people write it.
    pub fn parse(value: &str) -> AppResult<Period> {
        let text = value.trim();
        if let Some((from, to)) = text.split_once("..") {
            let from =
                NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d").map_err(|_| invalid(value))?;
            let last =
                NaiveDate::parse_from_str(to.trim(), "%Y-%m-%d").map_err(|_| invalid(value))?;
            // The same years as the other shapes: arithmetic on the period never leaves chrono's range.
            if !(1970..=9998).contains(&from.year()) || !(1970..=9998).contains(&last.year()) {
                return Err(invalid(value));
            }
            if last < from {
                return Err(AppError::rule(
                    "period",
                    "before_to",
                    "a period's first day must not be after its last",
                ));
            }
            if (last - from).num_days() >= MAX_DAYS {
                return Err(AppError::rule(
                    "period",
                    "period_too_long",
                    format!("a period may span at most {MAX_DAYS} days"),
                ));
            }
            let to = last.succ_opt().ok_or_else(|| invalid(value))?;
            return Ok(Period::days(from, to));
        }
        let upper = text.to_ascii_uppercase();
        if let Some((year, quarter)) = upper.split_once("-Q") {
            let year = year_of(year, value)?;
            let quarter: u32 = match quarter {
                "1" => 1,
                "2" => 2,
                "3" => 3,
                "4" => 4,
                _ => return Err(invalid(value)),
            };
            return Period::quarter(year, quarter, value);
        }
        if let Some((year, month)) = text.split_once('-') {
            let year = year_of(year, value)?;
            if month.len() != 2 {
                return Err(invalid(value));
            }
            let month: u32 = month.parse().map_err(|_| invalid(value))?;
            return Period::month(year, month, value);
        }
        let year = year_of(text, value)?;
        let from = month_start(year, 1, value)?;
        let to = month_start(year + 1, 1, value)?;
        Ok(Period {
            label: format!("{year}"),
            from: midnight(from),
            to: midnight(to),
            shape: Shape::Year,
        })
    }

    fn month(year: i32, month: u32, whole: &str) -> AppResult<Period> {
        let from = month_start(year, month, whole)?;
        let to = if month == 12 {
            month_start(year + 1, 1, whole)?
        } else {
            month_start(year, month + 1, whole)?
        };
        Ok(Period {
            label: format!("{year}-{month:02}"),
            from: midnight(from),
            to: midnight(to),
            shape: Shape::Month,
        })
    }

    fn quarter(year: i32, quarter: u32, whole: &str) -> AppResult<Period> {
        let from = month_start(year, 3 * quarter - 2, whole)?;
        let to = if quarter == 4 {
            month_start(year + 1, 1, whole)?
        } else {
            month_start(year, 3 * quarter + 1, whole)?
        };
        Ok(Period {
            label: format!("{year}-Q{quarter}"),
            from: midnight(from),
            to: midnight(to),
            shape: Shape::Quarter,
        })
    }

    fn days(from: NaiveDate, to_exclusive: NaiveDate) -> Period {
        let last = to_exclusive.pred_opt().unwrap_or(to_exclusive);
        Period {
            label: format!("{}..{}", from.format("%Y-%m-%d"), last.format("%Y-%m-%d")),
            from: midnight(from),
            to: midnight(to_exclusive),
            shape: Shape::Days,
        }
    }

    /// The calendar quarter holding `now` (the default period).
    pub fn quarter_of(now: DateTime<Utc>) -> Period {
        let quarter = (now.month() - 1) / 3 + 1;
        // A quarter of a valid instant always exists.
        Period::quarter(now.year(), quarter, "")
            .unwrap_or_else(|_| Period::days(now.date_naive(), now.date_naive()))
    }

    /// `value` parsed, or the quarter holding `now` when none is given.
    pub fn parse_or_current(value: Option<&str>, now: DateTime<Utc>) -> AppResult<Period> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(value) => Period::parse(value),
            None => Ok(Period::quarter_of(now)),
        }
    }

    /// The period just before, of the same kind and length.
    pub fn previous(&self) -> Period {
        let start = self.from.date_naive();
        let previous = match self.shape {
            Shape::Month => start
                .pred_opt()
                .and_then(|d| Period::month(d.year(), d.month(), "").ok()),
            Shape::Quarter => start
                .pred_opt()
                .and_then(|d| Period::quarter(d.year(), (d.month() - 1) / 3 + 1, "").ok()),
            Shape::Year => Period::parse(&format!("{}", start.year() - 1)).ok(),
            Shape::Days => None,
        };
        previous.unwrap_or_else(|| {
            let length = self.to - self.from;
            Period::days((self.from - length).date_naive(), self.from.date_naive())
        })
    }

    /// Whether `at` falls in the period.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.to
    }

    /// Whole days in the period.
    pub fn days_long(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// The last instant to read data at: the period's end, or `now` while the period is running.
    pub fn read_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.to
            .min(now + Duration::seconds(1))
            .max(self.from + Duration::seconds(1))
    }

    /// The label with its dates, as printed: `2026-Q3 (2026-07-01 to 2026-09-30)`.
    pub fn describe(&self) -> String {
        let last = (self.to - Duration::days(1)).format("%Y-%m-%d");
        if self.shape == Shape::Days {
            format!("{} to {last}", self.from.format("%Y-%m-%d"))
        } else {
            format!(
                "{} ({} to {last})",
                self.label,
                self.from.format("%Y-%m-%d")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> DateTime<Utc> {
        midnight(NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date"))
    }

    #[test]
    fn parses_each_shape() {
        let q = Period::parse("2026-q3").expect("quarter");
        assert_eq!(
            (q.label.as_str(), q.from, q.to),
            ("2026-Q3", day("2026-07-01"), day("2026-10-01"))
        );
        let m = Period::parse("2026-12").expect("month");
        assert_eq!((m.from, m.to), (day("2026-12-01"), day("2027-01-01")));
        let y = Period::parse("2025").expect("year");
        assert_eq!((y.from, y.to), (day("2025-01-01"), day("2026-01-01")));
        let d = Period::parse("2026-07-01..2026-07-10").expect("days");
        assert_eq!(
            (d.from, d.to, d.days_long()),
            (day("2026-07-01"), day("2026-07-11"), 10)
        );
    }

    #[test]
    fn refuses_nonsense_with_the_field() {
        for bad in [
            "2026-Q5",
            "2026-13",
            "26",
            "2026-07-10..2026-07-01",
            "soon",
            "2026-7",
        ] {
            let err = Period::parse(bad).expect_err(bad);
            assert_eq!(err.field_and_rule().0, Some("period"), "{bad}");
        }
    }

    #[test]
    fn previous_periods_have_the_same_shape() {
        assert_eq!(
            Period::parse("2026-Q1").expect("q").previous().label,
            "2025-Q4"
        );
        assert_eq!(
            Period::parse("2026-03").expect("m").previous().label,
            "2026-02"
        );
        assert_eq!(Period::parse("2026").expect("y").previous().label, "2025");
        let d = Period::parse("2026-07-11..2026-07-20")
            .expect("d")
            .previous();
        assert_eq!(d.label, "2026-07-01..2026-07-10");
    }
}
