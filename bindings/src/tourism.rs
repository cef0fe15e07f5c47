//! Tourism: the places list (search, by kind, open now, nearest first), a
//! place's page, the visit planner, a site's QR code, and ratings.

use mycity_core::tourism::{self, hours::OpenState, planner::Mode};

use crate::{count, LatLonRecord, MyCity, MyCityError, PlaceRecord};

/// Whether a place is open now, in the city's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OpenStateRecord {
    /// Open.
    Open,
    /// Closed.
    Closed,
    /// The pack gives no hours the core can read.
    Unknown,
}

impl From<OpenState> for OpenStateRecord {
    fn from(s: OpenState) -> Self {
        match s {
            OpenState::Open => OpenStateRecord::Open,
            OpenState::Closed => OpenStateRecord::Closed,
            OpenState::Unknown => OpenStateRecord::Unknown,
        }
    }
}

/// How a visitor moves between stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TravelMode {
    /// On foot.
    Walk,
    /// By motorbike.
    Motorbike,
    /// By car.
    Car,
}

/// What the places list asks for.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct BrowseQuery {
    /// Words to search (folded); empty lists everything.
    pub query: String,
    /// Only this kind (`market`, `museum`…); `None` or empty: every kind.
    pub kind: Option<String>,
    /// Only places open now.
    pub open_now: bool,
    /// Where the person is: distances, and nearest first.
    pub near: Option<LatLonRecord>,
    /// First row of the page.
    pub offset: u32,
    /// Rows per page (1–100).
    pub limit: u32,
}

/// A row of the places list.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceRowRecord {
    /// The place.
    pub place: PlaceRecord,
    /// Metres from where the person is.
    pub distance_m: Option<f64>,
    /// Open now?
    pub open: OpenStateRecord,
    /// Average stars, from the server's last sums.
    pub stars: Option<f64>,
    /// How many rated it.
    pub ratings: u32,
}

/// A page of places.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlacePageRecord {
    /// The rows.
    pub rows: Vec<PlaceRowRecord>,
    /// How many places match in all.
    pub total: u32,
    /// The next page's offset, if there is one.
    pub next_offset: Option<u32>,
}

/// Everything a place's page shows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlaceDetailRecord {
    /// The place.
    pub place: PlaceRecord,
    /// Open now?
    pub open: OpenStateRecord,
    /// Minutes a visit usually takes.
    pub visit_minutes: u32,
    /// Average stars.
    pub stars: Option<f64>,
    /// How many rated it.
    pub ratings: u32,
    /// My latest stars here.
    pub my_stars: Option<u8>,
    /// What its QR code says.
    pub qr_payload: String,
    /// The web form of it.
    pub web_link: String,
    /// The narration to read or speak, in the person's language.
    pub narration: String,
}

/// What the planner is asked.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanQuery {
    /// Where the visitor starts.
    pub start: LatLonRecord,
    /// When (unix seconds).
    pub start_at: i64,
    /// Minutes free (15 min to 16 h).
    pub minutes: u32,
    /// Kinds the visitor cares about (empty: everything).
    pub interests: Vec<String>,
    /// How they move.
    pub mode: TravelMode,
    /// Whether they end where they started.
    pub round_trip: bool,
}

/// A stop of a plan, with clock times (unix seconds).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanStopRecord {
    /// The place.
    pub place: PlaceRecord,
    /// Minutes on the way from the previous stop (or the start).
    pub travel_min: u32,
    /// Arrival.
    pub arrive: i64,
    /// Visit begins (after waiting for opening).
    pub begin: i64,
    /// Leave.
    pub leave: i64,
}

/// A plan for the free time.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PlanRecord {
    /// Stops in order.
    pub stops: Vec<PlanStopRecord>,
    /// When the visitor is done (unix seconds).
    pub ends_at: i64,
    /// Minutes used of the budget.
    pub minutes: u32,
}

#[uniffi::export]
impl MyCity {
    /// The kinds of place a list can be narrowed to.
    pub fn place_kinds(&self) -> Vec<String> {
        tourism::KINDS.iter().map(|k| (*k).to_owned()).collect()
    }

    /// The places list: search or everything, by kind, open now, nearest
    /// first when a position is given, a page at a time.
    pub fn browse(&self, q: BrowseQuery) -> Result<PlacePageRecord, MyCityError> {
        let b = tourism::Browse {
            query: q.query,
            kind: q.kind,
            open_now: q.open_now,
            near: q.near.map(Into::into),
            order: if q.near.is_some() { tourism::Order::Nearest } else { tourism::Order::Pack },
            offset: q.offset as usize,
            limit: q.limit as usize,
        };
        let page = self.inner.browse(&b).map_err(|e| self.fail(e))?;
        let t = self.inner.texts();
        Ok(PlacePageRecord {
            rows: page
                .rows
                .into_iter()
                .map(|r| PlaceRowRecord {
                    place: self.place(&t, r.place),
                    distance_m: r.distance_m,
                    open: r.open.into(),
                    stars: r.rating.map(|(avg, _)| avg),
                    ratings: r.rating.map_or(0, |(_, n)| n),
                })
                .collect(),
            total: count(page.total),
            next_offset: page.next_offset.map(count),
        })
    }

    /// A place's page; an unknown id is refused (`site-unknown`).
    pub fn place_detail(&self, id: String) -> Result<PlaceDetailRecord, MyCityError> {
        let d = self.inner.place(&id).map_err(|e| self.fail(e))?;
        Ok(PlaceDetailRecord {
            place: self.place(&self.inner.texts(), d.place),
            open: d.open.into(),
            visit_minutes: d.visit_minutes,
            stars: d.rating.average,
            ratings: d.rating.count,
            my_stars: d.rating.mine.map(|m| m.stars),
            qr_payload: d.qr_payload,
            web_link: d.web_link,
            narration: d.narration,
        })
    }

    /// The place a scanned QR code names, in the current city; another
    /// app's code, another city's site and an unknown site are each refused
    /// with their own problem.
    pub fn site_from_qr(&self, text: String) -> Result<PlaceRecord, MyCityError> {
        let p = self.inner.site_from_qr(&text).map_err(|e| self.fail(e))?;
        Ok(self.place(&self.inner.texts(), p))
    }

    /// Plans the free time: which stops, in what order, at what times.
    pub fn plan_visit(&self, q: PlanQuery) -> Result<PlanRecord, MyCityError> {
        let req = tourism::PlanRequest {
            start: q.start.into(),
            start_at: q.start_at,
            minutes: q.minutes,
            interests: q.interests,
            mode: match q.mode {
                TravelMode::Walk => Mode::Walk,
                TravelMode::Motorbike => Mode::Motorbike,
                TravelMode::Car => Mode::Car,
            },
            round_trip: q.round_trip,
        };
        let plan = self.inner.plan_visit(&req).map_err(|e| self.fail(e))?;
        let t = self.inner.texts();
        Ok(PlanRecord {
            stops: plan
                .stops
                .into_iter()
                .map(|s| PlanStopRecord {
                    place: self.place(&t, s.place),
                    travel_min: s.travel_min,
                    arrive: s.arrive,
                    begin: s.begin,
                    leave: s.leave,
                })
                .collect(),
            ends_at: plan.ends_at,
            minutes: plan.minutes,
        })
    }

    /// Rates a place (1–5 stars and a comment); queued and sent by the
    /// outbox. Returns the rating's id.
    pub fn rate_place(&self, place_id: String, stars: u8, comment: String) -> Result<String, MyCityError> {
        self.inner.rate_place(&place_id, stars, &comment).map_err(|e| self.fail(e))
    }
}
