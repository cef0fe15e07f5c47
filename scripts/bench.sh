#!/usr/bin/env bash
# Runs every benchmark whose figures docs/BENCHMARKS.md records, in one go,
# each printing its figures beside its target and its peers of the same run.
#   foundation  import, open + home, folded search vs stock FTS5 / trigram / LIKE, point→ward, memory
#   photos      the photo step, whole processes, vs ImageMagick (plain and size-hinted) and djpeg
#   flush       500 reports with real photos through the sync engine to the reference server
#   bindings    one bindings call from Rust, Python, Kotlin; library sizes (host .so, iOS staticlib)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop bench bindings mobile
for bench in foundation photos flush; do
  echo "== $bench"
  cargo bench -p mycity-core --bench "$bench"
done
echo "== bindings"
scripts/bindings-bench.sh
scripts/mobile-check.sh ios
echo "== release desktop binary"
cargo build --release -p mycity-app
echo "release desktop binary: $(stat -c %s target/release/mycity-app) bytes"
