#!/usr/bin/env bash
# Proves the uniffi bindings from the real library, as a native shell uses it:
# generates Python and Kotlin from libmycity_ffi.so with the workspace's own
# uniffi-bindgen, runs the pytest journeys against the reference server on
# loopback, then compiles the generated Kotlin with a small Kotlin program and
# runs it on the host JVM (JNA). Swift is generated too (compiling it needs
# the trixie chroot: ./mycity test --swift), so CI fails when generation for
# any of the three breaks. No generated copy is checked in: every consumer
# generates from the library it links, so none can go stale.
#   scripts/bindings-check.sh [python|kotlin|swift-gen]...   (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(python kotlin swift-gen)
target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/bindings"
mkdir -p "$out"

echo "== bindings: build libmycity_ffi.so and the reference server"
cargo build -q -p mycity-ffi -p mycity-server
cargo build -q -p mycity-tests --bin clip-fixture   # the clip the reports journey picks
lib="$target/debug/libmycity_ffi.so"
gen() { # language, directory
  rm -rf "$2"
  cargo run -q -p mycity-ffi --bin uniffi-bindgen -- generate --no-format \
    --library "$lib" --language "$1" --out-dir "$2" >/dev/null
}

for lang in "${langs[@]}"; do
  case "$lang" in
  python)
    echo "== bindings: Python (pytest against the reference server)"
    gen python "$out/python"
    cp "$lib" "$out/python/"
    venv="$out/venv"
    if [ ! -x "$venv/bin/pytest" ]; then
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet --disable-pip-version-check pytest
    fi
    # pytest exits 5 when it collected no test: that is a failure here too.
    MYCITY_FFI_DIR="$out/python" MYCITY_SERVER_BIN="$target/debug/mycity-server" \
      MYCITY_CLIP_FIXTURE="$target/debug/clip-fixture" \
      "$venv/bin/pytest" -q -p no:cacheprovider bindings/tests/python
    ;;
  kotlin)
    echo "== bindings: Kotlin on the host JVM"
    gen kotlin "$out/kotlin"
    scripts/kotlin-check.sh "$out/kotlin" "$lib" "$target/debug/mycity-server"
    ;;
  swift-gen)
    echo "== bindings: Swift generated (compiled by ./mycity test --swift)"
    gen swift "$out/swift"
    for f in mycity_ffi.swift mycity_ffiFFI.h mycity_ffiFFI.modulemap; do
      [ -s "$out/swift/$f" ] || { echo "swift: $f not generated" >&2; exit 1; }
    done
    # Every concept's module is in the generated API (one call of each).
    for fn in searchPlaces submitReport lookupDossier planVisit alerts airQuality sosMessage notifyThrough; do
      grep -q "func $fn(" "$out/swift/mycity_ffi.swift" || { echo "swift: $fn missing" >&2; exit 1; }
    done
    ;;
  *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
