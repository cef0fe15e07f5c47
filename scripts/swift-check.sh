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
  DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends swiftlang >/dev/null
fi
[ "${1:-}" = "--setup" ] && exit 0
