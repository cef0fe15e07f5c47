//! The tourism intents on [`MyCity`]: one method per thing a screen asks.

use std::collections::HashMap;

use serde::Serialize;

use super::{
    events::{self, EventOn, Tour, When},
    hours::{self, OpenState},
    narration, planner, ratings, site,
};
use crate::{city, Error, LatLon, MyCity, Place, Problem, Result};

/// How a list of places is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// As the pack lists them (best sights first); search results by relevance.
    #[default]
    Pack,
    /// Nearest to [`Browse::near`] first.
    Nearest,
}

/// What the places list asks for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Browse {
    /// Words to search (folded); empty lists everything.
    pub query: String,
    /// Only this kind (`market`, `museum`…).
    pub kind: Option<String>,
    /// Only places open now (hours known and open, in the city's time zone).
    pub open_now: bool,
    /// Where the person is: distances, and the order with [`Order::Nearest`].
    pub near: Option<LatLon>,
    /// Order.
    pub order: Order,
    /// First row of the page.
    pub offset: usize,
    /// Rows per page (1–100).
    pub limit: usize,
}

/// One row of the places list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceRow {
    /// The place.
    pub place: Place,
    /// Metres from [`Browse::near`].
    pub distance_m: Option<f64>,
    /// Open now?
    pub open: OpenState,
    /// Stars on average and how many rated, from the server's last sums.
    pub rating: Option<(f64, u32)>,
}

/// A page of places.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// The rows.
    pub rows: Vec<PlaceRow>,
    /// How many places match in all.
    pub total: usize,
    /// The next page's offset, if there is one.
    pub next_offset: Option<usize>,
}

/// Everything a place's page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceDetail {
    /// The place.
    pub place: Place,
    /// Open now?
    pub open: OpenState,
    /// Minutes a visit usually takes.
    pub visit_minutes: u32,
    /// Ratings.
    pub rating: ratings::Summary,
    /// What its QR code says.
    pub qr_payload: String,
    /// The web form of it.
    pub web_link: String,
    /// Events there in the coming week.
    pub events: Vec<EventOn>,
    /// The narration in the person's language.
    pub narration: String,
}

/// What the planner is asked.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct PlanRequest {
    /// Where the visitor starts.
    pub start: LatLon,
    /// When (unix seconds).
    pub start_at: i64,
    /// Minutes free (15 min to 16 h).
    pub minutes: u32,
    /// Kinds the visitor cares about (empty: everything).
    #[serde(default)]
    pub interests: Vec<String>,
    /// How they move.
    pub mode: planner::Mode,
    /// Whether they must end where they started.
    #[serde(default)]
    pub round_trip: bool,
}

/// A stop of a plan, with clock times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanStop {
    /// The place.
    pub place: Place,
    /// Minutes on the way from the previous stop (or the start).
    pub travel_min: u32,
    /// Arrival (unix seconds).
    pub arrive: i64,
    /// Visit begins (after waiting for opening).
    pub begin: i64,
    /// Leave.
    pub leave: i64,
}

/// A plan for the free time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Stops in order.
    pub stops: Vec<PlanStop>,
    /// Interest gathered.
    pub score: f64,
    /// When the visitor is done (back at the start for a round trip).
    pub ends_at: i64,
    /// Minutes used of the budget.
    pub minutes: u32,
}

/// A narration to start.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Narration {
    /// The place.
    pub place_id: String,
    /// Its name in the person's language.
    pub name: String,
    /// What to read aloud (and show).
    pub text: String,
}

/// Narration over one tour: feed it GPS fixes; it says when to narrate.
pub struct Narrator {
    places: Vec<Place>,
    trigger: narration::Trigger,
    lang: crate::Lang,
}

impl Narrator {
    /// Feeds a fix (`t` in seconds); returns the narrations to start now.
    pub fn push(&mut self, t: f64, at: LatLon) -> Vec<Narration> {
        let out = self.trigger.push(narration::Fix { t, at });
        out.start
            .into_iter()
            .map(|i| {
                let p = &self.places[i];
                let lang = self.lang.code();
                let text = if p.narration.get(lang).trim().is_empty() {
                    p.description.get(lang)
                } else {
                    p.narration.get(lang)
                };
                Narration { place_id: p.id.clone(), name: p.name.get(lang).to_owned(), text: text.to_owned() }
            })
            .collect()
    }
}

/// Entry radius of a site, by kind (a market sprawls; a marker does not).
fn radius_m(kind: &str) -> f64 {
    match kind {
        "nature" | "viewpoint" | "beach" | "park" => 150.0,
        "market" | "craft-village" | "relic" => 80.0,
        _ => 50.0,
    }
}

/// Interest of a place for the planner; 0 = never planned.
fn interest(p: &Place, position: usize, interests: &[String], rating: Option<&(u32, f64)>) -> f64 {
    if super::usual_minutes(&p.kind) == 0 && p.visit_minutes.unwrap_or(0) == 0 {
        return 0.0;
    }
    let mut s = if interests.is_empty() || interests.contains(&p.kind) { 3.0 } else { 1.0 };
    if position < 10 {
        s += 0.5; // packs list their best sights first
    }
    if let Some((n, avg)) = rating {
        if *n >= 3 {
            s += (avg - 3.0) * 0.3;
        }
    }
    s.max(0.1)
}

impl MyCity {
    fn tours_events(&self) -> Result<(Vec<Tour>, Vec<events::Event>)> {
        let slug = self.city_slug();
        let extra: String = self
            .inner
            .store
            .read(|c| Ok(c.query_row("SELECT extra FROM cities WHERE slug = ?1", [&slug], |r| r.get(0))?))?;
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&extra).map_err(|e| Error::Storage(format!("stored pack extras: {e}")))?;
        Ok(events::from_extra(&map))
    }

    /// The places list: search or everything, by kind, open now, nearest
    /// first or pack order, a page at a time.
    pub fn browse(&self, b: &Browse) -> Result<Page> {
        let slug = self.city_slug();
        let offset = self.city()?.utc_offset();
        let (day, minute) = hours::local(city::now(), offset);
        if let Some(at) = b.near {
            if !(at.lat.is_finite() && at.lon.is_finite()) {
                return Err(Problem::new("near-invalid", "a position is needed").into());
            }
        }
        let (places, agg) = self.inner.store.read(|c| {
            let places = if b.query.trim().is_empty() {
                super::all(c, &slug)?
            } else {
                super::search(c, &slug, &b.query, super::MAX_RESULTS)?
            };
            Ok((places, ratings::aggregates(c, &slug)?))
        })?;
        let mut rows: Vec<PlaceRow> = places
            .into_iter()
            .filter(|p| b.kind.as_deref().is_none_or(|k| k.is_empty() || p.kind == k))
            .map(|p| {
                let open = hours::open_state(p.opening_hours.as_deref(), day, minute);
                let distance_m = b.near.map(|at| crate::geo::distance_m(at, LatLon { lat: p.lat, lon: p.lon }));
                let rating = agg.get(&p.id).map(|(n, avg)| (*avg, *n));
                PlaceRow { place: p, distance_m, open, rating }
            })
            .filter(|r| !b.open_now || r.open == OpenState::Open)
            .collect();
        if b.order == Order::Nearest && b.near.is_some() {
            rows.sort_by(|a, b| a.distance_m.unwrap_or(f64::MAX).total_cmp(&b.distance_m.unwrap_or(f64::MAX)));
        }
        let total = rows.len();
        let limit = b.limit.clamp(1, super::MAX_RESULTS);
        let rows: Vec<PlaceRow> = rows.into_iter().skip(b.offset).take(limit).collect();
        let next_offset = (b.offset + rows.len() < total).then_some(b.offset + rows.len());
        Ok(Page { rows, total, next_offset })
    }

    /// A place's page; an unknown id says so.
    pub fn place(&self, id: &str) -> Result<PlaceDetail> {
        let slug = self.city_slug();
        let offset = self.city()?.utc_offset();
        let (place, rating) = self.inner.store.read(|c| {
            let place = super::by_id(c, &slug, id)?;
            Ok((place, ratings::summary(c, &slug, id)?))
        })?;
        let place = place.ok_or_else(|| unknown_site(id))?;
        let now = city::now();
        let (day, minute) = hours::local(now, offset);
        let (_, evs) = self.tours_events()?;
        let here: Vec<events::Event> = evs.into_iter().filter(|e| e.place_id.as_deref() == Some(id)).collect();
        let lang = self.lang().code();
        let narration = if place.narration.get(lang).trim().is_empty() {
            place.description.get(lang)
        } else {
            place.narration.get(lang)
        }
        .to_owned();
        Ok(PlaceDetail {
            open: hours::open_state(place.opening_hours.as_deref(), day, minute),
            visit_minutes: place.visit_minutes.unwrap_or_else(|| super::usual_minutes(&place.kind)),
            rating,
            qr_payload: site::payload(&slug, &place.id),
            web_link: site::web_link(&slug, &place.id),
            events: events::on_between(&here, now, now + 7 * 86_400),
            narration,
            place,
        })
    }

    /// The city's curated tours.
    pub fn tours(&self) -> Result<Vec<Tour>> {
        Ok(self.tours_events()?.0)
    }

    /// Events on today, this weekend or this week, in the city's time zone.
    pub fn events_on(&self, when: When) -> Result<Vec<EventOn>> {
        let (from, to) = events::window(when, city::now(), self.city()?.utc_offset());
        Ok(events::on_between(&self.tours_events()?.1, from, to))
    }

    /// The tours that go with an event.
    pub fn tours_for_event(&self, event_id: &str) -> Result<Vec<Tour>> {
        let (tours, _) = self.tours_events()?;
        Ok(events::tours_for(&tours, event_id).into_iter().cloned().collect())
    }

    /// The place a scanned QR code names, in the current city. Another app's
    /// code, another city's site and an unknown site each get their own problem.
    pub fn site_from_qr(&self, text: &str) -> Result<Place> {
        let r = site::parse(text)?;
        let slug = self.city_slug();
        if r.city != slug {
            let name = self
                .cities()?
                .into_iter()
                .find(|c| c.slug == r.city)
                .map(|c| c.name.get(self.lang().code()).to_owned())
                .unwrap_or_else(|| r.city.clone());
            return Err(Problem::new("site-qr-other-city", format!("the code is for a site in {}", r.city))
                .field("qr")
                .arg("city", name)
                .into());
        }
        let found = self.inner.store.read(|c| match super::by_id(c, &slug, &r.id)? {
            Some(p) => Ok(Some(p)),
            None => super::by_qr(c, &r.id),
        })?;
        found.ok_or_else(|| unknown_site(&r.id))
    }

    /// The site a photo of its QR plate or poster names (JPEG, PNG or WebP).
    /// No code in the picture: `site-qr-none`; codes that are not a site of
    /// this city get the problem of the first ([`MyCity::site_from_qr`]).
    /// CPU-heavy: call it off the UI thread.
    pub fn scan_site(&self, image: &[u8]) -> Result<Place> {
        let found = crate::qr::decode(image)?;
        let mut refused = None;
        for text in &found {
            match self.site_from_qr(text) {
                Ok(p) => return Ok(p),
                Err(e) => refused = refused.or(Some(e)),
            }
        }
        Err(refused
            .unwrap_or_else(|| Problem::new("site-qr-none", "no QR code found in the picture").field("qr").into()))
    }

    /// Plans the free time: which stops, in what order, at what times.
    pub fn plan_visit(&self, req: &PlanRequest) -> Result<Plan> {
        const MAX_MIN: u32 = 16 * 60;
        if req.minutes < 15 || req.minutes > MAX_MIN {
            return Err(Problem::new("plan-budget", format!("{} minutes is not a free time to plan", req.minutes))
                .field("minutes")
                .arg("min", 15)
                .arg("max_hours", MAX_MIN / 60)
                .into());
        }
        let city = self.city()?;
        let slug = city.slug.clone();
        let (places, agg) = self.inner.store.read(|c| Ok((super::all(c, &slug)?, ratings::aggregates(c, &slug)?)))?;
        // The city reaches as far as its places do (Hà Giang's plateau lies far outside its wards).
        let s = req.start;
        let (mut lo_lat, mut hi_lat, mut lo_lon, mut hi_lon) =
            (city.bbox.min_lat, city.bbox.max_lat, city.bbox.min_lon, city.bbox.max_lon);
        for p in &places {
            (lo_lat, hi_lat, lo_lon, hi_lon) =
                (lo_lat.min(p.lat), hi_lat.max(p.lat), lo_lon.min(p.lon), hi_lon.max(p.lon));
        }
        let inside = s.lat.is_finite()
            && s.lon.is_finite()
            && (lo_lat - 0.05..=hi_lat + 0.05).contains(&s.lat)
            && (lo_lon - 0.05..=hi_lon + 0.05).contains(&s.lon);
        if !inside {
            return Err(Problem::new("plan-start-outside", "the start is outside the city")
                .field("start")
                .arg("city", city.name.get(self.lang().code()))
                .into());
        }
        let (day, minute) = hours::local(req.start_at, city.utc_offset());
        let mut chosen: Vec<&Place> = Vec::new();
        let mut candidates = Vec::new();
        let speed = req.mode.speed_kmh();
        for (i, p) in places.iter().enumerate() {
            let score = interest(p, i, &req.interests, agg.get(&p.id));
            if score <= 0.0 {
                continue;
            }
            let visit = p.visit_minutes.filter(|m| *m > 0).unwrap_or_else(|| super::usual_minutes(&p.kind)).max(5);
            let reach = crate::geo::distance_m(s, LatLon { lat: p.lat, lon: p.lon }) / 1000.0 / speed * 60.0;
            if reach + visit as f64 > req.minutes as f64 {
                continue;
            }
            let windows = match p.opening_hours.as_deref().and_then(hours::Hours::parse) {
                None => vec![],
                Some(h) => {
                    let mut w = Vec::new();
                    for k in 0..2u32 {
                        for (a, b) in h.windows((day + k as usize) % 7) {
                            let (a, b) = ((a + k * 1440).saturating_sub(minute), (b + k * 1440).saturating_sub(minute));
                            if b > a {
                                w.push((a, b));
                            }
                        }
                    }
                    w.sort_unstable();
                    if w.is_empty() {
                        continue; // closed all through the plan
                    }
                    w
                }
            };
            chosen.push(p);
            candidates.push(planner::Candidate { score, visit, windows });
        }
        let mut points = vec![s];
        points.extend(chosen.iter().map(|p| LatLon { lat: p.lat, lon: p.lon }));
        let mut travel = planner::travel_matrix(&points, speed);
        self.apply_pack_matrix(&chosen, req.mode, &mut travel)?;
        let inst = planner::Instance { candidates, travel, budget: req.minutes, round_trip: req.round_trip };
        let route = planner::plan(&inst);
        let at = |m: f32| req.start_at + (m as f64 * 60.0).round() as i64;
        let mut prev = 0usize;
        let stops = route
            .stops
            .iter()
            .map(|st| {
                let travel_min = inst.travel[prev][st.candidate + 1].round() as u32;
                prev = st.candidate + 1;
                PlanStop {
                    place: chosen[st.candidate].clone(),
                    travel_min,
                    arrive: at(st.arrive),
                    begin: at(st.begin),
                    leave: at(st.leave),
                }
            })
            .collect();
        Ok(Plan { stops, score: route.score, ends_at: at(route.minutes), minutes: route.minutes.ceil() as u32 })
    }

    /// A pack may give measured travel minutes between places
    /// (`travel_minutes: {mode: {ids: [...], minutes: [[...]]}}`); they replace the estimates.
    fn apply_pack_matrix(&self, chosen: &[&Place], mode: planner::Mode, travel: &mut [Vec<f32>]) -> Result<()> {
        let slug = self.city_slug();
        let extra: String = self
            .inner
            .store
            .read(|c| Ok(c.query_row("SELECT extra FROM cities WHERE slug = ?1", [&slug], |r| r.get(0))?))?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&extra) else { return Ok(()) };
        let Some(m) = v.get("travel_minutes").and_then(|t| t.get(mode.as_str())) else { return Ok(()) };
        #[derive(serde::Deserialize)]
        struct Matrix {
            ids: Vec<String>,
            minutes: Vec<Vec<f32>>,
        }
        let Ok(m) = serde_json::from_value::<Matrix>(m.clone()) else { return Ok(()) };
        let index: HashMap<&str, usize> = m.ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        for (a, pa) in chosen.iter().enumerate() {
            for (b, pb) in chosen.iter().enumerate() {
                if let (Some(&i), Some(&j)) = (index.get(pa.id.as_str()), index.get(pb.id.as_str())) {
                    if let Some(t) = m.minutes.get(i).and_then(|r| r.get(j)).filter(|t| t.is_finite() && **t >= 0.0) {
                        travel[a + 1][b + 1] = *t;
                    }
                }
            }
        }
        Ok(())
    }

    /// Rates a place (1–5 stars and a comment); queued, sent by the outbox.
    pub fn rate_place(&self, place_id: &str, stars: u8, comment: &str) -> Result<String> {
        let slug = self.city_slug();
        ratings::check(stars, comment)?;
        if self.inner.store.read(|c| super::by_id(c, &slug, place_id))?.is_none() {
            return Err(unknown_site(place_id));
        }
        let id = self.inner.store.write(|tx| ratings::queue(tx, &slug, place_id, stars, comment, city::now()))?;
        self.queued();
        Ok(id)
    }

    /// A narrator over the given places (all the city's when empty).
    pub fn narrator(&self, place_ids: &[String]) -> Result<Narrator> {
        let slug = self.city_slug();
        let mut places = self.inner.store.read(|c| super::all(c, &slug))?;
        if !place_ids.is_empty() {
            places.retain(|p| place_ids.contains(&p.id));
        }
        places.retain(|p| !p.narration.vi.trim().is_empty() || !p.description.vi.trim().is_empty());
        let sites = places
            .iter()
            .map(|p| narration::Site { at: LatLon { lat: p.lat, lon: p.lon }, radius_m: radius_m(&p.kind) })
            .collect();
        Ok(Narrator {
            places,
            trigger: narration::Trigger::new(sites, narration::Tuning::default()),
            lang: self.lang(),
        })
    }

    /// The printable poster of a place: QR code, names in both languages, a line of text.
    pub fn poster(&self, place_id: &str) -> Result<super::poster::Poster> {
        let slug = self.city_slug();
        let place =
            self.inner.store.read(|c| super::by_id(c, &slug, place_id))?.ok_or_else(|| unknown_site(place_id))?;
        super::poster::render(&slug, &place)
    }
}

fn unknown_site(id: &str) -> Error {
    let shown: String = id.chars().take(60).collect();
    Problem::new("site-unknown", format!("no site {shown:?} in this city")).field("site").arg("id", shown).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{tourism::planner::Mode, Config, Lang};

    fn open() -> (tempfile::TempDir, MyCity) {
        let dir = tempfile::tempdir().unwrap();
        let core = MyCity::open(Config { data_dir: dir.path().to_owned(), ..Default::default() }).unwrap();
        (dir, core)
    }

    fn code(e: Error) -> &'static str {
        match e {
            Error::Invalid(p) => p.code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn packs_hold_the_tourism_layer() {
        let (_d, core) = open();
        for (slug, least) in [("ha-giang", 40), ("dong-ha", 25), ("vinh", 25), ("gia-nghia", 25), ("da-nang", 25)] {
            core.set_city(slug).unwrap();
            let page = core.browse(&Browse { limit: 100, ..Default::default() }).unwrap();
            assert!(page.total >= least, "{slug}: {}", page.total);
            assert!(!core.tours().unwrap().is_empty(), "{slug} tours");
            for kind in ["relic", "market", "food", "lodging"] {
                assert!(page.rows.iter().any(|r| r.place.kind == kind), "{slug} has no {kind}");
            }
        }
        core.set_city("ha-giang").unwrap();
        for q in ["Đồng Văn", "Mã Pí Lèng", "Lũng Cú", "Vương", "Quản Bạ", "Hoàng Su Phì", "chợ"] {
            assert!(!core.search_places(q, 5).unwrap().is_empty(), "{q}");
        }
    }

    #[test]
    fn a_kind_word_lists_that_kind_first_and_names_beat_descriptions() {
        let (_d, core) = open();
        let found = core.search_places("chợ", 20).unwrap();
        let markets = found.iter().take_while(|p| p.kind == "market").count();
        assert!(markets >= 3, "{:?}", found.iter().map(|p| &p.kind).collect::<Vec<_>>());
        assert!(found[markets..].iter().all(|p| p.kind != "market"));
        assert!(core.search_places("lung cu", 5).unwrap()[0].name.vi.contains("Lũng Cú"));
        assert!(core.search_places("market", 3).unwrap().iter().all(|p| p.kind == "market"));
    }

    #[test]
    fn browse_filters_orders_and_pages() {
        let (_d, core) = open();
        let all = core.browse(&Browse { limit: 100, ..Default::default() }).unwrap();
        let mut seen = Vec::new();
        let mut b = Browse { limit: 10, ..Default::default() };
        loop {
            let page = core.browse(&b).unwrap();
            assert_eq!(page.total, all.total);
            seen.extend(page.rows.into_iter().map(|r| r.place.id));
            match page.next_offset {
                Some(n) => b.offset = n,
                None => break,
            }
        }
        assert_eq!(seen, all.rows.iter().map(|r| r.place.id.clone()).collect::<Vec<_>>(), "pages cover the list once");
        let markets = core.browse(&Browse { kind: Some("market".into()), limit: 100, ..Default::default() }).unwrap();
        assert!(markets.total >= 3 && markets.rows.iter().all(|r| r.place.kind == "market"));
        let at = LatLon { lat: 23.2777, lon: 105.3614 }; // Đồng Văn
        let near =
            core.browse(&Browse { near: Some(at), order: Order::Nearest, limit: 100, ..Default::default() }).unwrap();
        assert!(near.rows.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
        assert!(near.rows[0].distance_m.unwrap() < 1500.0);
        let open = core.browse(&Browse { open_now: true, limit: 100, ..Default::default() }).unwrap();
        assert!(open.rows.iter().all(|r| r.open == OpenState::Open));
        assert!(open.total > 0, "24/7 places are always open");
    }

    #[test]
    fn a_place_page_has_everything_and_an_unknown_id_says_so() {
        let (_d, core) = open();
        core.set_lang(Lang::En).unwrap();
        let p = core.place("ha-giang-cot-co-lung-cu").unwrap();
        assert_eq!(p.qr_payload, "mycity://site/ha-giang/ha-giang-cot-co-lung-cu");
        assert!(p.web_link.starts_with("https://"));
        assert_eq!(p.narration, p.place.narration.en);
        assert!(p.visit_minutes > 0);
        assert_eq!(code(core.place("nope").unwrap_err()), "site-unknown");
    }

    #[test]
    fn scanning_a_site_opens_it_or_says_why_not() {
        let (_d, core) = open();
        let p = core.site_from_qr("mycity://site/ha-giang/ha-giang-deo-ma-pi-leng").unwrap();
        assert_eq!(p.id, "ha-giang-deo-ma-pi-leng");
        let by_plate = core.site_from_qr("https://mycity.vn/site/ha-giang/MC-HA-GIANG-1").unwrap();
        assert_eq!(by_plate.qr_id.as_deref(), Some("MC-HA-GIANG-1"));
        let e = core.site_from_qr("mycity://site/da-nang/da-nang-cau-rong").unwrap_err();
        let t = core.texts().error(&e);
        assert!(t.contains("Đà Nẵng"), "{t}");
        assert_eq!(code(e), "site-qr-other-city");
        assert_eq!(code(core.site_from_qr("mycity://site/ha-giang/ha-giang-atlantis").unwrap_err()), "site-unknown");
        assert_eq!(code(core.site_from_qr("https://example.com/").unwrap_err()), "site-qr-foreign");
    }

    #[test]
    fn a_photo_of_a_poster_opens_its_site_and_others_say_why_not() {
        let (_d, core) = open();
        let png = |text: &str| crate::qr::png(text, 8).unwrap();
        let poster = core.poster("ha-giang-cot-co-lung-cu").unwrap();
        assert_eq!(core.scan_site(&poster.png).unwrap().id, "ha-giang-cot-co-lung-cu");
        let other = core.scan_site(&png("mycity://site/da-nang/da-nang-cau-rong")).unwrap_err();
        assert_eq!(code(other), "site-qr-other-city");
        assert_eq!(code(core.scan_site(&png("WIFI:S:cafe;;")).unwrap_err()), "site-qr-foreign");
        assert_eq!(code(core.scan_site(&png("mycity://site/ha-giang/nowhere")).unwrap_err()), "site-unknown");
        let white = {
            let img = image::GrayImage::from_pixel(200, 200, image::Luma([255u8]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png).unwrap();
            out.into_inner()
        };
        assert_eq!(code(core.scan_site(&white).unwrap_err()), "site-qr-none");
        assert_eq!(code(core.scan_site(b"not a picture").unwrap_err()), "photo-not-image");
    }

    fn req(minutes: u32, mode: Mode) -> PlanRequest {
        PlanRequest {
            start: LatLon { lat: 22.8264, lon: 104.9836 }, // Km0
            // Sunday 2026-11-29 08:00 in Hà Giang.
            start_at: time::macros::datetime!(2026-11-29 08:00 +7).unix_timestamp(),
            minutes,
            interests: vec![],
            mode,
            round_trip: false,
        }
    }

    #[test]
    fn three_hours_in_ha_giang_fit_opening_hours_and_the_budget() {
        let (_d, core) = open();
        let r = req(180, Mode::Walk);
        let plan = core.plan_visit(&r).unwrap();
        assert!(plan.stops.len() >= 3, "{plan:#?}");
        assert!(plan.ends_at <= r.start_at + 180 * 60);
        let offset = core.city().unwrap().utc_offset();
        let mut t = r.start_at;
        for s in &plan.stops {
            assert!(s.arrive >= t && s.begin >= s.arrive && s.leave > s.begin);
            let (day, min) = hours::local(s.begin, offset);
            assert_ne!(
                hours::open_state(s.place.opening_hours.as_deref(), day, min),
                OpenState::Closed,
                "{}",
                s.place.id
            );
            t = s.leave;
        }
        let mut museums = r.clone();
        museums.interests = vec!["museum".into()];
        let plan = core.plan_visit(&museums).unwrap();
        assert!(plan.stops.iter().any(|s| s.place.kind == "museum"));
        let far = core.plan_visit(&req(8 * 60, Mode::Motorbike)).unwrap();
        assert!(far.score > 0.0);
    }

    #[test]
    fn a_bad_budget_or_a_start_outside_the_city_is_refused() {
        let (_d, core) = open();
        assert_eq!(code(core.plan_visit(&req(0, Mode::Walk)).unwrap_err()), "plan-budget");
        assert_eq!(code(core.plan_visit(&req(48 * 60, Mode::Walk)).unwrap_err()), "plan-budget");
        let mut r = req(180, Mode::Walk);
        r.start = LatLon { lat: 21.0285, lon: 105.8542 }; // Hà Nội
        assert_eq!(code(core.plan_visit(&r).unwrap_err()), "plan-start-outside");
        r.start = LatLon { lat: f64::NAN, lon: 105.0 };
        assert_eq!(code(core.plan_visit(&r).unwrap_err()), "plan-start-outside");
    }

    #[test]
    fn a_walk_through_ha_giang_narrates_in_my_language() {
        let (_d, core) = open();
        core.set_lang(Lang::En).unwrap();
        let ids = ["ha-giang-km0", "ha-giang-quang-truong-26-3", "ha-giang-bao-tang-tinh"];
        let places: Vec<Place> = ids.iter().map(|id| core.place(id).unwrap().place).collect();
        let route: Vec<LatLon> = places.iter().map(|p| LatLon { lat: p.lat, lon: p.lon }).collect();
        let trace = narration::traces::walk(&route, 20, 4.0, 3);
        let mut n = core.narrator(&[]).unwrap();
        let mut heard = Vec::new();
        for f in &trace {
            heard.extend(n.push(f.t, f.at));
        }
        let got: Vec<&str> = heard.iter().map(|h| h.place_id.as_str()).collect();
        for id in ids {
            assert_eq!(got.iter().filter(|g| **g == id).count(), 1, "{id} once: {got:?}");
        }
        let km0 = heard.iter().find(|h| h.place_id == "ha-giang-km0").unwrap();
        assert_eq!(km0.text, places[0].narration.en);
    }

    #[test]
    fn weekly_events_and_their_tours() {
        let (_d, core) = open();
        let week = core.events_on(When::Week).unwrap();
        assert!(week.iter().any(|e| e.event.id == "ha-giang-cho-phien-dong-van-weekly"), "a Sunday market every week");
        let tours = core.tours_for_event("ha-giang-cho-phien-dong-van-weekly").unwrap();
        assert_eq!(tours[0].id, "ha-giang-sunday-market-tour");
    }
}
