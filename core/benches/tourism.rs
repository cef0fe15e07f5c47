//! Tourism figures for docs/BENCHMARKS.md, each against its peer in the same run:
//! - the planner on 300 candidates with a 4-hour budget (target < 50 ms);
//! - the planner's score against the exact optimum (brute force) on 100
//!   random instances of ≤ 12 places (target ≥ 95% on every instance);
//! - the narration trigger over a 10,000-fix trace with 300 sites (target
//!   < 10 ms) against the naive check of every site at every fix, and double
//!   triggers on the jitter trace (target 0).

use std::time::{Duration, Instant};

use mycity_core::{
    tourism::{
        narration::{self, traces, Fix, Site, Trigger, Tuning},
        planner::{self, Mode},
    },
    LatLon,
};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        out = Some(v);
    }
    (best, out.expect("runs ≥ 1"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    println!("mycity tourism bench: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));

    // Planner speed: 300 candidates within 15 km, 4 hours by motorbike; median over 20 instances.
    let mut times = Vec::new();
    let mut stops = 0;
    for seed in 0..20 {
        let inst = planner::random_instance(1000 + seed, 300, 15.0, 240, Mode::Motorbike);
        let (d, r) = best_of(1, || planner::plan(&inst));
        times.push(d);
        stops += r.stops.len();
    }
    times.sort();
    println!(
        "planner 300 candidates, 4 h: median {:.1} ms, worst {:.1} ms (target < 50 ms), {:.1} stops on average",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        stops as f64 / 20.0
    );

    // Planner quality: 100 instances of 8–12 places against the brute force.
    let (mut worst, mut sum, mut optimal, mut within) = (1.0f64, 0.0, 0, 0);
    let (mut t_plan, mut t_exact) = (Duration::ZERO, Duration::ZERO);
    for seed in 0..100u64 {
        let n = 8 + (seed % 5) as usize;
        let inst = planner::random_instance(seed, n, 6.0, 180, Mode::Walk);
        let t = Instant::now();
        let got = planner::plan(&inst);
        t_plan += t.elapsed();
        let t = Instant::now();
        let best = planner::exact(&inst);
        t_exact += t.elapsed();
        let ratio = if best.score > 0.0 { got.score / best.score } else { 1.0 };
        worst = worst.min(ratio);
        sum += ratio;
        optimal += usize::from(ratio >= 1.0 - 1e-9);
        within += usize::from(ratio >= 0.95);
    }
    println!(
        "planner vs brute force, 100 instances of 8–12 places, 3 h on foot: {within}/100 within 5% (target 100), \
         {optimal}/100 optimal, mean {:.3}, worst {:.3}; planner {:.2} ms per instance vs brute force {:.2} ms",
        sum / 100.0,
        worst,
        ms(t_plan) / 100.0,
        ms(t_exact) / 100.0
    );

    // Narration: 300 sites spread over ~4 km around Hà Giang's centre, a 10,000-fix walk among them.
    let centre = LatLon { lat: 22.8233, lon: 104.9836 };
    let mut sites = Vec::with_capacity(300);
    let mut s = 0x1234_5678_u64;
    let mut rnd = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 1_000_000) as f64 / 1_000_000.0
    };
    for _ in 0..300 {
        let at = LatLon { lat: centre.lat + (rnd() - 0.5) * 0.036, lon: centre.lon + (rnd() - 0.5) * 0.039 };
        sites.push(Site { at, radius_m: 40.0 + rnd() * 110.0 });
    }
    let mut waypoints = vec![centre];
    for i in 0..40 {
        waypoints.push(sites[i * 7].at);
    }
    let mut trace: Vec<Fix> = traces::walk(&waypoints, 15, 5.0, 9);
    trace.truncate(10_000);
    let n = trace.len();
    let tuning = Tuning::default();
    let (fast, fired) = best_of(5, || {
        let mut t = Trigger::new(sites.clone(), tuning);
        let mut k = 0;
        for f in &trace {
            k += t.push(*f).start.len();
        }
        k
    });
    let (slow, naive) = best_of(3, || narration::naive(&sites, &trace, tuning));
    println!(
        "narration trigger, {n} fixes × 300 sites: {:.2} ms (target < 10 ms) vs naive every-site check {:.2} ms \
         ({:.1}× faster), {fired} narrations (naive {})",
        ms(fast),
        ms(slow),
        slow.as_secs_f64() / fast.as_secs_f64(),
        naive.len()
    );

    // Jitter: someone standing at a site's boundary, the fix jumping ±15 m, for 10 minutes, 100 times.
    let mut doubles = 0;
    let mut once = 0;
    for seed in 0..100 {
        let jitter = traces::jitter(centre, 40.0, 15.0, 600, seed);
        let mut t = Trigger::new(vec![Site { at: centre, radius_m: 40.0 }], tuning);
        let k: usize = jitter.iter().map(|f| t.push(*f).start.len()).sum();
        doubles += k.saturating_sub(1);
        once += usize::from(k == 1);
    }
    println!("jitter at the boundary, 100 traces of 600 fixes: {doubles} double triggers (target 0), narrated once in {once}");
}
