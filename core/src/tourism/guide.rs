//! The Du lịch tab's intents beyond one place: the guide's front page
//! (featured tours, events today and this week with their tours), a tour's
//! page, and the "plan my free time" form as the person fills it in (start
//! as a choice, hours as typed), checked and resolved here so the screen
//! only renders.

use serde::Serialize;

use super::{
    events::{EventOn, Tour, TourStop, When},
    facade::{Plan, PlanRequest},
    planner::Mode,
};
use crate::{city, LatLon, MyCity, Place, Problem, Result};

/// An event on the guide's front page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideEvent {
    /// The occurrence.
    pub on: EventOn,
    /// True when it is on today (local time).
    pub today: bool,
    /// The tours that go with it.
    pub tours: Vec<Tour>,
}

/// The guide's front page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Guide {
    /// The pack's tours, as it lists them (its best first).
    pub tours: Vec<Tour>,
    /// Events in the coming week, soonest first.
    pub events: Vec<GuideEvent>,
}

/// A tour's page: its stops with their places.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TourPage {
    /// The tour.
    pub tour: Tour,
    /// Its stops in order; a stop the pack names but no longer holds is left out.
    pub stops: Vec<(TourStop, Place)>,
}

/// Where a plan starts.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// The city's centre.
    Centre,
    /// Where the person is.
    Here(LatLon),
    /// At one of the city's places.
    Place(String),
}

/// The "plan my free time" form as filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanForm {
    /// Where to start.
    pub start: Start,
    /// Free time in hours, as typed (`3`, `1,5`, `2.5`).
    pub hours: String,
    /// Kinds of place wanted (none: everything).
    pub interests: Vec<String>,
    /// How the person moves.
    pub mode: Mode,
}

/// A plan with where it starts (for the map).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRoute {
    /// Where it starts.
    pub start: LatLon,
    /// The plan.
    pub plan: Plan,
}

/// Reads hours typed by a person: a number with `.` or `,`, whole minutes.
fn minutes_of(hours: &str) -> Result<u32> {
    let t = hours.trim().replace(',', ".");
    match t.parse::<f64>() {
        Ok(h) if (0.0..=1000.0).contains(&h) => Ok((h * 60.0).round() as u32),
        _ => Err(Problem::new("plan-hours-unreadable", format!("{:?} is not a number of hours", hours.trim()))
            .field("minutes")
            .into()),
    }
}

impl MyCity {
    /// The guide's front page: tours, and this week's events with their tours.
    pub fn guide(&self) -> Result<Guide> {
        let tours = self.tours()?;
        let (_, end_of_today) = super::events::window(When::Today, city::now(), self.city()?.utc_offset());
        let events = self
            .events_on(When::Week)?
            .into_iter()
            .map(|on| {
                let tours = super::events::tours_for(&tours, &on.event.id).into_iter().cloned().collect();
                GuideEvent { today: on.starts < end_of_today, on, tours }
            })
            .collect();
        Ok(Guide { tours, events })
    }

    /// A tour's page; an unknown id says so.
    pub fn tour(&self, id: &str) -> Result<TourPage> {
        let tour = self.tours()?.into_iter().find(|t| t.id == id).ok_or_else(|| {
            let shown: String = id.chars().take(60).collect();
            Problem::new("tour-unknown", format!("no tour {shown:?} in this city")).arg("id", shown)
        })?;
        let slug = self.city_slug();
        let stops = self.inner.store.read(|c| {
            let mut out = Vec::with_capacity(tour.stops.len());
            for s in &tour.stops {
                if let Some(p) = super::by_id(c, &slug, &s.place_id)? {
                    out.push((s.clone(), p));
                }
            }
            Ok(out)
        })?;
        Ok(TourPage { tour, stops })
    }

    /// [`MyCity::scan_site`] on a blocking thread, for async callers.
    pub async fn scan_site_async(self: std::sync::Arc<Self>, image: Vec<u8>) -> Result<Place> {
        tokio::task::spawn_blocking(move || self.scan_site(&image))
            .await
            .map_err(|e| Problem::new("site-qr-none", format!("scan stopped: {e}")).field("qr"))?
    }

    /// Plans the free time from the form: resolves the start, reads the
    /// hours, and plans from now ([`MyCity::plan_visit`]).
    pub fn plan_free_time(&self, form: &PlanForm) -> Result<PlannedRoute> {
        self.plan_free_time_at(form, city::now())
    }

    /// [`MyCity::plan_free_time`] starting at `start_at` (unix seconds).
    pub fn plan_free_time_at(&self, form: &PlanForm, start_at: i64) -> Result<PlannedRoute> {
        let minutes = minutes_of(&form.hours)?;
        let start = match &form.start {
            Start::Centre => self.city()?.center,
            Start::Here(at) => *at,
            Start::Place(id) => {
                let slug = self.city_slug();
                let p = self.inner.store.read(|c| super::by_id(c, &slug, id))?.ok_or_else(|| {
                    Problem::new("plan-start-unknown", format!("no place {id:?} to start from")).field("start")
                })?;
                LatLon { lat: p.lat, lon: p.lon }
            }
        };
        let req = PlanRequest {
            start,
            start_at,
            minutes,
            interests: form.interests.clone(),
            mode: form.mode,
            round_trip: false,
        };
        Ok(PlannedRoute { start, plan: self.plan_visit(&req)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Error};

    fn open() -> (tempfile::TempDir, MyCity) {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        (dir, core)
    }

    fn problem(e: Error) -> (&'static str, Option<String>) {
        match e {
            Error::Invalid(p) => (p.code, p.field),
            other => panic!("{other:?}"),
        }
    }

    fn form(start: Start, hours: &str) -> PlanForm {
        PlanForm { start, hours: hours.into(), interests: vec![], mode: Mode::Walk }
    }

    /// Sunday 2026-11-29 08:00 in Hà Giang.
    const MORNING: i64 = time::macros::datetime!(2026-11-29 08:00 +7).unix_timestamp();

    #[test]
    fn the_front_page_has_tours_and_events_with_their_tours() {
        let (_d, core) = open();
        let g = core.guide().unwrap();
        assert!(g.tours.len() >= 2);
        assert!(g.events.windows(2).all(|w| w[0].on.starts <= w[1].on.starts));
        let market = g.events.iter().find(|e| e.on.event.id == "ha-giang-cho-phien-dong-van-weekly").unwrap();
        assert!(market.tours.iter().any(|t| t.id == "ha-giang-sunday-market-tour"));
        let page = core.tour(&g.tours[0].id).unwrap();
        assert_eq!(page.stops.len(), page.tour.stops.len(), "every stop is a place of the pack");
        assert_eq!(problem(core.tour("nope").unwrap_err()).0, "tour-unknown");
    }

    #[test]
    fn three_hours_from_the_centre_a_place_or_here() {
        let (_d, core) = open();
        let r = core.plan_free_time_at(&form(Start::Centre, "3"), MORNING).unwrap();
        assert_eq!(r.start, core.city().unwrap().center);
        assert!(r.plan.stops.len() >= 2, "{r:#?}");
        assert!(r.plan.ends_at <= MORNING + 3 * 3600);
        let r = core.plan_free_time_at(&form(Start::Place("ha-giang-km0".into()), "1,5"), MORNING).unwrap();
        assert!(r.plan.ends_at <= MORNING + 90 * 60);
        let here = LatLon { lat: 22.8285, lon: 104.9832 };
        assert_eq!(core.plan_free_time_at(&form(Start::Here(here), "2.5"), MORNING).unwrap().start, here);
    }

    #[test]
    fn bad_hours_or_start_name_the_field() {
        let (_d, core) = open();
        for h in ["0", "48", "abc", "", "-2", "NaN"] {
            let (code, field) = problem(core.plan_free_time_at(&form(Start::Centre, h), MORNING).unwrap_err());
            assert!(code == "plan-budget" || code == "plan-hours-unreadable", "{h}: {code}");
            assert_eq!(field.as_deref(), Some("minutes"));
        }
        let hanoi = Start::Here(LatLon { lat: 21.0285, lon: 105.8542 });
        let (code, field) = problem(core.plan_free_time_at(&form(hanoi, "3"), MORNING).unwrap_err());
        assert_eq!((code, field.as_deref()), ("plan-start-outside", Some("start")));
        let e = core.plan_free_time_at(&form(Start::Place("atlantis".into()), "3"), MORNING).unwrap_err();
        assert_eq!(problem(e).0, "plan-start-unknown");
    }
}
