#!/usr/bin/env bash
# Builds and opens the desktop app. Extra flags go to mycity-app (--server URL, --data-dir PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop
# The quick profile (Cargo.toml): a first window in minutes on a fresh clone.
cargo build --profile quick -p mycity-app --no-default-features --features desktop,demo-server
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display found: running the window inside Xvfb (screen :99)"
  exec xvfb-run -a -s "-screen 0 1280x1024x24" target/quick/mycity-app "$@"
fi
exec target/quick/mycity-app "$@"
