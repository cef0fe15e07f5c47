#!/usr/bin/env bash
# Proves the uniffi bindings from the real library, as a native shell uses it:
# generates Python and Kotlin from libmycity_ffi.so with the workspace's own
# uniffi-bindgen, runs the pytest journeys against the reference server on
# loopback, then compiles the generated Kotlin with a small Kotlin program and
# runs it on the host JVM (JNA). Fails when a binding breaks.
#   scripts/bindings-check.sh [python|kotlin]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
langs=("$@")
[ ${#langs[@]} -gt 0 ] || langs=(python kotlin)
target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/bindings"
mkdir -p "$out"

echo "== bindings: build libmycity_ffi.so and the reference server"
cargo build -q -p mycity-ffi -p mycity-server
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
      "$venv/bin/pytest" -q -p no:cacheprovider bindings/tests/python
    ;;
  kotlin)
    echo "== bindings: Kotlin on the host JVM"
    gen kotlin "$out/kotlin"
    scripts/kotlin-check.sh "$out/kotlin" "$lib" "$target/debug/mycity-server"
    ;;
  *) echo "unknown language $lang" >&2; exit 2 ;;
  esac
done
