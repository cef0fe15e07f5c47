#!/usr/bin/env bash
# The app's icons, from the one source assets/icons/mycity.svg: the square
# PNGs `dx bundle` reads (app/Dioxus.toml [bundle] icon) for Android and iOS.
# Run after changing the SVG; the PNGs are committed (small), so building
# needs neither rsvg-convert nor this script.
#   scripts/make-icons.sh        (needs rsvg-convert: apt-get install librsvg2-bin)
set -euo pipefail
cd "$(dirname "$0")/.."
out=app/icons
mkdir -p "$out"
# 1024: iOS App Store and the iOS set dx derives; 512: Play Store and Android's
# launcher set; 192/48: the largest and the baseline Android launcher sizes.
for size in 1024 512 192 48; do
  rsvg-convert -w "$size" -h "$size" assets/icons/mycity.svg -o "$out/$size.png"
done
du -ch "$out"/*.png | tail -1
