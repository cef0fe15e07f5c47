#!/usr/bin/env bash
# The cost of one bindings call (a cached place search) from Rust, Python and
# Kotlin against the same release libmycity_ffi.so, and the library's sizes:
# the host .so stripped with its code/data split, and what a phone ships: the
# Android aarch64 .so (linked without the NDK, scripts/android-so-size.sh) and
# the iOS staticlib, both in the `phone` profile.
#   scripts/bindings-bench.sh [--no-phone]   (the two phone builds take ~10 min cold)
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
out="$target/bindings-release"
echo "machine: $(nproc) cores; $(uptime)"
# The library alone, without the generator (feature cli) in release.
cargo build -q --release -p mycity-ffi --lib --no-default-features
cargo build -q --release -p mycity-server
lib="$target/release/libmycity_ffi.so"
mkdir -p "$out"
strip -o "$out.so" "$lib"
echo "host libmycity_ffi.so: $(stat -c %s "$lib") bytes, $(stat -c %s "$out.so") stripped"
size -A "$out.so" | awk '
  $1 == ".text" { text = $2 }
  $1 ~ /^\.(rodata|data\.rel\.ro|eh_frame|gcc_except_table|eh_frame_hdr)$/ { data += $2 }
  END { printf "host .so: code %.1f MB, read-only data and unwind tables %.1f MB\n", text / 1e6, data / 1e6 }'
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
if [ "${1:-}" != "--no-phone" ]; then
  scripts/android-so-size.sh
  MYCITY_IOS_PROFILE=phone scripts/mobile-check.sh ios
fi
