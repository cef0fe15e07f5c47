//! "Plan my free time": an orienteering problem with time windows. From a
//! start, within a time budget, choose and order stops so that each is
//! visited whole inside its opening hours and the total interest is highest.
//!
//! Exact answers cost exponential time, so [`plan`] builds a route by greedy
//! insertion (best interest per added minute, at the cheapest feasible
//! position), then improves it by local search: 2-opt and relocation to
//! shorten it (freeing time), insertion of what now fits, swaps of a stop for
//! a better one outside, and removal-and-refill; then restarts seeded with
//! the promising stops the first answer left out. [`exact`] is the brute force
//! the benchmark and tests measure it against on small instances. Pure: no
//! clock, no store.

/// How the visitor moves between stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// On foot.
    Walk,
    /// By motorbike (how most visitors ride the Hà Giang loop).
    Motorbike,
    /// By car.
    Car,
}

impl Mode {
    /// Average door-to-door speed in km/h on the straight-line distance
    /// (roads wind; these already include the detour).
    pub fn speed_kmh(self) -> f64 {
        match self {
            Mode::Walk => 3.5,
            Mode::Motorbike => 22.0,
            Mode::Car => 25.0,
        }
    }

    /// Parses `walk`, `motorbike`, `car` (and `bike`, `foot`).
    pub fn parse(s: &str) -> Option<Mode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "walk" | "foot" | "di-bo" => Some(Mode::Walk),
            "motorbike" | "bike" | "xe-may" => Some(Mode::Motorbike),
            "car" | "o-to" => Some(Mode::Car),
            _ => None,
        }
    }

    /// Stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Walk => "walk",
            Mode::Motorbike => "motorbike",
            Mode::Car => "car",
        }
    }
}

/// One place the plan may visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Interest gained by visiting (> 0).
    pub score: f64,
    /// Minutes spent there.
    pub visit: u32,
    /// When it is open, in minutes from the plan's start (sorted); a visit
    /// must begin and end inside one window. Empty = always open.
    pub windows: Vec<(u32, u32)>,
}

/// A planning instance: candidates and minutes of travel between every pair,
/// index 0 being the start (so `travel[0][i + 1]` is start → candidate `i`).
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// The places.
    pub candidates: Vec<Candidate>,
    /// `(n + 1) × (n + 1)` minutes.
    pub travel: Vec<Vec<f32>>,
    /// Minutes available from the start.
    pub budget: u32,
    /// Whether the visitor must be back at the start within the budget.
    pub round_trip: bool,
}

/// A stop of a plan.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Stop {
    /// Candidate index.
    pub candidate: usize,
    /// Minutes from the start when the visitor arrives.
    pub arrive: f32,
    /// Minutes from the start when the visit begins (after waiting for opening).
    pub begin: f32,
    /// Minutes from the start when the visitor leaves.
    pub leave: f32,
}

/// A feasible route and what it is worth.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Route {
    /// Stops in visiting order.
    pub stops: Vec<Stop>,
    /// Sum of the stops' scores.
    pub score: f64,
    /// Minutes from the start to the end (back at the start for a round trip).
    pub minutes: f32,
}

impl Instance {
    fn t(&self, a: usize, b: usize) -> f32 {
        self.travel[a][b]
    }

    /// Simulates visiting `order` (candidate indices); `None` when a visit
    /// misses its hours or the budget runs out.
    pub fn evaluate(&self, order: &[usize]) -> Option<Route> {
        let mut stops = Vec::with_capacity(order.len());
        let (mut now, mut at, mut score) = (0f32, 0usize, 0f64);
        for &c in order {
            let cand = &self.candidates[c];
            let arrive = now + self.t(at, c + 1);
            let begin = fit(&cand.windows, arrive, cand.visit)?;
            let leave = begin + cand.visit as f32;
            if leave > self.budget as f32 + 1e-3 {
                return None;
            }
            stops.push(Stop { candidate: c, arrive, begin, leave });
            now = leave;
            at = c + 1;
            score += cand.score;
        }
        let minutes = if self.round_trip && at != 0 { now + self.t(at, 0) } else { now };
        (minutes <= self.budget as f32 + 1e-3).then_some(Route { stops, score, minutes })
    }

    /// Only the end time of `order`, without building the route (the hot path).
    fn end_time(&self, order: &[usize]) -> Option<f32> {
        let (mut now, mut at) = (0f32, 0usize);
        let budget = self.budget as f32 + 1e-3;
        for &c in order {
            let cand = &self.candidates[c];
            now = fit(&cand.windows, now + self.t(at, c + 1), cand.visit)? + cand.visit as f32;
            if now > budget {
                return None;
            }
            at = c + 1;
        }
        if self.round_trip && at != 0 {
            now += self.t(at, 0);
        }
        (now <= budget).then_some(now)
    }

    fn score(&self, order: &[usize]) -> f64 {
        order.iter().map(|&c| self.candidates[c].score).sum()
    }
}

/// The earliest begin ≥ `arrive` such that `visit` minutes fit in one window.
fn fit(windows: &[(u32, u32)], arrive: f32, visit: u32) -> Option<f32> {
    if windows.is_empty() {
        return Some(arrive);
    }
    windows.iter().find_map(|&(a, b)| {
        let begin = arrive.max(a as f32);
        (begin + visit as f32 <= b as f32 + 1e-3).then_some(begin)
    })
}

/// Greedy insertion: while something fits, add the candidate with the best
/// `score^power` per added minute at its cheapest feasible position.
fn insert_greedy(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool], power: f64) {
    let mut trial = Vec::with_capacity(order.len() + 1);
    let budget = inst.budget as f32 + 1e-3;
    loop {
        let Some(route) = inst.evaluate(order) else { return };
        let base = route.minutes;
        let mut best: Option<(f64, usize, usize)> = None;
        for (c, cand) in inst.candidates.iter().enumerate() {
            if used[c] {
                continue;
            }
            let gain = cand.score.powf(power);
            for pos in 0..=order.len() {
                // Leaving the previous stop no earlier than now, c cannot end
                // before this; past the budget, no need to simulate.
                let (prev, leave) = if pos == 0 { (0, 0.0) } else { (order[pos - 1] + 1, route.stops[pos - 1].leave) };
                if leave + inst.t(prev, c + 1) + cand.visit as f32 > budget {
                    continue;
                }
                trial.clear();
                trial.extend_from_slice(&order[..pos]);
                trial.push(c);
                trial.extend_from_slice(&order[pos..]);
                if let Some(end) = inst.end_time(&trial) {
                    let ratio = gain / ((end - base).max(0.0) as f64 + 1.0);
                    if best.is_none_or(|b| ratio > b.0) {
                        best = Some((ratio, c, pos));
                    }
                }
            }
        }
        match best {
            Some((_, c, pos)) => {
                order.insert(pos, c);
                used[c] = true;
            }
            None => return,
        }
    }
}

/// Shortens the route without changing its stops: 2-opt reversals and moving
/// one stop elsewhere, first improvement, until neither helps.
fn shorten(inst: &Instance, order: &mut Vec<usize>) {
    let Some(mut best) = inst.end_time(order) else { return };
    let n = order.len();
    let mut improved = true;
    let mut trial = order.clone();
    while improved {
        improved = false;
        for i in 0..n {
            for j in i + 1..n {
                trial.clone_from(order);
                trial[i..=j].reverse();
                if let Some(e) = inst.end_time(&trial).filter(|e| *e + 1e-3 < best) {
                    best = e;
                    order.clone_from(&trial);
                    improved = true;
                }
            }
        }
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                trial.clone_from(order);
                let c = trial.remove(i);
                trial.insert(j, c);
                if let Some(e) = inst.end_time(&trial).filter(|e| *e + 1e-3 < best) {
                    best = e;
                    order.clone_from(&trial);
                    improved = true;
                }
            }
        }
    }
}

/// Replaces one stop by one outside with a higher score, at any position.
fn swap_better(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool]) -> bool {
    let mut trial = Vec::with_capacity(order.len());
    for i in 0..order.len() {
        let out = order[i];
        for c in 0..inst.candidates.len() {
            if used[c] || inst.candidates[c].score <= inst.candidates[out].score + 1e-9 {
                continue;
            }
            for pos in 0..order.len() {
                trial.clone_from(order);
                trial.remove(i);
                trial.insert(pos, c);
                if inst.end_time(&trial).is_some() {
                    used[out] = false;
                    used[c] = true;
                    *order = trial;
                    return true;
                }
            }
        }
    }
    false
}

/// Removes each stop in turn and refills greedily; keeps a better result.
fn remove_refill(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool], power: f64) -> bool {
    let score = inst.score(order);
    for i in 0..order.len() {
        let mut o = order.clone();
        let mut u = used.to_vec();
        let gone = o.remove(i);
        u[gone] = true; // keep it out while refilling, so the refill differs
        shorten(inst, &mut o);
        insert_greedy(inst, &mut o, &mut u, power);
        u[gone] = o.contains(&gone);
        if inst.score(&o) > score + 1e-9 {
            *order = o;
            used.copy_from_slice(&u);
            return true;
        }
    }
    false
}

/// Removes every pair of stops in turn and refills greedily; keeps a better
/// result. Escapes optima where one better stop needs the time of two.
fn remove_pair_refill(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool]) -> bool {
    let score = inst.score(order);
    for i in 0..order.len() {
        for j in i + 1..order.len() {
            let mut base = order.clone();
            let (a, b) = (base[i], base[j]);
            base.remove(j);
            base.remove(i);
            shorten(inst, &mut base);
            // Refill favouring the best stops first, then balanced.
            for power in [4.0, 1.0] {
                let mut o = base.clone();
                let mut u = used.to_vec();
                insert_greedy(inst, &mut o, &mut u, power);
                if inst.score(&o) > score + 1e-9 {
                    u[a] = o.contains(&a);
                    u[b] = o.contains(&b);
                    *order = o;
                    used.copy_from_slice(&u);
                    return true;
                }
            }
        }
    }
    false
}

fn unusable(inst: &Instance) -> Vec<bool> {
    (0..inst.candidates.len()).map(|c| inst.candidates[c].score <= 0.0 || inst.end_time(&[c]).is_none()).collect()
}

/// Local search from `order`: shorten, insert, swap, remove-and-refill, until none helps.
fn descend(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool], power: f64) {
    for _ in 0..50 {
        shorten(inst, order);
        insert_greedy(inst, order, used, power);
        if swap_better(inst, order, used) {
            continue;
        }
        if !remove_refill(inst, order, used, power) {
            break;
        }
    }
    shorten(inst, order);
}

/// Greedy construction then local search, weighing score by `power`.
fn improve(inst: &Instance, power: f64) -> Vec<usize> {
    let mut used = unusable(inst);
    let mut order = Vec::new();
    insert_greedy(inst, &mut order, &mut used, power);
    descend(inst, &mut order, &mut used, power);
    order
}

/// A good plan for `inst` (never infeasible; empty when nothing fits). Runs
/// the construction with three weightings of interest against time (favour
/// cheap stops, balance, favour the best stops) and keeps the best result:
/// each alone has instances where it walks into a poor local optimum. Then
/// it restarts from the most promising stops the best plan leaves out, and
/// the best is shaken by removing pairs of stops (one better stop may need
/// the time of two), each accepted shake followed by the local search again.
pub fn plan(inst: &Instance) -> Route {
    let mut best: Vec<usize> = Vec::new();
    let mut best_route = Route { stops: vec![], score: 0.0, minutes: 0.0 };
    for power in [1.0, 2.0, 0.5] {
        let order = improve(inst, power);
        if let Some(r) = inst.evaluate(&order) {
            let better = r.score > best_route.score + 1e-9
                || (r.score > best_route.score - 1e-9 && r.minutes < best_route.minutes);
            if better {
                best_route = r;
                best = order;
            }
        }
    }
    // Seeded restarts: greedy construction gets the first stop wrong when the
    // best plan is two stops that each look worse than one alone. Start again
    // from each of the most promising stops the best plan leaves out (a work
    // budget: more seeds on small instances, a few on large ones).
    let seeds = (1200 / inst.candidates.len().max(1)).clamp(3, 16);
    let skip = unusable(inst);
    let mut promise: Vec<(f64, usize)> = (0..inst.candidates.len())
        .filter(|&c| !skip[c] && !best.contains(&c))
        .map(|c| {
            let cand = &inst.candidates[c];
            (cand.score / (inst.t(0, c + 1) + cand.visit as f32 + 1.0) as f64, c)
        })
        .collect();
    promise.sort_by(|a, b| b.0.total_cmp(&a.0));
    for &(_, c) in promise.iter().take(seeds) {
        let mut used = skip.clone();
        used[c] = true;
        let mut order = vec![c];
        insert_greedy(inst, &mut order, &mut used, 1.0);
        descend(inst, &mut order, &mut used, 1.0);
        if let Some(r) = inst.evaluate(&order) {
            if r.score > best_route.score + 1e-9 {
                best_route = r;
                best = order;
            }
        }
    }
    let mut used = unusable(inst);
    for &c in &best {
        used[c] = true;
    }
    // Bounded: each accepted shake raises the score.
    for _ in 0..20 {
        if !remove_pair_refill(inst, &mut best, &mut used) {
            break;
        }
        descend(inst, &mut best, &mut used, 1.0);
    }
    inst.evaluate(&best).filter(|r| r.score >= best_route.score).unwrap_or(best_route)
}

/// The best plan by exhaustive search (depth-first over every feasible
/// sequence, pruned by the score still reachable). Exponential: for
/// instances of a dozen candidates, as the planner's yardstick.
pub fn exact(inst: &Instance) -> Route {
    fn go(inst: &Instance, order: &mut Vec<usize>, used: &mut [bool], left: f64, best: &mut (f64, Vec<usize>)) {
        let score = inst.score(order);
        if score > best.0 + 1e-9 {
            *best = (score, order.clone());
        }
        if score + left <= best.0 + 1e-9 {
            return;
        }
        for c in 0..inst.candidates.len() {
            if used[c] {
                continue;
            }
            order.push(c);
            if inst.end_time(order).is_some() {
                used[c] = true;
                go(inst, order, used, left - inst.candidates[c].score, best);
                used[c] = false;
            }
            order.pop();
        }
    }
    let total: f64 = inst.candidates.iter().map(|c| c.score.max(0.0)).sum();
    let mut used: Vec<bool> = inst.candidates.iter().map(|c| c.score <= 0.0).collect();
    let mut best = (0.0, vec![]);
    go(inst, &mut vec![], &mut used, total, &mut best);
    inst.evaluate(&best.1).unwrap_or(Route { stops: vec![], score: 0.0, minutes: 0.0 })
}

/// Straight-line travel minutes between points at `speed_kmh`.
pub fn travel_matrix(points: &[crate::LatLon], speed_kmh: f64) -> Vec<Vec<f32>> {
    points
        .iter()
        .map(|a| points.iter().map(|b| (crate::geo::distance_m(*a, *b) / 1000.0 / speed_kmh * 60.0) as f32).collect())
        .collect()
}

/// A random instance (for the tests and the benchmark): `n` places within
/// `radius_km` of the start, some with hours, a `budget` in minutes.
pub fn random_instance(seed: u64, n: usize, radius_km: f64, budget: u32, mode: Mode) -> Instance {
    let mut s = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) | 1;
    let mut next = move || {
        // xorshift64*: reproducible without a crate.
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        (s.wrapping_mul(0x2545F4914F6CDD1D) >> 11) as f64 / (1u64 << 53) as f64
    };
    let start = crate::LatLon { lat: 22.8233, lon: 104.9836 };
    let mut points = vec![start];
    let mut candidates = Vec::with_capacity(n);
    for _ in 0..n {
        let (r, a) = (radius_km * next().sqrt(), next() * std::f64::consts::TAU);
        points.push(crate::LatLon {
            lat: start.lat + r * a.sin() / 111.0,
            lon: start.lon + r * a.cos() / (111.0 * start.lat.to_radians().cos()),
        });
        let windows = if next() < 0.3 {
            let open = (next() * budget as f64 * 0.5) as u32;
            vec![(open, open + 60 + (next() * budget as f64) as u32)]
        } else {
            vec![]
        };
        candidates.push(Candidate { score: 1.0 + (next() * 4.0).floor(), visit: 15 + (next() * 60.0) as u32, windows });
    }
    Instance { travel: travel_matrix(&points, mode.speed_kmh()), candidates, budget, round_trip: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: usize, gap: f32, visit: u32, budget: u32) -> Instance {
        // Places on a line, `gap` minutes apart, the start at 0.
        let travel =
            (0..=n).map(|i| (0..=n).map(|j| (i as f32 - j as f32).abs() * gap).collect::<Vec<f32>>()).collect();
        let candidates = (0..n).map(|_| Candidate { score: 1.0, visit, windows: vec![] }).collect();
        Instance { candidates, travel, budget, round_trip: false }
    }

    #[test]
    fn visits_in_order_along_a_line_within_the_budget() {
        let inst = line(6, 10.0, 20, 100);
        let r = plan(&inst);
        // Each stop costs 30 minutes: three fit in 100.
        assert_eq!(r.stops.len(), 3);
        assert!(r.minutes <= 100.0);
        assert_eq!(r.stops.iter().map(|s| s.candidate).collect::<Vec<_>>(), [0, 1, 2]);
    }

    #[test]
    fn waits_for_opening_and_skips_what_closes_before() {
        let mut inst = line(2, 10.0, 30, 200);
        inst.candidates[0].windows = vec![(60, 120)];
        inst.candidates[1].windows = vec![(0, 25)]; // closes before a 30-min visit can end
        let r = plan(&inst);
        assert_eq!(r.stops.len(), 1);
        assert_eq!(r.stops[0].begin, 60.0, "waited for opening");
        assert_eq!(r.stops[0].arrive, 10.0);
    }

    #[test]
    fn a_round_trip_keeps_time_to_come_back() {
        let mut inst = line(4, 10.0, 10, 60);
        assert_eq!(plan(&inst).stops.len(), 3, "one way: 20+20+20");
        inst.round_trip = true;
        let r = plan(&inst);
        assert!(r.minutes <= 60.0);
        assert_eq!(r.stops.len(), 2, "10+10+10+10 then 20 back");
    }

    #[test]
    fn prefers_interest_over_count() {
        let mut inst = line(3, 10.0, 20, 60);
        inst.candidates[2].score = 10.0; // far but worth it
        let r = plan(&inst);
        assert!(r.stops.iter().any(|s| s.candidate == 2), "{r:?}");
    }

    #[test]
    fn nothing_fits_gives_an_empty_route() {
        let inst = line(3, 100.0, 20, 60);
        let r = plan(&inst);
        assert!(r.stops.is_empty() && r.score == 0.0);
    }

    #[test]
    fn every_plan_is_feasible_and_close_to_the_optimum() {
        let mut worst: f64 = 1.0;
        for seed in 0..100 {
            let inst = random_instance(seed, 8 + (seed % 5) as usize, 6.0, 180, Mode::Walk);
            let got = plan(&inst);
            let again = inst.evaluate(&got.stops.iter().map(|s| s.candidate).collect::<Vec<_>>()).unwrap();
            assert_eq!(again.score, got.score);
            let best = exact(&inst);
            assert!(got.score <= best.score + 1e-9);
            if best.score > 0.0 {
                worst = worst.min(got.score / best.score);
            }
        }
        assert!(worst >= 0.95, "worst ratio {worst}");
    }

    #[test]
    fn modes_parse_and_order_by_speed() {
        assert_eq!(Mode::parse("Motorbike"), Some(Mode::Motorbike));
        assert_eq!(Mode::parse("plane"), None);
        assert!(Mode::Walk.speed_kmh() < Mode::Motorbike.speed_kmh());
    }
}
