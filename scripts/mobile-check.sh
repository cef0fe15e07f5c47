#!/usr/bin/env bash
# Phone builds that can be checked on a Linux machine without the NDK or Xcode:
#  - Android: `cargo check` of the core, the bindings and the app's mobile
#    build for aarch64-linux-android (clang as the C compiler for bundled
#    SQLite, mozjpeg and ring, with the arm64 glibc headers standing in for
#    bionic's: enough to compile, not to link).
#  - iOS: the core and the bindings built as a staticlib for
#    aarch64-apple-ios (a staticlib needs no Apple linker); the C parts get
#    Apple's libc headers from the PyPI ziglang wheel as a minimal SDKROOT.
#    Prints the staticlib's size. CI builds it with the `ci-mobile` profile
#    (release without LTO, opt-level "s", 16 codegen units: the same code
#    compiled for the same target, in a fraction of the time); the bench asks
#    for `release` (MYCITY_IOS_PROFILE=release) to measure the shipped size.
#   scripts/mobile-check.sh [android|ios]...   (default: both)
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(android ios)
target_dir="${CARGO_TARGET_DIR:-$PWD/target}"
for part in "${parts[@]}"; do
  case "$part" in
  android)
    echo "== Android: cargo check (core, bindings, app mobile) for aarch64-linux-android"
    rustup target add aarch64-linux-android >/dev/null 2>&1
    CC_aarch64_linux_android=clang \
    CFLAGS_aarch64_linux_android="--target=aarch64-linux-android21 -isystem /usr/aarch64-linux-gnu/include" \
    AR_aarch64_linux_android=llvm-ar \
      cargo check -q -p mycity-core -p mycity-ffi -p mycity-app --no-default-features \
      --features mycity-app/mobile --target aarch64-linux-android
    ;;
  ios)
    profile="${MYCITY_IOS_PROFILE:-ci-mobile}"
    echo "== iOS: staticlib of core + bindings for aarch64-apple-ios ($profile profile)"
    rustup target add aarch64-apple-ios >/dev/null 2>&1
    venv="$target_dir/bindings/zigvenv"
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    headers="$(find "$venv" -type d -path '*ziglang/lib/libc/include/any-darwin-any' 2>/dev/null | head -1)"
    if [ -z "$headers" ]; then
      "$venv/bin/pip" install --quiet --disable-pip-version-check ziglang
      headers="$(find "$venv" -type d -path '*ziglang/lib/libc/include/any-darwin-any' | head -1)"
    fi
    sdk="$target_dir/bindings/ios-sdk"
    mkdir -p "$sdk/usr"
    ln -sfn "$headers" "$sdk/usr/include"
    # Those headers are generic Darwin ones: their TargetConditionals.h
    # expects a clang that defines the TARGET_OS_* macros itself (clang ≥ 18)
    # and otherwise falls back to macOS values, and Debian's clang 14 reads
    # its KernelKit check as true. So the iOS device values are given here,
    # and __is_target_environment answers 0 (no simulator, no Catalyst).
    ios_macros="-Wno-builtin-macro-redefined -D__is_target_environment(x)=0 -DDYNAMIC_TARGETS_ENABLED=1
      -DTARGET_OS_MAC=1 -DTARGET_OS_IPHONE=1 -DTARGET_OS_IOS=1 -DTARGET_OS_EMBEDDED=1 -DTARGET_OS_OSX=0
      -DTARGET_OS_WATCH=0 -DTARGET_OS_TV=0 -DTARGET_OS_VISION=0 -DTARGET_OS_MACCATALYST=0
      -DTARGET_OS_SIMULATOR=0 -DTARGET_OS_UNIX=0 -DTARGET_OS_DRIVERKIT=0"
    SDKROOT="$sdk" IPHONEOS_DEPLOYMENT_TARGET=13.0 \
    CC_aarch64_apple_ios=clang AR_aarch64_apple_ios=llvm-ar \
    CFLAGS_aarch64_apple_ios="--target=arm64-apple-ios13.0 -isysroot $sdk $(echo $ios_macros)" \
      cargo rustc -q -p mycity-ffi --lib --profile "$profile" --no-default-features \
      --target aarch64-apple-ios --crate-type staticlib
    lib="$target_dir/aarch64-apple-ios/$profile/libmycity_ffi.a"
    stripped="$target_dir/aarch64-apple-ios/$profile/libmycity_ffi.stripped.a"
    llvm-strip --strip-debug -o "$stripped" "$lib"
    echo "iOS staticlib ($profile): $(stat -c %s "$lib") bytes, $(stat -c %s "$stripped") without debug info"
    ;;
  *) echo "unknown part $part" >&2; exit 2 ;;
  esac
done
