#!/usr/bin/env bash
# Builds and opens the desktop app. Extra flags go to mycity-app (--server URL, --data-dir PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-packages.sh desktop
cargo build --release -p mycity-app
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "no display found: running the window inside Xvfb (screen :99)"
  exec xvfb-run -a -s "-screen 0 1280x1024x24" target/release/mycity-app "$@"
fi
exec target/release/mycity-app "$@"
