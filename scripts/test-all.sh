#!/usr/bin/env bash
# Every check MyCity has, as CI runs it: format, lints, unit and integration
# tests (real HTTP over loopback), then end-to-end journeys in real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop e2e
export CARGO_TERM_COLOR=never

echo "== fmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== build"
cargo test --workspace --no-run
cargo build -p mycity-app -p mycity-server
echo "== unit and integration tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace
fi
echo "== end-to-end (Playwright + Chromium)"
( cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error )
MYCITY_APP="$PWD/target/debug/mycity-app" node --test --test-concurrency=1 tests/e2e/
