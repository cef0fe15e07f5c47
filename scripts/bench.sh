#!/usr/bin/env bash
# Runs the benchmarks whose figures docs/BENCHMARKS.md records.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop bench
cargo bench -p mycity-core --bench foundation
cargo build --release -p mycity-app
echo "release desktop binary: $(stat -c %s target/release/mycity-app) bytes"
