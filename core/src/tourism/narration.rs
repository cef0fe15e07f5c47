//! When to start a site's narration, from a stream of GPS fixes. Pure: the
//! caller feeds fixes in, the trigger answers which sites to narrate now.
//!
//! A site triggers once per tour: when the visitor has been inside its
//! radius for a dwell time (at least two fixes), so a fix that merely grazes
//! the edge does not start it. Leaving needs a wider radius (hysteresis), and
//! even then the site never triggers again: GPS jitter at a boundary cannot
//! repeat a narration. Fixes that go back in time or repeat a time, that are
//! not finite, or that imply an impossible speed are ignored; after a gap
//! the dwell starts over, so a stale entry does not trigger later.
//!
//! Each site is filed in every cell of a grid that its exit circle touches,
//! so a fix looks at the sites of its one cell, and not even that lookup
//! while it stays in the cell of the fix before. Distances are
//! equirectangular with each site's cos(latitude) computed once: over a few
//! hundred metres they differ from the great circle by far less than a GPS
//! error, and they cost no trigonometry per fix.

use std::collections::HashMap;

use crate::LatLon;

/// Tuning of the trigger.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tuning {
    /// Seconds inside before the narration starts.
    pub dwell_s: f64,
    /// The exit radius as a multiple of the entry radius.
    pub exit_factor: f64,
    /// Metres added to the exit radius (GPS error).
    pub exit_margin_m: f64,
    /// Fastest believable speed between fixes, m/s (a car on a highway).
    pub max_speed_mps: f64,
    /// Longer than this between fixes (s) and the dwell starts over.
    pub max_gap_s: f64,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning { dwell_s: 8.0, exit_factor: 1.5, exit_margin_m: 10.0, max_speed_mps: 45.0, max_gap_s: 90.0 }
    }
}

/// A site that narrates.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// Its position.
    pub at: LatLon,
    /// Entry radius in metres.
    pub radius_m: f64,
}

/// One GPS fix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fix {
    /// Seconds (any epoch, increasing).
    pub t: f64,
    /// Where.
    pub at: LatLon,
}

/// What a fix did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Sites (indices) whose narration starts now.
    pub start: Vec<usize>,
    /// True when the fix was ignored (duplicate, backwards, not finite, impossible speed).
    pub ignored: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum SiteState {
    Outside,
    /// Inside since `since` (seconds), `fixes` fixes so far.
    Dwelling {
        since: f64,
        fixes: u32,
    },
    Narrated,
}

/// The trigger over one tour.
#[derive(Debug, Clone)]
pub struct Trigger {
    sites: Vec<Site>,
    tuning: Tuning,
    /// Per site: metres per degree of longitude there, the entry and exit radii squared.
    metric: Vec<(f64, f64, f64)>,
    /// Cell size in degrees (latitude, longitude).
    cell_deg: (f64, f64),
    /// Cell → index into `cells`.
    grid: HashMap<(i32, i32), usize>,
    /// Sites whose exit circle touches each cell.
    cells: Vec<Vec<usize>>,
    /// The last fix's cell and its index into `cells` (`usize::MAX`: no site there).
    here: Option<((i32, i32), usize)>,
    state: Vec<SiteState>,
    /// Sites currently dwelling (to reset them cheaply).
    active: Vec<usize>,
    last: Option<Fix>,
}

const M_PER_DEG: f64 = 111_320.0;
/// Metres per degree on the sphere the great-circle distance uses (radius 6,371,008.8 m).
const M_PER_DEG_SPHERE: f64 = 6_371_008.8 * std::f64::consts::PI / 180.0;

impl Trigger {
    /// A trigger over `sites`.
    pub fn new(sites: Vec<Site>, tuning: Tuning) -> Trigger {
        let exit = |s: &Site| s.radius_m * tuning.exit_factor + tuning.exit_margin_m;
        let widest = sites.iter().map(exit).fold(50.0, f64::max);
        let mid_lat =
            if sites.is_empty() { 0.0 } else { sites.iter().map(|s| s.at.lat).sum::<f64>() / sites.len() as f64 };
        let cos_mid = mid_lat.to_radians().cos().max(0.05);
        // Cells about as wide as the widest exit circle: most circles touch 1–4 cells.
        let cell_deg = (widest / M_PER_DEG_SPHERE, widest / (M_PER_DEG_SPHERE * cos_mid));
        let mut grid: HashMap<(i32, i32), usize> = HashMap::new();
        let mut cells: Vec<Vec<usize>> = Vec::new();
        let mut metric = Vec::with_capacity(sites.len());
        for (i, s) in sites.iter().enumerate() {
            let m_lon = M_PER_DEG_SPHERE * s.at.lat.to_radians().cos().max(0.05);
            let r = exit(s);
            metric.push((m_lon, s.radius_m * s.radius_m, r * r));
            // The circle's box, 1% wider for the curvature between the site's latitude and the fix's.
            let (dlat, dlon) = (r * 1.01 / M_PER_DEG_SPHERE, r * 1.01 / m_lon);
            let lo = cell(LatLon { lat: s.at.lat - dlat, lon: s.at.lon - dlon }, cell_deg);
            let hi = cell(LatLon { lat: s.at.lat + dlat, lon: s.at.lon + dlon }, cell_deg);
            for cy in lo.0..=hi.0 {
                for cx in lo.1..=hi.1 {
                    let k = *grid.entry((cy, cx)).or_insert_with(|| {
                        cells.push(Vec::new());
                        cells.len() - 1
                    });
                    cells[k].push(i);
                }
            }
        }
        let state = vec![SiteState::Outside; sites.len()];
        Trigger { sites, tuning, metric, cell_deg, grid, cells, here: None, state, active: Vec::new(), last: None }
    }

    /// Sites already narrated.
    pub fn narrated(&self) -> impl Iterator<Item = usize> + '_ {
        self.state.iter().enumerate().filter(|(_, s)| **s == SiteState::Narrated).map(|(i, _)| i)
    }

    /// Squared metres from site `i` to `p`.
    fn d2(&self, i: usize, p: LatLon) -> f64 {
        let s = self.sites[i].at;
        let (dy, dx) = ((p.lat - s.lat) * M_PER_DEG_SPHERE, (p.lon - s.lon) * self.metric[i].0);
        dy * dy + dx * dx
    }

    /// Feeds one fix.
    pub fn push(&mut self, fix: Fix) -> Outcome {
        let tu = self.tuning;
        if !(fix.t.is_finite() && fix.at.lat.is_finite() && fix.at.lon.is_finite()) {
            return Outcome { start: vec![], ignored: true };
        }
        if let Some(last) = self.last {
            let dt = fix.t - last.t;
            if dt <= 0.0 {
                return Outcome { start: vec![], ignored: true };
            }
            let d = crate::geo::distance_m(last.at, fix.at);
            if d / dt > tu.max_speed_mps {
                return Outcome { start: vec![], ignored: true };
            }
            if dt > tu.max_gap_s {
                for &i in &self.active {
                    self.state[i] = SiteState::Outside;
                }
                self.active.clear();
            }
        }
        self.last = Some(fix);
        let mut out = Outcome::default();
        let key = cell(fix.at, self.cell_deg);
        let k = match self.here {
            Some((c, k)) if c == key => k,
            _ => {
                let k = self.grid.get(&key).copied().unwrap_or(usize::MAX);
                self.here = Some((key, k));
                k
            }
        };
        let near: &[usize] = self.cells.get(k).map_or(&[], |v| v.as_slice());
        // A dwelling site missing from this cell is beyond its exit circle.
        let state = &mut self.state;
        self.active.retain(|i| {
            let kept = near.contains(i);
            if !kept {
                state[*i] = SiteState::Outside;
            }
            kept
        });
        for &i in near {
            let st = self.state[i];
            if st == SiteState::Narrated {
                continue;
            }
            let d2 = self.d2(i, fix.at);
            let (_, r2, exit2) = self.metric[i];
            self.state[i] = match st {
                SiteState::Narrated => SiteState::Narrated,
                SiteState::Outside if d2 <= r2 => {
                    self.active.push(i);
                    SiteState::Dwelling { since: fix.t, fixes: 1 }
                }
                SiteState::Outside => SiteState::Outside,
                SiteState::Dwelling { .. } if d2 > exit2 => {
                    self.active.retain(|a| *a != i);
                    SiteState::Outside
                }
                SiteState::Dwelling { since, fixes } => {
                    let fixes = fixes + 1;
                    if fix.t - since >= tu.dwell_s && fixes >= 2 {
                        self.active.retain(|a| *a != i);
                        out.start.push(i);
                        SiteState::Narrated
                    } else {
                        SiteState::Dwelling { since, fixes }
                    }
                }
            };
        }
        out.start.sort_unstable();
        out
    }
}

fn cell(p: LatLon, deg: (f64, f64)) -> (i32, i32) {
    ((p.lat / deg.0).floor() as i32, (p.lon / deg.1).floor() as i32)
}

/// The naive peer for the benchmark: every site checked at every fix, same rules.
pub fn naive(sites: &[Site], fixes: &[Fix], tuning: Tuning) -> Vec<(usize, usize)> {
    let mut state = vec![SiteState::Outside; sites.len()];
    let mut last: Option<Fix> = None;
    let mut out = Vec::new();
    for (k, fix) in fixes.iter().enumerate() {
        if let Some(l) = last {
            let dt = fix.t - l.t;
            if dt <= 0.0 || crate::geo::distance_m(l.at, fix.at) / dt > tuning.max_speed_mps {
                continue;
            }
            if dt > tuning.max_gap_s {
                for s in state.iter_mut() {
                    if let SiteState::Dwelling { .. } = s {
                        *s = SiteState::Outside;
                    }
                }
            }
        }
        last = Some(*fix);
        for (i, site) in sites.iter().enumerate() {
            let d = crate::geo::distance_m(site.at, fix.at);
            let exit = site.radius_m * tuning.exit_factor + tuning.exit_margin_m;
            state[i] = match state[i] {
                SiteState::Narrated => SiteState::Narrated,
                SiteState::Outside if d <= site.radius_m => SiteState::Dwelling { since: fix.t, fixes: 1 },
                SiteState::Outside => SiteState::Outside,
                SiteState::Dwelling { .. } if d > exit => SiteState::Outside,
                SiteState::Dwelling { since, fixes } if fix.t - since >= tuning.dwell_s && fixes + 1 >= 2 => {
                    out.push((k, i));
                    SiteState::Narrated
                }
                SiteState::Dwelling { since, fixes } => SiteState::Dwelling { since, fixes: fixes + 1 },
            };
        }
    }
    out
}

/// Test and benchmark traces, generated (reproducibly) rather than shipped.
pub mod traces {
    use super::{Fix, M_PER_DEG};
    use crate::LatLon;

    pub(super) fn rng(seed: u64) -> impl FnMut() -> f64 {
        let mut s = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
        move || {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            (s.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn offset(p: LatLon, north_m: f64, east_m: f64) -> LatLon {
        LatLon { lat: p.lat + north_m / M_PER_DEG, lon: p.lon + east_m / (M_PER_DEG * p.lat.to_radians().cos()) }
    }

    /// A walk at 1.3 m/s through `waypoints`, one fix a second with a few
    /// metres of noise, pausing `pause_s` at each waypoint.
    pub fn walk(waypoints: &[LatLon], pause_s: u32, noise_m: f64, seed: u64) -> Vec<Fix> {
        travel(waypoints, 1.3, pause_s, noise_m, seed)
    }

    /// Like [`walk`] at `speed_mps`.
    pub fn travel(waypoints: &[LatLon], speed_mps: f64, pause_s: u32, noise_m: f64, seed: u64) -> Vec<Fix> {
        let mut r = rng(seed);
        let mut out = Vec::new();
        let mut t = 0.0;
        let mut push = |p: LatLon, t: f64, r: &mut dyn FnMut() -> f64| {
            out.push(Fix { t, at: offset(p, (r() - 0.5) * 2.0 * noise_m, (r() - 0.5) * 2.0 * noise_m) });
        };
        for w in waypoints.windows(2) {
            let d = crate::geo::distance_m(w[0], w[1]);
            let steps = (d / speed_mps).ceil().max(1.0) as usize;
            for s in 0..steps {
                let f = s as f64 / steps as f64;
                let p = LatLon { lat: w[0].lat + (w[1].lat - w[0].lat) * f, lon: w[0].lon + (w[1].lon - w[0].lon) * f };
                push(p, t, &mut r);
                t += 1.0;
            }
            for _ in 0..pause_s {
                push(w[1], t, &mut r);
                t += 1.0;
            }
        }
        out
    }

    /// Someone standing `distance_m` from `site` for `seconds`, the fix
    /// jumping ±`jitter_m` across the boundary each second.
    pub fn jitter(site: LatLon, distance_m: f64, jitter_m: f64, seconds: u32, seed: u64) -> Vec<Fix> {
        let mut r = rng(seed);
        (0..seconds)
            .map(|t| Fix { t: t as f64, at: offset(site, distance_m + (r() - 0.5) * 2.0 * jitter_m, 0.0) })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KM0: LatLon = LatLon { lat: 22.8264, lon: 104.9836 };
    const SQUARE: LatLon = LatLon { lat: 22.8285, lon: 104.9832 };
    const MUSEUM: LatLon = LatLon { lat: 22.8300, lon: 104.9810 };

    fn run(t: &mut Trigger, fixes: &[Fix]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (k, f) in fixes.iter().enumerate() {
            out.extend(t.push(*f).start.into_iter().map(|i| (k, i)));
        }
        out
    }

    fn sites() -> Vec<Site> {
        [KM0, SQUARE, MUSEUM].into_iter().map(|at| Site { at, radius_m: 40.0 }).collect()
    }

    #[test]
    fn a_walk_through_the_town_centre_narrates_each_site_once_in_order() {
        let trace = traces::walk(&[KM0, SQUARE, MUSEUM, SQUARE, KM0], 30, 4.0, 1);
        let mut t = Trigger::new(sites(), Tuning::default());
        let got = run(&mut t, &trace);
        assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), [0, 1, 2], "{got:?}");
        assert_eq!(got, naive(&sites(), &trace, Tuning::default()));
    }

    #[test]
    fn the_grid_finds_what_checking_every_site_finds() {
        // 200 sites of mixed radii packed around the centre, a long noisy walk among them.
        let mut r = traces::rng(7);
        let sites: Vec<Site> = (0..200)
            .map(|_| Site {
                at: LatLon { lat: KM0.lat + (r() - 0.5) * 0.02, lon: KM0.lon + (r() - 0.5) * 0.02 },
                radius_m: 30.0 + r() * 120.0,
            })
            .collect();
        let route: Vec<LatLon> = (0..30).map(|i| sites[i * 6].at).collect();
        let trace = traces::walk(&route, 12, 6.0, 5);
        let mut t = Trigger::new(sites.clone(), Tuning::default());
        let got = run(&mut t, &trace);
        assert!(got.len() >= 20, "{}", got.len());
        assert_eq!(got, naive(&sites, &trace, Tuning::default()));
    }

    #[test]
    fn jitter_at_the_boundary_never_narrates_twice() {
        for seed in 0..20 {
            let trace = traces::jitter(KM0, 40.0, 15.0, 600, seed);
            let mut t = Trigger::new(sites(), Tuning::default());
            let got = run(&mut t, &trace);
            assert!(got.len() <= 1, "seed {seed}: {got:?}");
        }
    }

    #[test]
    fn riding_past_the_edge_is_not_a_visit() {
        // A motorbike at 10 m/s passing 33 m from the site: inside for ~4 s only.
        let (a, b) = (
            LatLon { lat: KM0.lat + 0.0003, lon: KM0.lon - 0.002 },
            LatLon { lat: KM0.lat + 0.0003, lon: KM0.lon + 0.002 },
        );
        let a = traces::travel(&[a, b], 10.0, 0, 0.0, 2);
        let mut t = Trigger::new(vec![Site { at: KM0, radius_m: 40.0 }], Tuning::default());
        assert!(run(&mut t, &a).is_empty());
    }

    #[test]
    fn duplicates_backwards_and_impossible_fixes_are_ignored() {
        let mut t = Trigger::new(vec![Site { at: KM0, radius_m: 40.0 }], Tuning::default());
        assert!(!t.push(Fix { t: 0.0, at: KM0 }).ignored);
        assert!(t.push(Fix { t: 0.0, at: KM0 }).ignored, "same time");
        assert!(t.push(Fix { t: -5.0, at: KM0 }).ignored, "backwards");
        assert!(t.push(Fix { t: 1.0, at: LatLon { lat: 23.36, lon: 105.32 } }).ignored, "60 km in a second");
        assert!(t.push(Fix { t: 2.0, at: LatLon { lat: f64::NAN, lon: 0.0 } }).ignored);
        // The duplicates did not count toward the dwell: still one real fix inside.
        assert!(t.push(Fix { t: 4.0, at: KM0 }).start.is_empty());
        assert_eq!(t.push(Fix { t: 9.0, at: KM0 }).start, [0]);
    }

    #[test]
    fn a_gap_restarts_the_dwell() {
        let mut t = Trigger::new(vec![Site { at: KM0, radius_m: 40.0 }], Tuning::default());
        t.push(Fix { t: 0.0, at: KM0 });
        // Ten minutes without a fix, then back inside: the dwell starts again.
        assert!(t.push(Fix { t: 600.0, at: KM0 }).start.is_empty());
        assert!(t.push(Fix { t: 603.0, at: KM0 }).start.is_empty());
        assert_eq!(t.push(Fix { t: 609.0, at: KM0 }).start, [0]);
        assert!(t.push(Fix { t: 620.0, at: KM0 }).start.is_empty(), "once only");
        assert_eq!(t.narrated().collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn leaving_needs_the_wider_radius() {
        let mut t = Trigger::new(vec![Site { at: KM0, radius_m: 40.0 }], Tuning::default());
        let north = |m: f64| LatLon { lat: KM0.lat + m / M_PER_DEG, lon: KM0.lon };
        t.push(Fix { t: 0.0, at: north(30.0) });
        t.push(Fix { t: 3.0, at: north(60.0) }); // outside 40 but inside 70: still dwelling
        assert_eq!(t.push(Fix { t: 9.0, at: north(30.0) }).start, [0]);
        let mut t = Trigger::new(vec![Site { at: KM0, radius_m: 40.0 }], Tuning::default());
        t.push(Fix { t: 0.0, at: north(30.0) });
        t.push(Fix { t: 3.0, at: north(80.0) }); // beyond 70: left
        assert!(t.push(Fix { t: 9.0, at: north(30.0) }).start.is_empty());
    }
}
