//! The city's public scorecard (`GET /api/v1/cities/{slug}/scorecard?from=&to=`):
//! how it handled the reports received over a period, overall, per category
//! and per month. The server computes it; the app shows it against the
//! city's targets.
//!
//! Definitions, the same on both sides:
//! - **received**: reports requested in `[from, to)`, dates in the city's time;
//! - **first answer**: the first update by the city's staff after the report
//!   (every status change away from `open` is a staff update);
//! - **fixed**: the first staff update that says the work is done, `fixed` or
//!   `closed` (the statuses a citizen may reopen, [`crate::Status::citizen_may_reopen`]);
//!   a report passed on or refused is answered but never fixed;
//! - **answered within target**: first answer within the category's
//!   `target_days`; a report still waiting whose target has not passed yet is
//!   left out, one waiting past it counts as missed;
//! - **reopened**: of the fixed reports, the share a citizen reopened;
//! - **satisfaction**: of the reporters' 1–5 ratings, the share of 4 and 5, and the mean.

use serde::{Deserialize, Serialize};

/// Share of reports the city means to answer within their target.
pub const TARGET_SHARE: f64 = 0.85;

/// Months back from today the server covers when no period is asked.
pub const DEFAULT_MONTHS: u32 = 6;

/// A name in both languages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Name {
    /// Vietnamese.
    pub vi: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

/// The figures of one slice of reports (the city, a category or a month).
/// Shares are 0–1; `None` where there is nothing to count yet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    /// Reports received.
    pub received: u32,
    /// Reports the city answered (at any time).
    pub answered: u32,
    /// Share answered within the category's target.
    pub within_target: Option<f64>,
    /// Median days from the report to its first answer.
    pub first_answer_median_days: Option<f64>,
    /// 90th percentile of the same.
    pub first_answer_p90_days: Option<f64>,
    /// Reports fixed.
    pub fixed: u32,
    /// Median days from the report to fixed.
    pub fixed_median_days: Option<f64>,
    /// 90th percentile of the same.
    pub fixed_p90_days: Option<f64>,
    /// Of the fixed reports, the share a citizen reopened.
    pub reopened: Option<f64>,
    /// Ratings given.
    pub ratings: u32,
    /// Share of ratings 4 or 5.
    pub satisfied: Option<f64>,
    /// Mean rating, 1–5.
    pub rating_mean: Option<f64>,
}

/// One category's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryFigures {
    /// The category's code.
    pub code: String,
    /// Its name.
    pub name: Name,
    /// Days the city gives itself for it.
    pub target_days: u32,
    /// Its figures.
    pub figures: Figures,
}

/// One month's figures (reports received that month).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthFigures {
    /// `YYYY-MM`, in the city's time.
    pub month: String,
    /// Its figures.
    pub figures: Figures,
}

/// The whole scorecard of a city over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// The city's slug.
    pub city: String,
    /// First day, `YYYY-MM-DD` (included).
    pub from: String,
    /// Last day, `YYYY-MM-DD` (excluded).
    pub to: String,
    /// When the server computed it, RFC 3339.
    pub generated_at: String,
    /// The city's own answer target in days (the default of its categories).
    pub target_days: u32,
    /// The share it means to answer within target.
    pub target_share: f64,
    /// Every report of the period.
    pub overall: Figures,
    /// Per category, in the pack's order; categories with no report are left out.
    pub categories: Vec<CategoryFigures>,
    /// Per month, oldest first, every month of the period (empty months included).
    pub months: Vec<MonthFigures>,
}

/// The `q`-quantile (0–1) of `values` by nearest rank, reordering them;
/// `None` for none. Nearest rank keeps the answer one of the values, so a
/// median of whole days is a whole day.
pub fn quantile(values: &mut [f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = ((q.clamp(0.0, 1.0) * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1;
    let (_, v, _) = values.select_nth_unstable_by(rank, f64::total_cmp);
    Some(*v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_by_nearest_rank() {
        let mut v = [5.0, 1.0, 3.0, 2.0, 4.0];
        assert_eq!(quantile(&mut v, 0.5), Some(3.0));
        assert_eq!(quantile(&mut v, 0.9), Some(5.0));
        let mut ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile(&mut ten, 0.9), Some(9.0));
        assert_eq!(quantile(&mut ten, 0.5), Some(5.0));
        assert_eq!(quantile(&mut [], 0.5), None);
        assert_eq!(quantile(&mut [7.0], 0.0), Some(7.0));
    }

    #[test]
    fn a_scorecard_round_trips_with_missing_optional_figures() {
        let card = Scorecard {
            city: "ha-giang".into(),
            from: "2026-06-01".into(),
            to: "2026-12-01".into(),
            generated_at: "2026-11-29T10:00:00+07:00".into(),
            target_days: 7,
            target_share: TARGET_SHARE,
            overall: Figures { received: 3, answered: 2, within_target: Some(0.5), ..Default::default() },
            categories: vec![],
            months: vec![MonthFigures { month: "2026-06".into(), figures: Figures::default() }],
        };
        let json = serde_json::to_string(&card).unwrap();
        assert_eq!(serde_json::from_str::<Scorecard>(&json).unwrap(), card);
    }
}
