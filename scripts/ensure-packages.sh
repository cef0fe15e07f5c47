#!/usr/bin/env bash
# Installs the Debian packages a task needs, only those missing.
#   scripts/ensure-packages.sh desktop   window build + run (webkit2gtk, xdo, Xvfb)
#   scripts/ensure-packages.sh e2e       browser tests (chromium, node, npm)
#   scripts/ensure-packages.sh bench     benchmark peers (imagemagick, hyperfine, djpeg, zbarimg, wrk)
#   scripts/ensure-packages.sh bindings  Python venv, JVM, JNA, kotlinx-coroutines (bindings checks)
#   scripts/ensure-packages.sh mobile    clang, llvm, arm64 libc headers (Android/iOS compiles)
set -euo pipefail
want=(pkg-config build-essential nasm)
for group in "$@"; do
  case "$group" in
    desktop) want+=(libwebkit2gtk-4.1-dev libxdo-dev libssl-dev xvfb xauth) ;;
    e2e) want+=(chromium xvfb xauth fonts-noto-core) ;;
    bench) want+=(imagemagick hyperfine libjpeg-turbo-progs zbar-tools wrk) ;;
    bindings) want+=(python3-venv default-jre-headless libjna-java libjna-jni libkotlinx-coroutines-java libkotlinx-atomicfu-java) ;;
    mobile) want+=(clang llvm libc6-dev-arm64-cross) ;;
    *) echo "unknown package group $group" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=(nodejs npm); fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
