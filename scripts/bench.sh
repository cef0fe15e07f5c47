#!/usr/bin/env bash
# Runs every benchmark whose figures docs/BENCHMARKS.md records, in one go,
# each printing its figures beside its target and its peers of the same run.
#   foundation  import, open + home, folded search vs stock FTS5 / trigram / LIKE, point→ward, memory
#   photos      the photo step, whole processes, vs ImageMagick (plain and size-hinted) and djpeg
#   flush       500 reports with real photos through the sync engine to the reference server
#   qr          QR codes read in camera-like photos of posters and receipts, vs zbarimg
#   alerts      relevance of 1,000 alerts for one position vs no bbox prefilter; 1 MB CAP feed vs roxmltree
#   server      the reference server under wrk: GET and 300 KB photo POST at 64 connections
#   dossier     catalogue search over 2,000 procedures vs a linear scan; 200 watched dossiers refreshed (304s)
#   tourism     the free-time planner vs brute force, the narration trigger vs a naive check
#   scorecard   issue 16: 100,000 reports over 6 months computed and from cache vs per-report queries
#   transport   next departures at the nearest stops: index vs a scan of every stop time; GTFS read + index
#   clips       stripping a 50 MB clip's identifying boxes vs a plain copy and a file read
#   planning    point → planning zone through the ward grid vs a naive geo Contains scan
#   bindings    one bindings call from Rust, Python, Kotlin; library sizes (host .so, iOS staticlib)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop bench bindings mobile
for bench in foundation photos flush qr alerts dossier tourism clips planning transport; do
  echo "== $bench"
  cargo bench -p mycity-core --bench "$bench"
done
echo "== scorecard"
cargo bench -p mycity-server --bench scorecard
echo "== server under load"
scripts/load-server.sh 10
echo "== bindings"
scripts/bindings-bench.sh
echo "== desktop binary size (budget: 20 MB for what a citizen installs)"
# The installed app: the desktop window alone, in the `dist` profile (Cargo.toml).
cargo build --profile dist -p mycity-app --no-default-features --features desktop
echo "installed desktop app (dist, desktop only, stripped): $(stat -c %s target/dist/mycity-app) bytes"
# The demo build `./mycity run` and the e2e tests use: adds the embedded reference
# server and browser mode, which a citizen's copy does not carry.
cargo build --release -p mycity-app
cp target/release/mycity-app target/release/mycity-app.stripped && strip target/release/mycity-app.stripped
echo "demo build (release, desktop + demo server + browser mode): $(stat -c %s target/release/mycity-app) bytes, $(stat -c %s target/release/mycity-app.stripped) stripped"
