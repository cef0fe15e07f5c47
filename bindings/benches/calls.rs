//! The cost of one bindings call, Rust side: the same cached search through
//! the core facade and through the bindings' object (records built, language
//! applied). scripts/bindings-bench.sh runs this, then the same call from
//! Python and Kotlin through the generated bindings, and prints them together.

use std::time::Instant;

fn median_ns(mut f: impl FnMut(), n: usize) -> u128 {
    for _ in 0..n / 10 {
        f();
    }
    let mut t: Vec<u128> = (0..n)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_nanos()
        })
        .collect();
    t.sort_unstable();
    t[n / 2]
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let ffi = mycity_ffi::MyCity::open(dir.path().to_string_lossy().into_owned(), None).expect("open");
    ffi.set_city("da-nang".into()).expect("city");
    let core = mycity_core::MyCity::open(mycity_core::Config { data_dir: dir.path().to_owned(), ..Default::default() })
        .expect("open core");
    let n = 20_000;
    let direct = median_ns(
        || {
            std::hint::black_box(core.search_places("cau rong", 5).expect("search"));
        },
        n,
    );
    let wrapped = median_ns(
        || {
            std::hint::black_box(ffi.search_places("cau rong".into(), 5).expect("search"));
        },
        n,
    );
    println!("rust core search_places median_ns={direct}");
    println!("rust bindings search_places median_ns={wrapped} ({:.2}x the core call)", wrapped as f64 / direct as f64);
}
