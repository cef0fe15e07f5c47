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
//! Sites are bucketed in a grid of cells as wide as the largest exit radius,
//! so each fix looks only at the sites of its 3×3 cells.

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
    cell_deg: f64,
    grid: HashMap<(i32, i32), Vec<usize>>,
    state: Vec<SiteState>,
    /// Sites currently dwelling or inside (to reset them cheaply).
    active: Vec<usize>,
    last: Option<Fix>,
}

const M_PER_DEG: f64 = 111_320.0;

impl Trigger {
    /// A trigger over `sites`.
    pub fn new(sites: Vec<Site>, tuning: Tuning) -> Trigger {
        let widest = sites.iter().map(|s| s.radius_m * tuning.exit_factor + tuning.exit_margin_m).fold(50.0, f64::max);
        // A cell is twice the widest exit radius in degrees of latitude, so even
        // east–west (where a degree shrinks by cos(lat) ≥ 0.5 below 60°) a site
        // within its exit radius lies in the fix's 3×3 block of cells.
        let cell_deg = widest / M_PER_DEG * 2.0;
        let mut grid: HashMap<(i32, i32), Vec<usize>> = HashMap::new();
        for (i, s) in sites.iter().enumerate() {
            grid.entry(cell(s.at, cell_deg)).or_default().push(i);
        }
        let state = vec![SiteState::Outside; sites.len()];
        Trigger { sites, tuning, cell_deg, grid, state, active: Vec::new(), last: None }
    }

    /// Sites already narrated.
    pub fn narrated(&self) -> impl Iterator<Item = usize> + '_ {
        self.state.iter().enumerate().filter(|(_, s)| **s == SiteState::Narrated).map(|(i, _)| i)
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
                    if let SiteState::Dwelling { .. } = self.state[i] {
                        self.state[i] = SiteState::Outside;
                    }
                }
            }
        }
        self.last = Some(fix);
        let mut out = Outcome::default();
        let (cx, cy) = cell(fix.at, self.cell_deg);
        let mut near = Vec::new();
        for dx in -1..=1 {
            for dy in -1..=1 {
                if let Some(list) = self.grid.get(&(cx + dx, cy + dy)) {
                    near.extend_from_slice(list);
                }
            }
        }
        // Sites no longer near leave their dwell.
        let mut still = Vec::with_capacity(self.active.len());
        for &i in &self.active {
            if near.contains(&i) {
                still.push(i);
            } else if let SiteState::Dwelling { .. } = self.state[i] {
                self.state[i] = SiteState::Outside;
            }
        }
        self.active = still;
        for i in near {
            let site = &self.sites[i];
            let d = crate::geo::distance_m(site.at, fix.at);
            let exit = site.radius_m * tu.exit_factor + tu.exit_margin_m;
            self.state[i] = match self.state[i] {
                SiteState::Narrated => SiteState::Narrated,
                SiteState::Outside if d <= site.radius_m => {
                    if !self.active.contains(&i) {
                        self.active.push(i);
                    }
                    SiteState::Dwelling { since: fix.t, fixes: 1 }
                }
                SiteState::Outside => SiteState::Outside,
                SiteState::Dwelling { .. } if d > exit => SiteState::Outside,
                SiteState::Dwelling { since, fixes } => {
                    let fixes = fixes + 1;
                    if fix.t - since >= tu.dwell_s && fixes >= 2 {
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

fn cell(p: LatLon, deg: f64) -> (i32, i32) {
    ((p.lat / deg).floor() as i32, (p.lon / deg).floor() as i32)
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

    fn rng(seed: u64) -> impl FnMut() -> f64 {
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
