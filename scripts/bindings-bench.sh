#!/usr/bin/env bash
# The cost of one bindings call (a cached place search) from Rust, Python and
# Kotlin against the same release libmycity_ffi.so, and its stripped size.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/bindings-release"
# The library alone, without the generator (feature cli) in release.
cargo build -q --release -p mycity-ffi --lib --no-default-features
cargo build -q --release -p mycity-server
lib="$target/release/libmycity_ffi.so"
strip -o "$out.so" "$lib" 2>/dev/null || { mkdir -p "$(dirname "$out")"; strip -o "$out.so" "$lib"; }
echo "host libmycity_ffi.so: $(stat -c %s "$lib") bytes, $(stat -c %s "$out.so") stripped"
cargo bench -q -p mycity-ffi --no-default-features --bench calls
for lang in python kotlin; do
  rm -rf "$out/$lang"
  cargo run -q -p mycity-ffi --bin uniffi-bindgen -- generate --no-format --library "$lib" \
    --language "$lang" --out-dir "$out/$lang" >/dev/null
done
cp "$lib" "$out/python/"
venv="$target/bindings/venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
MYCITY_FFI_DIR="$out/python" "$venv/bin/python" bindings/tests/python/bench_calls.py
scripts/kotlin-check.sh "$out/kotlin" "$lib" "$target/release/mycity-server" bench
