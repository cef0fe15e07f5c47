//! The city's public scorecard (issue 16): how it handled the reports of the
//! last six months, from its server (`GET /api/v1/cities/{slug}/scorecard`,
//! with an ETag), kept in the store for offline reading with its age.
//!
//! [`view`] makes every decision the screen shows: the headline figures
//! against the city's targets (an answer within 7 days, 85 % of reports
//! answered within target) with "met" or "missed", the categories doing
//! worst, the month-by-month series and its SVG chart, all in the person's
//! language. The figures' definitions are the protocol's
//! ([`mycity_protocol::scorecard`]).

use mycity_protocol::scorecard::{Figures, Scorecard};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::{api::Fetched, city::now, Error, Lang, MyCity, Result, Texts};

/// Figures older than this (seconds) are flagged as old: the server's
/// figures move daily.
pub const STALE_AFTER_S: i64 = 24 * 3600;

/// How many of the worst categories the screen lists.
pub const WORST: usize = 3;

/// A category needs this many judged reports before it is ranked: two late
/// answers out of two say little about a category.
pub const MIN_TO_RANK: u32 = 5;

/// One headline figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Headline {
    /// Stable id (`within`, `first-answer`, `fixed`, `satisfied`, `reopened`), for tests and styling.
    pub id: &'static str,
    /// What it is, in words.
    pub label: String,
    /// The figure ("88 %", "2,6 ngày"); "—" when nothing was counted.
    pub value: String,
    /// A second figure beside it (the 90th percentile, the mean rating).
    pub detail: Option<String>,
    /// The target, in words, when the city set one.
    pub target: Option<String>,
    /// Against the target: `Some(true)` met, `Some(false)` missed, `None` no target or no figure.
    pub met: Option<bool>,
}

/// One of the categories doing worst.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryRow {
    /// Its code.
    pub code: String,
    /// Its name in the person's language.
    pub name: String,
    /// Share answered within its target ("62 %").
    pub value: String,
    /// Reports and median time to first answer, in words.
    pub detail: String,
    /// Whether it meets the city's share.
    pub met: bool,
}

/// One month of the series.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthPoint {
    /// `YYYY-MM`.
    pub month: String,
    /// Its short name ("T6", "Jun").
    pub label: String,
    /// Reports received that month.
    pub received: u32,
    /// Share answered within target, 0–1.
    pub within_target: Option<f64>,
    /// Against the city's share.
    pub met: Option<bool>,
}

/// What the scorecard screen shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScorecardView {
    /// The period in words ("từ 01/06/2026 đến 29/11/2026").
    pub period: String,
    /// Reports received, in words.
    pub received: String,
    /// The headline figures, the ones with a target first.
    pub headlines: Vec<Headline>,
    /// The categories doing worst, worst first.
    pub worst: Vec<CategoryRow>,
    /// Every month of the period, oldest first.
    pub months: Vec<MonthPoint>,
    /// The months as a bar chart of the share answered within target, with the target line.
    pub chart_svg: String,
    /// When the figures came from the server (unix seconds).
    pub fetched_at: i64,
    /// "cập nhật 3 giờ trước".
    pub age: String,
    /// True when the figures are older than [`STALE_AFTER_S`] or the last ask failed.
    pub stale: bool,
    /// True when the last ask of the server failed (offline): the stored figures are shown.
    pub offline: bool,
}

/// A decimal the language's way: `2,6` in Vietnamese, `2.6` in English.
fn decimal(t: &Texts, x: f64) -> String {
    let s = format!("{:.1}", x);
    let s = s.strip_suffix(".0").map(str::to_owned).unwrap_or(s);
    match t.lang() {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

fn percent(t: &Texts, share: f64) -> String {
    t.args("scorecard-percent", &[("n", &format!("{:.0}", share * 100.0))])
}

fn days(t: &Texts, d: f64) -> String {
    t.args("scorecard-days", &[("n", &decimal(t, d))])
}

const NONE: &str = "—";

/// The headline figures of `f` against the city's `target_days` and `target_share`.
pub fn headlines(f: &Figures, target_days: u32, target_share: f64, t: &Texts) -> Vec<Headline> {
    let target_days_f = f64::from(target_days);
    vec![
        Headline {
            id: "within",
            label: t.get("scorecard-within"),
            value: f.within_target.map_or(NONE.into(), |s| percent(t, s)),
            detail: None,
            target: Some(t.args("scorecard-target-share", &[("share", &percent(t, target_share))])),
            met: f.within_target.map(|s| s >= target_share),
        },
        Headline {
            id: "first-answer",
            label: t.get("scorecard-first-answer"),
            value: f.first_answer_median_days.map_or(NONE.into(), |d| days(t, d)),
            detail: f.first_answer_p90_days.map(|d| t.args("scorecard-p90", &[("days", &days(t, d))])),
            target: Some(t.args("scorecard-target-days", &[("days", &days(t, target_days_f))])),
            met: f.first_answer_median_days.map(|d| d <= target_days_f),
        },
        Headline {
            id: "fixed",
            label: t.get("scorecard-fixed"),
            value: f.fixed_median_days.map_or(NONE.into(), |d| days(t, d)),
            detail: f.fixed_p90_days.map(|d| t.args("scorecard-p90", &[("days", &days(t, d))])),
            target: None,
            met: None,
        },
        Headline {
            id: "satisfied",
            label: t.get("scorecard-satisfied"),
            value: f.satisfied.map_or(NONE.into(), |s| percent(t, s)),
            detail: f
                .rating_mean
                .map(|m| t.args("scorecard-mean", &[("mean", &decimal(t, m)), ("n", &t.number(i64::from(f.ratings)))])),
            target: None,
            met: None,
        },
        Headline {
            id: "reopened",
            label: t.get("scorecard-reopened"),
            value: f.reopened.map_or(NONE.into(), |s| percent(t, s)),
            detail: Some(t.args("scorecard-of-fixed", &[("n", &t.number(i64::from(f.fixed)))])),
            target: None,
            met: None,
        },
    ]
}

/// The categories doing worst: lowest share answered within target first,
/// then the slowest median answer; only those with [`MIN_TO_RANK`] reports.
pub fn worst(card: &Scorecard, t: &Texts) -> Vec<CategoryRow> {
    let mut ranked: Vec<_> = card
        .categories
        .iter()
        .filter(|c| c.figures.received >= MIN_TO_RANK)
        .filter_map(|c| c.figures.within_target.map(|s| (s, c)))
        .collect();
    ranked.sort_by(|(a, ca), (b, cb)| {
        let slow = |c: &&mycity_protocol::scorecard::CategoryFigures| c.figures.first_answer_median_days.unwrap_or(0.0);
        a.total_cmp(b).then(slow(cb).total_cmp(&slow(ca))).then(ca.code.cmp(&cb.code))
    });
    ranked
        .into_iter()
        .take(WORST)
        .map(|(share, c)| {
            let name = match t.lang() {
                Lang::En if !c.name.en.is_empty() => c.name.en.clone(),
                _ => c.name.vi.clone(),
            };
            let median = c.figures.first_answer_median_days.map_or(NONE.into(), |d| days(t, d));
            CategoryRow {
                code: c.code.clone(),
                name,
                value: percent(t, share),
                detail: t.args(
                    "scorecard-category-detail",
                    &[("n", &t.number(i64::from(c.figures.received))), ("days", &median)],
                ),
                met: share >= card.target_share,
            }
        })
        .collect()
}

/// Every month of the card with its short name and decision.
pub fn months(card: &Scorecard, t: &Texts) -> Vec<MonthPoint> {
    card.months
        .iter()
        .map(|m| {
            let number = m.month.get(5..7).and_then(|n| n.parse::<u8>().ok()).unwrap_or(0);
            MonthPoint {
                month: m.month.clone(),
                label: t.args("scorecard-month", &[("m", &number.to_string())]),
                received: m.figures.received,
                within_target: m.figures.within_target,
                met: m.figures.within_target.map(|s| s >= card.target_share),
            }
        })
        .collect()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Colours of a bar: met, missed, nothing counted.
const MET: &str = "#2e7d32";
const MISSED: &str = "#c62828";
const EMPTY: &str = "#9aa3ad";

/// A bar chart of the share answered within target per month, with the
/// target as a dashed line (behind the bars) labelled in the left margin; `label` is its
/// accessible name. Each bar carries its share inside its top (white on the
/// bar's colour, so it never crosses the target line), the month and the
/// reports received below. 320 × 150 user units, scaled by the page.
pub fn chart_svg(points: &[MonthPoint], target_share: f64, label: &str, t: &Texts) -> String {
    const W: f64 = 320.0;
    const LEFT: f64 = 34.0;
    const TOP: f64 = 12.0;
    const PLOT: f64 = 100.0;
    let base = TOP + PLOT;
    let n = points.len().max(1) as f64;
    let slot = (W - LEFT) / n;
    let bar = (slot * 0.7).min(44.0);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} 150\" role=\"img\" aria-label=\"{l}\" \
         class=\"scorecard-chart\"><title>{l}</title>",
        l = escape(label)
    );
    svg.push_str(&format!("<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{W}\" y2=\"{base}\" stroke=\"#c5cbd3\"/>"));
    // The target first, so a bar above it covers the line, not its own figure.
    let y = base - target_share.clamp(0.0, 1.0) * PLOT;
    svg.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{W}\" y2=\"{y:.1}\" stroke=\"#1b2330\" stroke-dasharray=\"4 3\"/>\
         <text x=\"0\" y=\"{:.1}\" font-size=\"10\" fill=\"#1b2330\">{}</text>",
        y + 3.5,
        escape(&percent(t, target_share))
    ));
    for (i, p) in points.iter().enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        let share = p.within_target.unwrap_or(0.0).clamp(0.0, 1.0);
        let h = (share * PLOT).max(if p.within_target.is_some() { 2.0 } else { 0.0 });
        let colour = match p.met {
            Some(true) => MET,
            Some(false) => MISSED,
            None => EMPTY,
        };
        svg.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" rx=\"2\" fill=\"{colour}\"/>",
            cx - bar / 2.0,
            base - h
        ));
        let value = p.within_target.map_or(NONE.into(), |s| format!("{:.0}", s * 100.0));
        // Inside the bar when it is tall enough, else just above it.
        let (y, ink) = if h >= 20.0 { (base - h + 14.0, "#fff") } else { (base - h - 4.0, "#1b2330") };
        svg.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{y:.1}\" font-size=\"11\" font-weight=\"700\" text-anchor=\"middle\" \
             fill=\"{ink}\">{}</text>",
            escape(&value)
        ));
        svg.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4a5563\">{}</text>",
            base + 14.0,
            escape(&p.label)
        ));
        svg.push_str(&format!(
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#6b7684\">{}</text>",
            base + 27.0,
            escape(&t.number(i64::from(p.received)))
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A `YYYY-MM-DD` date as the language writes it (29/11/2026, 29 Nov 2026).
fn day(t: &Texts, d: &str) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(d, fmt).map(|d| t.date(d)).unwrap_or_else(|_| d.to_owned())
}

/// Everything the screen shows, from the stored card, as of `now`.
pub fn view(card: &Scorecard, fetched_at: i64, offline: bool, t: &Texts, now: i64) -> ScorecardView {
    let points = months(card, t);
    // `to` is the day after the last; people read the last day.
    let last = time::Date::parse(&card.to, time::macros::format_description!("[year]-[month]-[day]"))
        .ok()
        .and_then(|d| d.previous_day())
        .map_or_else(|| card.to.clone(), |d| t.date(d));
    ScorecardView {
        period: t.args("scorecard-period", &[("from", &day(t, &card.from)), ("to", &last)]),
        received: t.args("scorecard-received", &[("n", &card.overall.received.to_string())]),
        headlines: headlines(&card.overall, card.target_days, card.target_share, t),
        worst: worst(card, t),
        chart_svg: chart_svg(&points, card.target_share, &t.get("scorecard-chart"), t),
        months: points,
        fetched_at,
        age: t.args("age-updated", &[("age", &t.age_at(fetched_at, now))]),
        stale: offline || now - fetched_at > STALE_AFTER_S,
        offline,
    }
}

/// The stored card of `city`: (card, fetched_at, last ask failed), if one came.
pub fn stored(conn: &Connection, city: &str) -> Result<Option<(Scorecard, i64, bool)>> {
    let row: Option<(Option<String>, Option<i64>, Option<String>)> = conn
        .query_row("SELECT body, fetched_at, last_error FROM scorecards WHERE city = ?1", [city], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((Some(body), Some(at), error)) = row else { return Ok(None) };
    // A body this build cannot read (an older server, a newer format) is as good as none.
    Ok(serde_json::from_str(&body).ok().map(|card| (card, at, error.is_some())))
}

fn etag(conn: &Connection, city: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT etag FROM scorecards WHERE city = ?1", [city], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Keeps a card the server gave.
pub fn store_card(tx: &Transaction<'_>, city: &str, body: &str, etag: Option<&str>, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO scorecards (city, body, etag, fetched_at, attempted_at) VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (city) DO UPDATE SET body = excluded.body, etag = excluded.etag,
             fetched_at = excluded.fetched_at, attempted_at = excluded.attempted_at, last_error = NULL",
        params![city, body, etag, now],
    )?;
    Ok(())
}

/// Notes an ask: `error` when it failed; an unchanged card (304) counts as fresh.
fn note_attempt(tx: &Transaction<'_>, city: &str, error: Option<&str>, now: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO scorecards (city, attempted_at, last_error) VALUES (?1, ?2, ?3)
         ON CONFLICT (city) DO UPDATE SET attempted_at = excluded.attempted_at, last_error = excluded.last_error,
             fetched_at = CASE WHEN excluded.last_error IS NULL THEN excluded.attempted_at ELSE fetched_at END",
        params![city, now, error],
    )?;
    Ok(())
}

impl MyCity {
    /// The current city's scorecard as stored, ready to show (offline);
    /// `None` until one came from the server.
    pub fn scorecard(&self) -> Result<Option<ScorecardView>> {
        let slug = self.city_slug();
        let t = self.texts();
        let stored = self.inner.store.read(|c| stored(c, &slug))?;
        Ok(stored.map(|(card, at, offline)| view(&card, at, offline, &t, now())))
    }

    /// Asks the current city's server for its scorecard (conditionally, with
    /// the stored ETag); returns whether new figures were stored. When it
    /// fails, the stored figures stay and [`ScorecardView::offline`] says so.
    pub async fn refresh_scorecard(&self) -> Result<bool> {
        let slug = self.city_slug();
        let store = &self.inner.store;
        let api = self.api_for(&slug)?;
        let tag = store.read(|c| etag(c, &slug))?;
        let fetched = api.get_if_changed(&format!("/api/v1/cities/{slug}/scorecard"), tag.as_deref()).await;
        self.inner.sync.note_connection(fetched.as_ref().map(|_| ()));
        let now = now();
        match fetched {
            Ok(Fetched::NotModified) => {
                store.write(|tx| note_attempt(tx, &slug, None, now))?;
                Ok(false)
            }
            Ok(Fetched::Body { body, etag }) => {
                if let Err(e) = serde_json::from_str::<Scorecard>(&body) {
                    let e = Error::Server {
                        status: 200,
                        message: format!("scorecard does not read: {e}"),
                        retry_after_s: None,
                    };
                    store.write(|tx| note_attempt(tx, &slug, Some(&e.to_string()), now))?;
                    return Err(e);
                }
                store.write(|tx| store_card(tx, &slug, &body, etag.as_deref(), now))?;
                Ok(true)
            }
            Err(e) => {
                let msg = e.to_string();
                store.write(|tx| note_attempt(tx, &slug, Some(&msg), now))?;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use mycity_protocol::scorecard::{CategoryFigures, MonthFigures, Name, TARGET_SHARE};

    use super::*;
    use crate::store::Store;

    fn figures(received: u32, within: Option<f64>, median: Option<f64>) -> Figures {
        Figures {
            received,
            answered: received,
            within_target: within,
            first_answer_median_days: median,
            first_answer_p90_days: median.map(|m| m * 3.0),
            fixed: received / 2,
            fixed_median_days: Some(6.1),
            fixed_p90_days: Some(15.0),
            reopened: Some(0.07),
            ratings: 40,
            satisfied: Some(0.712),
            rating_mean: Some(3.94),
        }
    }

    fn category(code: &str, received: u32, within: f64, median: f64) -> CategoryFigures {
        CategoryFigures {
            code: code.into(),
            name: Name { vi: format!("{code} vi"), en: format!("{code} en") },
            target_days: 7,
            figures: figures(received, Some(within), Some(median)),
        }
    }

    fn card() -> Scorecard {
        Scorecard {
            city: "ha-giang".into(),
            from: "2026-06-01".into(),
            to: "2026-11-30".into(),
            generated_at: "2026-11-29T10:00:00+07:00".into(),
            target_days: 7,
            target_share: TARGET_SHARE,
            overall: figures(400, Some(0.826), Some(2.6)),
            categories: vec![
                category("pothole", 90, 0.9, 2.0),
                category("tree", 40, 0.61, 4.0),
                category("waste", 80, 0.61, 5.5),
                category("flooding", 4, 0.1, 9.0),
                category("street-light", 70, 0.8, 3.0),
            ],
            months: vec![
                MonthFigures { month: "2026-06".into(), figures: figures(60, Some(0.9), Some(2.0)) },
                MonthFigures { month: "2026-07".into(), figures: figures(70, Some(0.7), Some(3.0)) },
                MonthFigures { month: "2026-08".into(), figures: Figures::default() },
            ],
        }
    }

    #[test]
    fn headlines_are_judged_against_seven_days_and_85_percent() {
        let t = Texts::new(Lang::Vi);
        let h = headlines(&card().overall, 7, TARGET_SHARE, &t);
        let ids: Vec<_> = h.iter().map(|h| h.id).collect();
        assert_eq!(ids, ["within", "first-answer", "fixed", "satisfied", "reopened"]);
        assert_eq!((h[0].value.as_str(), h[0].met), ("83 %", Some(false)), "82.6 % is under 85 %");
        assert_eq!((h[1].value.as_str(), h[1].met), ("2,6 ngày", Some(true)));
        assert_eq!(h[1].detail.as_deref(), Some("90 % trong vòng 7,8 ngày"));
        assert_eq!(h[2].met, None, "no target for fixing");
        assert_eq!(h[3].detail.as_deref(), Some("trung bình 3,9/5 qua 40 đánh giá"));
        let en = headlines(&card().overall, 7, TARGET_SHARE, &Texts::new(Lang::En));
        assert_eq!((en[0].value.as_str(), en[1].value.as_str()), ("83%", "2.6 days"));
        assert_eq!(en[0].target.as_deref(), Some("target 85%"));
        let nothing = headlines(&Figures::default(), 7, TARGET_SHARE, &t);
        assert!(nothing.iter().all(|h| h.met.is_none() && h.value == "—"));
        // Exactly on target is met.
        let on = Figures { within_target: Some(0.85), first_answer_median_days: Some(7.0), ..Default::default() };
        assert!(headlines(&on, 7, TARGET_SHARE, &t)[..2].iter().all(|h| h.met == Some(true)));
    }

    #[test]
    fn worst_categories_come_lowest_share_then_slowest_and_small_ones_wait() {
        let t = Texts::new(Lang::En);
        let w = worst(&card(), &t);
        let codes: Vec<_> = w.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["waste", "tree", "street-light"], "flooding has too few reports to rank");
        assert_eq!((w[0].name.as_str(), w[0].value.as_str(), w[0].met), ("waste en", "61%", false));
        assert_eq!(w[0].detail, "80 reports · first answer in 5.5 days (median)");
    }

    #[test]
    fn months_and_chart_show_each_month_against_the_target() {
        let t = Texts::new(Lang::Vi);
        let m = months(&card(), &t);
        assert_eq!(m.iter().map(|m| m.label.as_str()).collect::<Vec<_>>(), ["T6", "T7", "T8"]);
        assert_eq!(m.iter().map(|m| m.met).collect::<Vec<_>>(), [Some(true), Some(false), None]);
        let svg = chart_svg(&m, TARGET_SHARE, "a <chart>", &t);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(MET) && svg.contains(MISSED) && svg.contains(EMPTY));
        assert!(svg.contains("a &lt;chart&gt;"), "labels are escaped");
        assert!(svg.contains(">85 %</text>"), "the target line is labelled");
        let en = months(&card(), &Texts::new(Lang::En));
        assert_eq!(en[0].label, "Jun");
    }

    #[test]
    fn stored_cards_read_offline_with_their_age_and_failures_flag_them() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.read(|c| stored(c, "ha-giang")).unwrap(), None);
        let body = serde_json::to_string(&card()).unwrap();
        let t0 = 1_796_000_000;
        store.write(|tx| store_card(tx, "ha-giang", &body, Some("\"sc-1\""), t0)).unwrap();
        let (c, at, offline) = store.read(|c| stored(c, "ha-giang")).unwrap().unwrap();
        assert_eq!((c, at, offline), (card(), t0, false));
        assert_eq!(store.read(|c| etag(c, "ha-giang")).unwrap().as_deref(), Some("\"sc-1\""));
        let t = Texts::new(Lang::Vi);
        let v = view(&card(), at, offline, &t, t0 + 3 * 3600);
        assert_eq!(v.age, "cập nhật 3 giờ trước");
        assert_eq!(v.period, "từ 01/06/2026 đến 29/11/2026");
        assert!(!v.stale);
        // Offline: the failure is noted, the figures and their time stay.
        store.write(|tx| note_attempt(tx, "ha-giang", Some("network"), t0 + 7200)).unwrap();
        let (_, at, offline) = store.read(|c| stored(c, "ha-giang")).unwrap().unwrap();
        assert_eq!((at, offline), (t0, true));
        assert!(view(&card(), at, offline, &t, t0 + 7200).stale);
        // A 304 later: the same figures, fresh again.
        store.write(|tx| note_attempt(tx, "ha-giang", None, t0 + 90_000)).unwrap();
        let (_, at, offline) = store.read(|c| stored(c, "ha-giang")).unwrap().unwrap();
        assert_eq!((at, offline), (t0 + 90_000, false));
        // A failure before any card: still nothing to show.
        store.write(|tx| note_attempt(tx, "vinh", Some("network"), t0)).unwrap();
        assert_eq!(store.read(|c| stored(c, "vinh")).unwrap(), None);
    }
}
