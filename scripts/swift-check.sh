#!/usr/bin/env bash
# Swift check of the bindings (heavy, not in CI): Debian bookworm has no Swift,
# so a Debian trixie chroot (minbase + swiftlang, ~2.7 GB, kept between runs in
# $SWIFT_ROOT) compiles the generated Swift with a smoke program and runs it
# against the host-built libmycity_ffi.so.
#   scripts/swift-check.sh           set up the chroot if missing, then check
#   scripts/swift-check.sh --setup   only set up the chroot
set -euo pipefail
cd "$(dirname "$0")/.."
root="${SWIFT_ROOT:-/var/cache/mycity-swift-trixie}"
if [ ! -x "$root/usr/bin/swiftc" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  echo "== debootstrap trixie (minbase) into $root"
  debootstrap --variant=minbase trixie "$root" http://deb.debian.org/debian >/dev/null
  chroot "$root" apt-get update -qq
  echo "== swiftlang"
  # swiftc needs the C library's headers and objects to link an executable.
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends \
    swiftlang libc6-dev libstdc++-14-dev >/dev/null
fi
[ "${1:-}" = "--setup" ] && exit 0

target="${CARGO_TARGET_DIR:-$PWD/target}"
echo "== build libmycity_ffi.so and generate Swift"
cargo build -q -p mycity-ffi
work="$root/work"
rm -rf "$work" && mkdir -p "$work/gen"
cargo run -q -p mycity-ffi --bin uniffi-bindgen -- generate --no-format \
  --library "$target/debug/libmycity_ffi.so" --language swift --out-dir "$work/gen" >/dev/null
cp "$target/debug/libmycity_ffi.so" "$work/"
cp bindings/tests/swift/main.swift "$work/"
# On Linux the C module is found through a module.modulemap beside its header.
mv "$work/gen/mycity_ffiFFI.modulemap" "$work/gen/module.modulemap"
# swiftc finds its own resources through /proc/self/exe (without /proc it
# dies with "Illegal instruction").
mountpoint -q "$root/proc" || { mount -t proc proc "$root/proc"; trap 'umount "$root/proc"' EXIT; }
echo "== swiftc (trixie swiftlang $(chroot "$root" dpkg-query -W -f='${Version}' swiftlang))"
chroot "$root" /bin/sh -c "cd /work && swiftc -O -module-name smoke -I gen -L . -lmycity_ffi \
  gen/mycity_ffi.swift main.swift -o smoke"
echo "== run"
chroot "$root" /bin/sh -c "cd /work && LD_LIBRARY_PATH=. ./smoke"
