//! The foundation benchmark: measures the foundation's numbers and prints them.
//!
//! Run with `cargo bench -p mycity-core --bench foundation`. It builds a
//! Hà Giang pack with 50,000 extra synthetic places, then times import, open +
//! home, folded search against three peers over the same rows (stock FTS5 with
//! BM25, an FTS5 trigram index, a `LIKE '%…%'` scan), and point→ward lookups
//! (the five cities' real wards, 1,000 bands whose bounding boxes overlap,
//! 1,000 squares) against a linear scan over the polygons; a child process
//! measures the core's peak resident memory so the benchmark's own
//! allocations do not count.

use std::{
    collections::HashSet,
    path::Path,
    time::{Duration, Instant},
};

use geo::{Contains, Coord, Intersects, LineString, MultiPolygon, Point, Polygon};
use mycity_core::{
    geo::WardIndex,
    pack::{bundled, LatLon, Localized, WardDef},
    text, CityPack, Config, MyCity, PackSource, Place,
};
use rusqlite::{types::Value, Connection, Row};

const SYNTHETIC: usize = 50_000;
const SEARCHES: usize = 1_000;
/// Results per search, as the places screen asks.
const LIMIT: usize = 20;
const CITY: &str = "ha-giang";
const WARD_POINTS: usize = 200_000;

/// xorshift64*: deterministic and dependency-free, good enough for test data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const SYLLABLES: &[&str] = &[
    "Minh", "Khai", "Thành", "Nguyễn", "Trần", "Lê", "Phú", "Quang", "Hưng", "Thịnh", "Bình", "An", "Lộc", "Tân",
    "Phước", "Hòa", "Xuân", "Thu", "Hạ", "Đông", "Sơn", "Thủy", "Kim", "Ngọc", "Bảo", "Long", "Vân", "Hải", "Yên",
    "Mỹ", "Đức", "Trung", "Tâm", "Hồng", "Lam", "Thanh", "Phương", "Vĩnh", "Cường", "Nghĩa", "Tiến", "Toàn", "Việt",
    "Hoàng", "Quý", "Hiền", "Tú", "Lợi", "Gia", "Huy", "Khánh", "Linh", "Mai", "Nam", "Oanh", "Phong", "Quyết",
];
const KINDS: &[(&str, &str)] = &[
    ("Quán phở", "food"),
    ("Nhà nghỉ", "lodging"),
    ("Chợ", "market"),
    ("Tiệm", "other"),
    ("Cà phê", "food"),
    ("Homestay", "lodging"),
    ("Cửa hàng", "other"),
    ("Nhà văn hóa", "admin"),
];

fn synthetic_pack() -> String {
    let wire = bundled::wire("ha-giang").expect("bundled").expect("bundle combines");
    let mut pack: serde_json::Value = serde_json::from_str(&wire).expect("bundled JSON");
    let bbox = pack["bbox"].clone();
    let f = |k: &str| bbox[k].as_f64().expect("bbox");
    let (lat0, lat1, lon0, lon1) = (f("min_lat"), f("max_lat"), f("min_lon"), f("max_lon"));
    let mut rng = Rng(0x5eed);
    let places = pack["places"].as_array_mut().expect("places");
    for i in 0..SYNTHETIC {
        let (prefix, kind) = KINDS[rng.below(KINDS.len())];
        // Real names repeat ("Quán phở Minh Khai") and some carry a house number ("Phở 24").
        let mut name =
            format!("{prefix} {} {}", SYLLABLES[rng.below(SYLLABLES.len())], SYLLABLES[rng.below(SYLLABLES.len())]);
        if rng.below(3) == 0 {
            name.push_str(&format!(" {}", rng.below(99) + 1));
        }
        places.push(serde_json::json!({
            "id": format!("synthetic-{i}"),
            "kind": kind,
            "name": {"vi": name, "en": name},
            "description": {"vi": format!("{name}, phục vụ khách từ sáng đến tối."), "en": "A local business."},
            "lat": lat0 + rng.unit() * (lat1 - lat0),
            "lon": lon0 + rng.unit() * (lon1 - lon0),
            "address": format!("Số {} đường {}", rng.below(400) + 1, SYLLABLES[rng.below(SYLLABLES.len())]),
            "opening_hours": "07:00-22:00", "ticket_price_vnd": null, "qr_id": null,
            "narration": {"vi": "", "en": ""}, "photo": null
        }));
    }
    pack["version"] = serde_json::json!(1000);
    pack.to_string()
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pct(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn open(dir: &Path) -> MyCity {
    MyCity::open(Config { data_dir: dir.to_owned(), server_url: None, ..Default::default() }).expect("open")
}

const QUERIES: &[&str] = &[
    "dong van",
    "ĐỒNG VĂN",
    "Đồng Văn",
    "lung cu",
    "ma pi leng",
    "pho",
    "nha nghi minh",
    "cho",
    "hoang phong",
    "quan ba",
];

fn rss_phase(dir: &Path) {
    let core = open(dir);
    core.set_city("ha-giang").expect("city");
    let home = core.home().expect("home");
    assert!(home.place_count > SYNTHETIC as i64);
    for i in 0..SEARCHES {
        core.search_places(QUERIES[i % QUERIES.len()], 20).expect("search");
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ? kB");
    println!("{hwm}");
}

fn ward_grid(n_x: usize, n_y: usize) -> Vec<WardDef> {
    // 1,000 wards, each a square with 8 points per edge so the polygon test does real work.
    let mut out = Vec::new();
    let (w, h) = (0.01, 0.01);
    for i in 0..n_x {
        for j in 0..n_y {
            let (x0, y0) = (104.0 + i as f64 * w, 22.0 + j as f64 * h);
            let mut ring = Vec::new();
            for k in 0..8 {
                ring.push([x0 + w * k as f64 / 8.0, y0]);
            }
            for k in 0..8 {
                ring.push([x0 + w, y0 + h * k as f64 / 8.0]);
            }
            for k in 0..8 {
                ring.push([x0 + w - w * k as f64 / 8.0, y0 + h]);
            }
            for k in 0..8 {
                ring.push([x0, y0 + h - h * k as f64 / 8.0]);
            }
            ring.push([x0, y0]);
            let code = format!("w{i}-{j}");
            out.push(WardDef {
                name: Localized { vi: code.clone(), en: code.clone() },
                code,
                kind: "phuong".into(),
                approximate: true,
                polygons: vec![vec![ring]],
            });
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-phase") {
        rss_phase(Path::new(&args[i + 1]));
        return;
    }
    println!("mycity-bench: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));

    // Import.
    let wire = synthetic_pack();
    println!("pack: {} places, {:.1} MB JSON", SYNTHETIC, wire.len() as f64 / 1e6);
    // Import three times into fresh stores (the machine is a shared VM; one run can be unlucky).
    let mut runs = Vec::new();
    let mut dir = tempfile::tempdir().expect("tempdir");
    for _ in 0..3 {
        dir = tempfile::tempdir().expect("tempdir");
        let core = open(dir.path());
        let t = Instant::now();
        let pack = CityPack::parse(&wire).expect("synthetic pack parses");
        let parse = t.elapsed();
        let t = Instant::now();
        let outcome = mycity_core::city::import(core.store(), &pack, PackSource::File, None).expect("import");
        let import = t.elapsed();
        assert!(matches!(outcome, mycity_core::ImportOutcome::Replaced { to: 1000, .. }));
        let t = Instant::now();
        core.store().maintain().join().expect("thread").expect("maintenance");
        runs.push((parse + import, parse, import, t.elapsed()));
    }
    runs.sort_by_key(|r| r.0);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let (total, parse, import, tidy) = runs[1];
    println!(
        "import 50k-place pack, median of 3: parse {:.0} ms + store {:.0} ms = {:.0} ms (runs {:.0}/{:.0}/{:.0} ms)  [target < 1000 ms]",
        ms(parse),
        ms(import),
        ms(total),
        ms(runs[0].0),
        ms(runs[1].0),
        ms(runs[2].0)
    );
    println!(
        "  then, in the background: index merge + WAL checkpoint {:.0} ms; database {:.1} MB",
        ms(tidy),
        std::fs::metadata(dir.path().join("mycity.sqlite")).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0)
    );
    drop(wire);

    // Open + home.
    let mut times = Vec::new();
    for _ in 0..60 {
        let t = Instant::now();
        let core = open(dir.path());
        let home = core.home().expect("home");
        times.push(t.elapsed());
        assert_eq!(home.city.slug, CITY);
    }
    times.drain(..10);
    println!("open store + home data: median {:.2} ms  [target < 15 ms]", us(median(&mut times)) / 1e3);

    let core = open(dir.path());
    let peers = build_peers(dir.path());
    search_figures(&core, &peers);
    drop((core, peers));

    ward_figures();

    // Memory, in a fresh process.
    let exe = std::env::current_exe().expect("exe");
    match std::process::Command::new(exe).arg("--rss-phase").arg(dir.path()).output() {
        Ok(out) => println!(
            "core peak RSS after open + home + {SEARCHES} searches: {}  [target < 40 MB]",
            String::from_utf8_lossy(&out.stdout).trim()
        ),
        Err(e) => println!("rss phase failed: {e}"),
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "ok"
    } else {
        "MISSED"
    }
}

// ---------------------------------------------------------------------------
// Search and its peers.

/// What each engine is; the peers are what a developer would write with stock
/// SQLite over the same rows.
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Ours,
    Stock,
    Trigram,
    Like,
}

impl Engine {
    const ALL: [Engine; 4] = [Engine::Ours, Engine::Stock, Engine::Trigram, Engine::Like];

    fn label(self) -> &'static str {
        match self {
            Engine::Ours => "ours (folded FTS5 + pair tokens, tiers)",
            Engine::Stock => "peer A: stock FTS5 unicode61 rd2, BM25",
            Engine::Trigram => "peer B: FTS5 trigram on folded text",
            Engine::Like => "peer C: LIKE scan on folded text",
        }
    }

    fn search(self, core: &MyCity, peers: &Connection, q: &str) -> Vec<Place> {
        match self {
            Engine::Ours => core.search_places(q, LIMIT).expect("search"),
            Engine::Stock => stock_search(peers, q),
            Engine::Trigram => trigram_search(peers, q),
            Engine::Like => like_search(peers, q),
        }
    }
}

/// The text of one place, as each index wants it.
struct PeerRow {
    id: i64,
    city: String,
    /// Vietnamese name, and the English one when it is not the same words.
    raw_name: String,
    /// Vietnamese description and address.
    raw_body: String,
    name: String,
    body: String,
}

/// The same terms the core's import indexes, so every engine indexes the same words.
fn fold_terms(texts: &[&str]) -> String {
    let mut out = String::new();
    text::index_terms(&mut out, texts);
    out
}

fn peer_rows(c: &Connection) -> Vec<PeerRow> {
    let mut st = c
        .prepare(
            "SELECT id, city, name_vi, name_en, description_vi, coalesce(address, '') FROM core.places ORDER BY id",
        )
        .expect("rows");
    st.query_map([], |r| {
        let (vi, en, desc, addr): (String, String, String, String) = (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        let name = fold_terms(&[&vi, &en]);
        let raw_name =
            if text::fold(&en) == text::fold(&vi) || en.is_empty() { vi.clone() } else { format!("{vi} {en}") };
        Ok(PeerRow {
            id: r.get(0)?,
            city: r.get(1)?,
            raw_body: format!("{desc} {addr}"),
            body: fold_terms(&[&desc, &addr]),
            raw_name,
            name,
        })
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// Builds the three peers, each in a database file of its own next to the
/// core's (`peer_fts.sqlite`, `peer_tri.sqlite`, `peer_like.sqlite`), so the
/// core's file, which the RSS phase opens, stays what the app wrote. One
/// connection attaches them and the core's file, with the core's read
/// settings (mmap), and every peer fetches its rows from the core's `places`,
/// so all engines pay the same to turn a match into a `Place`.
fn build_peers(dir: &Path) -> Connection {
    let c = Connection::open_in_memory().expect("peer connection");
    let attach = |file: &str, schema: &str| {
        let path = dir.join(file);
        c.execute(&format!("ATTACH DATABASE ?1 AS {schema}"), [path.to_str().expect("utf-8 path")]).expect("attach");
        c.execute_batch(&format!("PRAGMA {schema}.mmap_size = 268435456;")).expect("mmap");
    };
    attach("mycity.sqlite", "core");
    attach("peer_fts.sqlite", "a");
    attach("peer_tri.sqlite", "b");
    attach("peer_like.sqlite", "c");
    let version: String = c.query_row("SELECT sqlite_version()", [], |r| r.get(0)).expect("version");
    println!("search peers (SQLite {version} as bundled by rusqlite; one file per peer beside the core's database):");
    let rows = peer_rows(&c);

    let build =
        |label: &str, schema: &str, ddl: &str, insert: &str, fill: &dyn Fn(&mut rusqlite::Statement<'_>, &PeerRow)| {
            let t = Instant::now();
            c.execute_batch(ddl).unwrap_or_else(|e| panic!("{label}: {e}"));
            c.execute_batch("BEGIN").expect("begin");
            {
                let mut ins = c.prepare(insert).expect("insert");
                for r in &rows {
                    fill(&mut ins, r);
                }
            }
            c.execute_batch("COMMIT").expect("commit");
            let took = t.elapsed();
            let bytes: i64 =
                c.query_row("SELECT coalesce(sum(pgsize), 0) FROM dbstat(?1)", [schema], |r| r.get(0)).expect("dbstat");
            println!("  {label}: built in {:.0} ms, {:.1} MB", took.as_secs_f64() * 1e3, bytes as f64 / 1e6);
        };
    // Merged into one segment afterwards, as the core's own index is after import.
    build(
        "peer A, stock FTS5 over the original text (content stored)",
        "a",
        "CREATE VIRTUAL TABLE a.peer_fts USING fts5(name, body, tokenize = \"unicode61 remove_diacritics 2\");",
        "INSERT INTO a.peer_fts (rowid, name, body) VALUES (?1, ?2, ?3)",
        &|ins, r| {
            ins.execute(rusqlite::params![r.id, r.raw_name, r.raw_body]).expect("insert");
        },
    );
    c.execute_batch("INSERT INTO a.peer_fts(peer_fts) VALUES ('optimize');").expect("optimize");
    // remove_diacritics only drops combining marks and `đ` has none, so
    // trigrams over the original text would still miss "dong" in "Đồng";
    // peer B indexes the core's folded text instead (see the check below).
    build(
        "peer B, FTS5 trigram remove_diacritics 1 over folded text (content stored)",
        "b",
        "CREATE VIRTUAL TABLE b.peer_tri USING fts5(name, body, tokenize = \"trigram remove_diacritics 1\");",
        "INSERT INTO b.peer_tri (rowid, name, body) VALUES (?1, ?2, ?3)",
        &|ins, r| {
            ins.execute(rusqlite::params![r.id, r.name, r.body]).expect("insert");
        },
    );
    c.execute_batch("INSERT INTO b.peer_tri(peer_tri) VALUES ('optimize');").expect("optimize");
    build(
        "peer C, plain table of folded text for LIKE",
        "c",
        "CREATE TABLE c.like_peer (id INTEGER PRIMARY KEY, city TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL);",
        "INSERT INTO c.like_peer VALUES (?1, ?2, ?3, ?4)",
        &|ins, r| {
            ins.execute(rusqlite::params![r.id, r.city, r.name, format!("{} {}", r.name, r.body)]).expect("insert");
        },
    );
    // Only to count what trigrams over the original text find; in memory, not timed.
    c.execute_batch(
        "CREATE VIRTUAL TABLE main.peer_tri_raw USING fts5(name, body, tokenize = \"trigram remove_diacritics 1\");",
    )
    .expect("raw trigram");
    {
        let mut ins = c.prepare("INSERT INTO main.peer_tri_raw (rowid, name, body) VALUES (?1, ?2, ?3)").expect("ins");
        for r in &rows {
            ins.execute(rusqlite::params![r.id, r.raw_name, r.raw_body]).expect("insert");
        }
    }
    c
}

const COLUMNS: &str = "p.key, p.kind, p.name_vi, p.name_en, p.description_vi, p.description_en, p.lat, p.lon,
    p.address, p.opening_hours, p.ticket_price_vnd, p.qr_id, p.narration_vi, p.narration_en, p.photo";

fn place_row(r: &Row<'_>) -> rusqlite::Result<Place> {
    Ok(Place {
        id: r.get(0)?,
        kind: r.get(1)?,
        name: Localized { vi: r.get(2)?, en: r.get(3)? },
        description: Localized { vi: r.get(4)?, en: r.get(5)? },
        lat: r.get(6)?,
        lon: r.get(7)?,
        address: r.get(8)?,
        opening_hours: r.get(9)?,
        ticket_price_vnd: r.get(10)?,
        qr_id: r.get(11)?,
        narration: Localized { vi: r.get(12)?, en: r.get(13)? },
        photo: r.get(14)?,
        visit_minutes: None,
        approximate: false,
    })
}

/// Runs one tier: appends the rows of `sql` not already found until `out` holds `LIMIT`.
/// `sql` takes the city as `?1`, the row budget as `?2`, then `args`.
fn tier(c: &Connection, sql: &str, args: &[String], out: &mut Vec<Place>, seen: &mut HashSet<String>) {
    if out.len() >= LIMIT {
        return;
    }
    let mut st = c.prepare_cached(sql).expect("prepare");
    let mut params = vec![Value::from(CITY.to_string()), Value::from((LIMIT + out.len()) as i64)];
    params.extend(args.iter().map(|a| Value::from(a.clone())));
    let mut rows = st.query(rusqlite::params_from_iter(params)).expect("query");
    while let Some(r) = rows.next().expect("row") {
        let p = place_row(r).expect("place");
        if seen.insert(p.id.clone()) {
            out.push(p);
            if out.len() == LIMIT {
                return;
            }
        }
    }
}

/// Peer A: the user's words, each quoted, the last one a prefix, ranked by BM25.
fn stock_search(c: &Connection, q: &str) -> Vec<Place> {
    let terms: Vec<String> =
        q.split(|ch: char| !ch.is_alphanumeric()).filter(|t| !t.is_empty()).map(|t| format!("\"{t}\"")).collect();
    if terms.is_empty() {
        return Vec::new();
    }
    let expr = terms.join(" ") + "*";
    let mut st = c
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM peer_fts JOIN core.places p ON p.id = peer_fts.rowid
             WHERE peer_fts MATCH ?1 AND p.city = ?2 ORDER BY bm25(peer_fts) LIMIT ?3"
        ))
        .expect("prepare");
    let rows = st.query_map(rusqlite::params![expr, CITY, LIMIT as i64], place_row).expect("query");
    rows.collect::<Result<_, _>>().expect("rows")
}

/// Peer B: the same two tiers as ours over folded trigrams. Tier 1: the folded
/// query as a substring of a name. Tier 2: every word anywhere; a trigram
/// index cannot look up words under three letters ("pi", "cu", "ba"), so
/// those filter the rows the longer words found.
fn trigram_search(c: &Connection, q: &str) -> Vec<Place> {
    let folded = text::fold(q);
    let terms: Vec<&str> = text::terms(&folded).collect();
    let (mut out, mut seen) = (Vec::new(), HashSet::new());
    let phrase = terms.join(" ");
    if phrase.chars().count() >= 3 {
        let sql = format!(
            "SELECT {COLUMNS} FROM peer_tri JOIN core.places p ON p.id = peer_tri.rowid
             WHERE peer_tri MATCH ?3 AND p.city = ?1 LIMIT ?2"
        );
        tier(c, &sql, &[format!("name : \"{phrase}\"")], &mut out, &mut seen);
    }
    let (long, short): (Vec<&str>, Vec<&str>) = terms.iter().partition(|t| t.chars().count() >= 3);
    let mut conds = Vec::new();
    let mut args = Vec::new();
    if !long.is_empty() {
        conds.push("peer_tri MATCH ?3".to_string());
        args.push(long.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" "));
    }
    for t in short {
        conds.push(format!("instr(peer_tri.name || ' ' || peer_tri.body, ?{}) > 0", args.len() + 3));
        args.push(t.to_string());
    }
    if !conds.is_empty() {
        let sql = format!(
            "SELECT {COLUMNS} FROM peer_tri JOIN core.places p ON p.id = peer_tri.rowid
             WHERE p.city = ?1 AND {} LIMIT ?2",
            conds.join(" AND ")
        );
        tier(c, &sql, &args, &mut out, &mut seen);
    }
    out
}

/// Peer C: the same two tiers as ours, each a `LIKE '%…%'` scan in row order:
/// `name LIKE '%dong van%'`, then every word `LIKE` anywhere.
fn like_search(c: &Connection, q: &str) -> Vec<Place> {
    let folded = text::fold(q);
    let words: Vec<String> = text::terms(&folded).map(|w| format!("%{w}%")).collect();
    let (mut out, mut seen) = (Vec::new(), HashSet::new());
    if words.is_empty() {
        return out;
    }
    let phrase = format!("%{}%", text::terms(&folded).collect::<Vec<_>>().join(" "));
    let sql = format!(
        "SELECT {COLUMNS} FROM like_peer l JOIN core.places p ON p.id = l.id
         WHERE l.city = ?1 AND l.name LIKE ?3 LIMIT ?2"
    );
    tier(c, &sql, &[phrase], &mut out, &mut seen);
    let cond = (0..words.len()).map(|i| format!("l.text LIKE ?{}", i + 3)).collect::<Vec<_>>().join(" AND ");
    let sql = format!(
        "SELECT {COLUMNS} FROM like_peer l JOIN core.places p ON p.id = l.id
         WHERE l.city = ?1 AND {cond} LIMIT ?2"
    );
    tier(c, &sql, &words, &mut out, &mut seen);
    out
}

/// The places a search should find: every folded word of the query is a word
/// of the place's folded name, description or address, the last one as a
/// prefix (what the person is still typing). Independent of every engine.
fn relevant(texts: &[(String, String)], q: &str) -> HashSet<String> {
    let folded = text::fold(q);
    let terms: Vec<&str> = text::terms(&folded).collect();
    let Some((last, rest)) = terms.split_last() else {
        return HashSet::new();
    };
    texts
        .iter()
        .filter(|(_, t)| {
            let words: Vec<&str> = t.split(' ').collect();
            rest.iter().all(|q| words.contains(q)) && words.iter().any(|w| w.starts_with(last))
        })
        .map(|(k, _)| k.clone())
        .collect()
}

struct Quality {
    returned: usize,
    right: usize,
    /// Queries with relevant places for which the engine returned none of them.
    empty: usize,
}

fn search_figures(core: &MyCity, peers: &Connection) {
    let texts: Vec<(String, String)> = {
        let mut st = peers
            .prepare("SELECT p.key, l.text FROM like_peer l JOIN core.places p ON p.id = l.id WHERE l.city = ?1")
            .expect("texts");
        let rows = st.query_map([CITY], |r| Ok((r.get(0)?, r.get(1)?))).expect("texts");
        rows.collect::<Result<_, _>>().expect("texts")
    };

    // What each engine returns, query by query.
    println!(
        "search results per query ({LIMIT} asked; n/r = returned / of them relevant; shared = also in ours; \
         relevant = places holding every folded word, the last as a prefix):"
    );
    let mut quality: Vec<Quality> = Engine::ALL.iter().map(|_| Quality { returned: 0, right: 0, empty: 0 }).collect();
    let mut possible = 0;
    for q in QUERIES {
        let rel = relevant(&texts, q);
        possible += rel.len().min(LIMIT);
        let ours: HashSet<String> = Engine::Ours.search(core, peers, q).into_iter().map(|p| p.id).collect();
        let mut line = format!("  {:>14} [{:>5} relevant]:", format!("\"{q}\""), rel.len());
        for (e, qual) in Engine::ALL.iter().zip(&mut quality) {
            let got: Vec<String> = e.search(core, peers, q).into_iter().map(|p| p.id).collect();
            let right = got.iter().filter(|k| rel.contains(*k)).count();
            let shared = got.iter().filter(|k| ours.contains(*k)).count();
            qual.returned += got.len();
            qual.right += right;
            if right == 0 && !rel.is_empty() {
                qual.empty += 1;
            }
            let name = match e {
                Engine::Ours => "ours",
                Engine::Stock => "A",
                Engine::Trigram => "B",
                Engine::Like => "C",
            };
            if *e == Engine::Ours {
                line.push_str(&format!(" {name} {:>2}/{:<2}", got.len(), right));
            } else {
                line.push_str(&format!(" | {name} {:>2}/{:<2} ({:>2} shared)", got.len(), right, shared));
            }
        }
        println!("{line}");
    }
    // Trigrams over the original text, for the record: why peer B indexes folded text.
    let raw = |m: &str| -> i64 {
        peers
            .query_row("SELECT count(*) FROM peer_tri_raw WHERE peer_tri_raw MATCH ?1", [m], |r| r.get(0))
            .expect("raw trigram")
    };
    println!(
        "  check: trigram remove_diacritics 1 over the ORIGINAL text: \"dong van\" matches {} rows, \"Đồng Văn\" {} \
         (remove_diacritics does not fold đ)",
        raw("\"dong van\""),
        raw("\"Đồng Văn\"")
    );

    // Timing: each engine runs the same 1,000-search cycle, after one untimed cycle.
    let mut figures = Vec::new();
    for e in Engine::ALL {
        for q in QUERIES {
            e.search(core, peers, q);
        }
        let mut times = Vec::with_capacity(SEARCHES);
        for i in 0..SEARCHES {
            let q = QUERIES[i % QUERIES.len()];
            let t = Instant::now();
            let got = e.search(core, peers, q);
            times.push(t.elapsed());
            std::hint::black_box(got);
        }
        figures.push((median(&mut times), pct(&mut times, 0.95)));
    }
    println!("search timing, {SEARCHES} searches each cycling the 10 queries, {LIMIT} results:");
    for ((e, (p50, p95)), q) in Engine::ALL.iter().zip(&figures).zip(&quality) {
        println!(
            "  {:<42} p50 {:>8.0} µs, p95 {:>8.0} µs; returned {:>3}, relevant {:>3}/{possible}, queries with none right: {}",
            e.label(),
            us(*p50),
            us(*p95),
            q.returned,
            q.right,
            q.empty
        );
    }
    let (o50, o95) = figures[0];
    println!(
        "folded search over {SYNTHETIC} places: p50 {:.0} µs, p95 {:.0} µs  [target p95 < 1000 µs] {}",
        us(o50),
        us(o95),
        verdict(us(o95) < 1000.0)
    );
    for (i, e) in Engine::ALL.iter().enumerate().skip(1) {
        let (p50, p95) = figures[i];
        println!("  ours vs {}: {:.1}× at p50, {:.1}× at p95", e.label(), us(p50) / us(o50), us(p95) / us(o95));
    }
    // The best peer: lowest p95 among the peers that return results; a peer
    // that leaves a query with nothing right is named but not crowned.
    let best = |strict: bool| {
        (1..Engine::ALL.len())
            .filter(|&i| quality[i].right > 0 && (!strict || quality[i].empty == 0))
            .min_by_key(|&i| figures[i].1)
    };
    for (strict, what) in
        [(false, "best peer returning results"), (true, "best peer with a right answer to every query")]
    {
        if let Some(i) = best(strict) {
            println!(
                "  {what}: {} p95 {:.0} µs; ours p95 {:.0} µs: {:.1}× (its relevant results {}/{possible}, ours {}/{possible})",
                Engine::ALL[i].label(),
                us(figures[i].1),
                us(o95),
                us(figures[i].1) / us(o95),
                quality[i].right,
                quality[0].right
            );
        }
    }

    for q in QUERIES {
        let mut v: Vec<Duration> = (0..50)
            .map(|_| {
                let t = Instant::now();
                core.search_places(q, LIMIT).expect("search");
                t.elapsed()
            })
            .collect();
        println!("  ours {q:>14}: p50 {:>5.0} µs", us(median(&mut v)));
    }
    let plan: Vec<String> = core
        .store()
        .read(|c| {
            let mut st = c.prepare(
                "EXPLAIN QUERY PLAN SELECT p.id FROM places_fts f JOIN places p ON p.id = f.rowid
                 WHERE places_fts MATCH 'cho' AND p.city = 'ha-giang' LIMIT 20",
            )?;
            let rows = st.query_map([], |r| r.get::<_, String>(3))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
        .expect("plan");
    println!("  plan: {}", plan.join(" / "));
    let exact = core.search_places("ĐỒNG VĂN", 5).expect("search");
    println!("  'ĐỒNG VĂN' → {}", exact.first().map(|p| p.name.vi.as_str()).unwrap_or("(nothing)"));
}

// ---------------------------------------------------------------------------
// Point → ward.

/// The same shape the core builds from a `WardDef`.
fn to_multipolygon(polys: &[Vec<Vec<[f64; 2]>>]) -> MultiPolygon<f64> {
    let ring = |r: &Vec<[f64; 2]>| LineString::new(r.iter().map(|&[x, y]| Coord { x, y }).collect());
    MultiPolygon::new(
        polys
            .iter()
            .filter_map(|rings| {
                let (outer, holes) = rings.split_first()?;
                Some(Polygon::new(ring(outer), holes.iter().map(ring).collect()))
            })
            .collect(),
    )
}

/// Keeps the part of a convex ring (open, no repeated first point) where `f >= 0`;
/// `f` is linear, so the crossing point is found by interpolation.
fn clip(ring: &[[f64; 2]], f: impl Fn([f64; 2]) -> f64) -> Vec<[f64; 2]> {
    let mut out = Vec::new();
    for (i, &a) in ring.iter().enumerate() {
        let b = ring[(i + 1) % ring.len()];
        let (fa, fb) = (f(a), f(b));
        if fa >= 0.0 {
            out.push(a);
        }
        if (fa >= 0.0) != (fb >= 0.0) {
            let t = fa / (fa - fb);
            out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]);
        }
    }
    out
}

/// 1,000 bands between the lines x + y = c that tile a 0.25° square (25 km
/// by 28 km, a city's size), each edge cut into 8 like the squares'. The
/// bands across the middle run corner to corner, so their bounding boxes are
/// nearly the whole square: a point lies in hundreds of boxes and one band.
fn ward_bands(n: usize) -> Vec<WardDef> {
    let (x0, y0, w) = (104.0, 22.0, 0.25);
    let square = [[0.0, 0.0], [w, 0.0], [w, w], [0.0, w]];
    (0..n)
        .map(|k| {
            let (c0, c1) = (2.0 * w * k as f64 / n as f64, 2.0 * w * (k + 1) as f64 / n as f64);
            let band = clip(&clip(&square, |p| p[0] + p[1] - c0), |p| c1 - p[0] - p[1]);
            let mut ring = Vec::new();
            for (i, &a) in band.iter().enumerate() {
                let b = band[(i + 1) % band.len()];
                for j in 0..8 {
                    let t = j as f64 / 8.0;
                    ring.push([x0 + a[0] + (b[0] - a[0]) * t, y0 + a[1] + (b[1] - a[1]) * t]);
                }
            }
            ring.push(ring[0]);
            let code = format!("band{k}");
            WardDef {
                name: Localized { vi: code.clone(), en: code.clone() },
                code,
                kind: "phuong".into(),
                approximate: true,
                polygons: vec![vec![ring]],
            }
        })
        .collect()
}

/// Times the core's index and a linear scan over the same polygons on the same
/// points; returns the index's time per lookup.
fn ward_case(label: &str, defs: Vec<WardDef>, points: &[LatLon]) -> Duration {
    let vertices: usize = defs.iter().flat_map(|d| &d.polygons).flatten().map(Vec::len).sum();
    let boxes: Vec<[f64; 4]> = defs
        .iter()
        .map(|d| {
            let pts = d.polygons.iter().flat_map(|p| p.first()).flatten();
            pts.fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, &[x, y]| {
                [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)]
            })
        })
        .collect();
    let sample = &points[..points.len().min(20_000)];
    let in_boxes: usize = sample
        .iter()
        .map(|p| boxes.iter().filter(|b| b[0] <= p.lon && p.lon <= b[2] && b[1] <= p.lat && p.lat <= b[3]).count())
        .sum();
    let linear: Vec<(String, MultiPolygon<f64>)> =
        defs.iter().map(|d| (d.code.clone(), to_multipolygon(&d.polygons))).collect();
    let idx = WardIndex::new(defs);

    let t = Instant::now();
    let by_index: Vec<Option<&str>> = points.iter().map(|p| idx.locate(*p).map(|w| w.code.as_str())).collect();
    let per_index = t.elapsed() / points.len() as u32;
    // The naive peer: every polygon in turn, first hit wins, with the predicate
    // the core uses (Intersects: a point on a border counts) and with Contains.
    let t = Instant::now();
    let by_scan: Vec<Option<&str>> = points
        .iter()
        .map(|p| {
            let pt = Point::new(p.lon, p.lat);
            linear.iter().find(|(_, s)| s.intersects(&pt)).map(|(c, _)| c.as_str())
        })
        .collect();
    let per_scan = t.elapsed() / points.len() as u32;
    let t = Instant::now();
    let contained = points
        .iter()
        .filter(|p| {
            let pt = Point::new(p.lon, p.lat);
            linear.iter().any(|(_, s)| s.contains(&pt))
        })
        .count();
    let per_contains = t.elapsed() / points.len() as u32;
    let found = by_index.iter().filter(|w| w.is_some()).count();
    let disagree = by_index.iter().zip(&by_scan).filter(|(a, b)| a != b).count();
    let ns = |d: Duration| d.as_secs_f64() * 1e9;
    println!(
        "  {label}: {} wards, {vertices} vertices, {:.1} boxes hold a point on average; {found}/{} points inside \
         ({contained} by Contains), index and scan disagree on {disagree}",
        idx.len(),
        in_boxes as f64 / sample.len() as f64,
        points.len()
    );
    println!(
        "    grid index   {:>8.0} ns/lookup | linear scan, Intersects {:>8.0} ns ({:.1}× the index) | linear scan, Contains {:>8.0} ns ({:.1}×)  [target < 10 µs] {}",
        ns(per_index),
        ns(per_scan),
        ns(per_scan) / ns(per_index),
        ns(per_contains),
        ns(per_contains) / ns(per_index),
        verdict(per_index < Duration::from_micros(10))
    );
    per_index
}

fn random_points(rng: &mut Rng, lat: (f64, f64), lon: (f64, f64)) -> Vec<LatLon> {
    (0..WARD_POINTS)
        .map(|_| LatLon { lat: lat.0 + rng.unit() * (lat.1 - lat.0), lon: lon.0 + rng.unit() * (lon.1 - lon.0) })
        .collect()
}

fn ward_figures() {
    println!("point→ward, {WARD_POINTS} random points per case, same points for index and scan:");
    let mut rng = Rng(42);
    let mut worst = Duration::ZERO;
    for slug in bundled::slugs() {
        let wire = bundled::wire(slug).expect("bundled").expect("bundle combines");
        let pack = CityPack::parse(&wire).expect("bundled pack parses");
        let b = pack.bbox;
        let points = random_points(&mut rng, (b.min_lat, b.max_lat), (b.min_lon, b.max_lon));
        worst = worst.max(ward_case(&format!("{slug} (real wards, points in the city's bbox)"), pack.wards, &points));
    }
    let points = random_points(&mut rng, (22.0, 22.25), (104.0, 104.25));
    worst = worst.max(ward_case("1,000 diagonal bands (overlapping boxes)", ward_bands(1000), &points));
    let points = random_points(&mut rng, (22.0, 22.25), (104.0, 104.40));
    worst = worst.max(ward_case("1,000 squares, 40×25 grid (disjoint boxes)", ward_grid(40, 25), &points));
    println!(
        "point→ward, slowest case: {:.2} µs per lookup  [target < 10 µs everywhere] {}",
        us(worst),
        verdict(worst < Duration::from_micros(10))
    );
}
