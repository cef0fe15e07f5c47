#!/usr/bin/env bash
# Links the bindings' .so for aarch64 Android without the NDK: libc and friends
# are left undefined (the phone's bionic supplies them at load time), so the
# file holds exactly the code and data the app would ship.
#   scripts/android-so-size.sh   (~20 min cold on 2 cores: fat LTO in one unit)
# Built with the `phone` profile (Cargo.toml), as a cdylib only: building the
# crate's other types too would run the whole-program optimisation twice.
# Needs clang, lld and llvm (Debian); the stand-in libraries are empty archives.
set -euo pipefail
cd "$(dirname "$0")/.."
stub="$(mktemp -d)"
trap 'rm -rf "$stub"' EXIT
for l in c m dl log gcc unwind gcc_s atomic; do ar rcs "$stub/lib$l.a"; done
export CC_aarch64_linux_android=clang AR_aarch64_linux_android=llvm-ar
export CFLAGS_aarch64_linux_android="--target=aarch64-linux-android21 -isystem /usr/aarch64-linux-gnu/include"
export CARGO_TARGET_AARCH64_LINUX_ANDROID_LINKER=clang
export CARGO_TARGET_AARCH64_LINUX_ANDROID_RUSTFLAGS="-C link-arg=--target=aarch64-linux-android21 -C link-arg=-fuse-ld=lld -C link-arg=-nostdlib -C link-arg=-L$stub -C link-arg=-Wl,--unresolved-symbols=ignore-all"
cargo rustc --profile phone -p mycity-ffi --lib --no-default-features --target aarch64-linux-android --crate-type cdylib
out="${CARGO_TARGET_DIR:-target}/aarch64-linux-android/phone/libmycity_ffi.so"
echo "Android aarch64 libmycity_ffi.so (phone profile, stripped): $(stat -c %s "$out") bytes"
