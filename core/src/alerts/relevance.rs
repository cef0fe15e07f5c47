//! Which alerts concern a person, and how loudly: pure functions.
//!
//! An alert concerns someone when their position or home ward falls in one
//! of its areas (a polygon, a circle, or a ward geocode), or when it targets
//! the whole city. The position test runs for every alert on every fix, so
//! each shape keeps its bounding box: most alerts are ruled out by four
//! comparisons, and only the few whose box holds the point get the exact test.

use ::geo::{Contains, Coord, LineString, Point, Polygon};
use mycity_protocol::cap::{self, Alert, Certainty, Severity, Urgency};
use serde::Serialize;

use crate::LatLon;

/// `[min_lat, min_lon, max_lat, max_lon]`.
type BBox = [f64; 4];

fn inside(b: &BBox, p: LatLon) -> bool {
    p.lat >= b[0] && p.lat <= b[2] && p.lon >= b[1] && p.lon <= b[3]
}

enum Shape {
    Polygon { bbox: BBox, polygon: Polygon<f64> },
    Circle { bbox: BBox, centre: LatLon, radius_m: f64 },
}

impl Shape {
    fn polygon(ring: &[[f64; 2]]) -> Shape {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for [lat, lon] in ring {
            b = [b[0].min(*lat), b[1].min(*lon), b[2].max(*lat), b[3].max(*lon)];
        }
        let line: LineString<f64> = ring.iter().map(|[lat, lon]| Coord { x: *lon, y: *lat }).collect();
        Shape::Polygon { bbox: b, polygon: Polygon::new(line, vec![]) }
    }

    fn circle(c: &cap::Circle) -> Shape {
        let radius_m = c.radius_km * 1000.0;
        // Degrees of latitude are ~111.2 km; longitude shrinks with cos(lat).
        let dlat = radius_m / 111_000.0;
        let dlon = dlat / c.centre[0].to_radians().cos().abs().max(0.01);
        let [lat, lon] = c.centre;
        Shape::Circle { bbox: [lat - dlat, lon - dlon, lat + dlat, lon + dlon], centre: LatLon { lat, lon }, radius_m }
    }

    fn contains(&self, p: LatLon) -> bool {
        match self {
            Shape::Polygon { bbox, polygon } => inside(bbox, p) && polygon.contains(&Point::new(p.lon, p.lat)),
            Shape::Circle { bbox, centre, radius_m } => {
                inside(bbox, p) && crate::geo::distance_m(*centre, p) <= *radius_m
            }
        }
    }
}

/// Where one alert applies.
pub struct Target {
    whole_city: bool,
    wards: Vec<String>,
    shapes: Vec<Shape>,
}

impl Target {
    /// Reads an alert's areas for the city `city`. An alert without any area,
    /// with a `city` geocode naming this city, or with an area that names
    /// no place this app can place (only another system's geocodes) applies
    /// to the whole city: the city published it in its own feed.
    pub fn new(alert: &Alert, city: &str) -> Target {
        let mut t = Target { whole_city: false, wards: vec![], shapes: vec![] };
        let areas: Vec<&cap::Area> = alert.info.iter().flat_map(|i| &i.areas).collect();
        if areas.is_empty() {
            t.whole_city = true;
        }
        for a in areas {
            for g in &a.geocodes {
                match g.value_name.as_str() {
                    cap::GEOCODE_CITY if g.value == city => t.whole_city = true,
                    cap::GEOCODE_WARD if !t.wards.contains(&g.value) => t.wards.push(g.value.clone()),
                    _ => {}
                }
            }
            t.shapes.extend(a.polygons.iter().map(|r| Shape::polygon(r)));
            t.shapes.extend(a.circles.iter().map(Shape::circle));
            let placed = !a.polygons.is_empty()
                || !a.circles.is_empty()
                || a.geocodes.iter().any(|g| matches!(g.value_name.as_str(), cap::GEOCODE_CITY | cap::GEOCODE_WARD));
            if !placed {
                t.whole_city = true;
            }
        }
        t
    }

    /// Applies to the whole city.
    pub fn whole_city(&self) -> bool {
        self.whole_city
    }

    /// Ward codes named by geocode.
    pub fn wards(&self) -> &[String] {
        &self.wards
    }

    /// True when the alert concerns someone at `position` living in `home_ward`
    /// (`position_ward` is the ward of `position`, when known).
    pub fn concerns(&self, position: Option<LatLon>, position_ward: Option<&str>, home_ward: Option<&str>) -> bool {
        if self.whole_city {
            return true;
        }
        let in_ward = |w: Option<&str>| w.is_some_and(|w| self.wards.iter().any(|x| x == w));
        in_ward(home_ward)
            || in_ward(position_ward)
            || position.is_some_and(|p| self.shapes.iter().any(|s| s.contains(p)))
    }
}

/// Banner level, loudest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Red: extreme threat.
    Danger,
    /// Orange: severe threat.
    Warning,
    /// Yellow: possible threat.
    Watch,
    /// Blue: for information.
    Info,
}

/// How an alert shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Banner {
    /// Level.
    pub level: Level,
    /// Background colour, `#rrggbb`.
    pub colour: &'static str,
    /// Text colour on it, `#rrggbb` (contrast ≥ 4.5:1).
    pub text: &'static str,
    /// Interrupts the person (a notification that sounds, a dialog) instead of waiting on the home screen.
    pub interrupt: bool,
}

/// Severity decides the level; it interrupts only when it is severe or
/// worse, needs acting on now or soon, and is observed or likely: an
/// interruption for a possible threat next week teaches people to ignore them.
pub fn banner(severity: Severity, urgency: Urgency, certainty: Certainty) -> Banner {
    let (level, colour, text) = match severity {
        Severity::Extreme => (Level::Danger, "#b71c1c", "#ffffff"),
        Severity::Severe => (Level::Warning, "#e65100", "#ffffff"),
        Severity::Moderate => (Level::Watch, "#f9a825", "#1a1a1a"),
        Severity::Minor | Severity::Unknown => (Level::Info, "#1565c0", "#ffffff"),
    };
    let interrupt = matches!(severity, Severity::Extreme | Severity::Severe)
        && matches!(urgency, Urgency::Immediate | Urgency::Expected)
        && matches!(certainty, Certainty::Observed | Certainty::Likely);
    Banner { level, colour, text, interrupt }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(areas: &str) -> Alert {
        cap::parse(&format!(
            r#"<alert><identifier>a</identifier><sender>s</sender><sent>2026-11-29T07:00:00+07:00</sent>
            <status>Actual</status><msgType>Alert</msgType><scope>Public</scope>
            <info><category>Met</category><event>Lũ</event><urgency>Immediate</urgency><severity>Severe</severity>
            <certainty>Observed</certainty>{areas}</info></alert>"#
        ))
        .unwrap()
    }

    const P: LatLon = LatLon { lat: 16.82, lon: 107.10 };
    const FAR: LatLon = LatLon { lat: 21.0, lon: 105.8 };

    #[test]
    fn polygon_circle_and_ward_targets() {
        let poly = Target::new(
            &alert("<area><areaDesc>x</areaDesc><polygon>16.8,107.0 16.9,107.0 16.9,107.2 16.8,107.2 16.8,107.0</polygon></area>"),
            "dong-ha",
        );
        assert!(poly.concerns(Some(P), None, None));
        assert!(!poly.concerns(Some(FAR), None, None));
        assert!(!poly.concerns(None, None, Some("19333")));
        let circle =
            Target::new(&alert("<area><areaDesc>x</areaDesc><circle>16.82,107.11 2</circle></area>"), "dong-ha");
        assert!(circle.concerns(Some(P), None, None), "about 1.1 km away");
        assert!(!circle.concerns(Some(LatLon { lat: 16.85, lon: 107.11 }), None, None), "3.3 km away");
        let ward = Target::new(
            &alert(
                "<area><areaDesc>x</areaDesc><geocode><valueName>ward</valueName><value>19333</value></geocode></area>",
            ),
            "dong-ha",
        );
        assert!(ward.concerns(None, None, Some("19333")));
        assert!(ward.concerns(Some(FAR), Some("19333"), Some("19351")));
        assert!(!ward.concerns(Some(P), Some("19351"), Some("19351")));
    }

    #[test]
    fn whole_city_targets() {
        assert!(Target::new(&alert(""), "dong-ha").concerns(None, None, None));
        let city =
            "<area><areaDesc>x</areaDesc><geocode><valueName>city</valueName><value>dong-ha</value></geocode></area>";
        assert!(Target::new(&alert(city), "dong-ha").whole_city());
        assert!(!Target::new(&alert(city), "vinh").whole_city());
        let foreign =
            "<area><areaDesc>x</areaDesc><geocode><valueName>EMMA_ID</valueName><value>VN1</value></geocode></area>";
        assert!(Target::new(&alert(foreign), "dong-ha").whole_city());
    }

    #[test]
    fn banners_by_severity_and_interruptions() {
        use {Certainty as C, Severity as S, Urgency as U};
        assert_eq!(banner(S::Extreme, U::Immediate, C::Observed).level, Level::Danger);
        assert!(banner(S::Extreme, U::Immediate, C::Observed).interrupt);
        assert!(banner(S::Severe, U::Expected, C::Likely).interrupt);
        assert!(!banner(S::Severe, U::Future, C::Likely).interrupt, "not soon");
        assert!(!banner(S::Severe, U::Immediate, C::Possible).interrupt, "not likely");
        assert!(!banner(S::Moderate, U::Immediate, C::Observed).interrupt);
        assert_eq!(banner(S::Moderate, U::Immediate, C::Observed).level, Level::Watch);
        assert_eq!(banner(S::Minor, U::Past, C::Unknown).level, Level::Info);
        assert_eq!(banner(S::Unknown, U::Unknown, C::Unknown).colour, "#1565c0");
    }
}
