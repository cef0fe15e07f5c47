#!/usr/bin/env bash
# Every check MyCity has, as CI runs it: format, lints, unit and integration
# tests (real HTTP over loopback), then end-to-end journeys in real Chromium.
#   --long  the fault lab with 1,000 reports, 200 ratings and 200 answers, 100 SIGKILLs per crash test, 10,000 property cases
#   --fuzz  the property tests of every outside-input parser with 200,000 cases each
#   --swift only the Swift check of the bindings (heavy: a Debian trixie chroot with swiftlang, not in CI)
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  case "$arg" in
    --long)
      export MYCITY_FAULT_REPORTS=1000 MYCITY_FAULT_RATINGS=200 MYCITY_FAULT_ANSWERS=200 MYCITY_CRASH_KILLS=100 PROPTEST_CASES=10000 ;;
    --fuzz)
      scripts/ensure-packages.sh
      PROPTEST_CASES=200000 cargo test --release -p mycity-tests --test parsers_prop
      exit 0 ;;
    --swift)
      exec scripts/swift-check.sh ;;
    *) echo "usage: ./mycity test [--long | --fuzz | --swift]" >&2; exit 2 ;;
  esac
done
scripts/ensure-packages.sh desktop e2e bindings mobile
export CARGO_TERM_COLOR=never
# A clean clone builds everything once: incremental caches would only add
# gigabytes to a disk that a debug build of the workspace already fills.
export CARGO_INCREMENTAL=0

echo "== fmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== build"
cargo test --workspace --no-run
cargo build -p mycity-app -p mycity-server
cargo build -p mycity-core --bin mycity-cli   # the dossier and tourism journeys draw receipts and posters with it
# The end-to-end packages, also used by the Rust sign-in tests (the npm
# oidc-provider they start as the development identity provider).
( cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error )
echo "== unit and integration tests"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --no-fail-fast
  cargo test --workspace --doc
else
  cargo test --workspace
fi
echo "== bindings (Python and Kotlin against the real library and the reference server)"
scripts/bindings-check.sh
echo "== mobile compiles (Android check, iOS staticlib)"
scripts/mobile-check.sh
echo "== end-to-end (Playwright + Chromium)"
MYCITY_APP="$PWD/target/debug/mycity-app" node --test --test-concurrency=1 tests/e2e/
