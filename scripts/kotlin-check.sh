#!/usr/bin/env bash
# Compiles the generated Kotlin bindings with bindings/tests/kotlin/Journeys.kt
# and runs it on the host JVM against the reference server on loopback.
#   scripts/kotlin-check.sh <generated kotlin dir> <libmycity_ffi.so> <mycity-server> [bench]
# kotlinc is the npm package kotlin-compiler (a complete kotlinc); JNA and
# kotlinx-coroutines come from Debian (scripts/ensure-packages.sh bindings).
set -euo pipefail
cd "$(dirname "$0")/.."
gen="$1" lib="$2" server_bin="$3" mode="${4:-}"
work="$(dirname "$gen")/kotlin-build"
kc_version=2.4.20
kotlinc="$work/npm/node_modules/kotlin-compiler/bin/kotlinc"
mkdir -p "$work"
if [ ! -x "$kotlinc" ]; then
  npm install --no-audit --no-fund --loglevel=error --prefix "$work/npm" "kotlin-compiler@$kc_version" >/dev/null
fi
src="$gen/uniffi/mycity_ffi/mycity_ffi.kt"
# Debian's kotlinx-coroutines is 1.0.1, which has no DelicateCoroutinesApi; the
# generated file only imports it (for an @OptIn it does not need there), so the
# import and the opt-in go.
sed -i -e '/^import kotlinx.coroutines.DelicateCoroutinesApi$/d' -e 's/@OptIn(DelicateCoroutinesApi::class)//' "$src"
cp=/usr/share/java/jna.jar:/usr/share/java/kotlinx-coroutines-core.jar:/usr/share/java/atomicfu.jar
jar="$work/journeys.jar"
# Compiling takes a minute: only when the generated file or the program changed.
sum="$(cat "$src" bindings/tests/kotlin/Journeys.kt | sha256sum | cut -c1-64)"
if [ ! -f "$jar" ] || [ "$(cat "$jar.sum" 2>/dev/null)" != "$sum" ]; then
  "$kotlinc" -nowarn -cp "$cp" -d "$jar" "$src" bindings/tests/kotlin/Journeys.kt
  echo "$sum" >"$jar.sum"
fi
runtime="$(dirname "$kotlinc")/../lib/kotlin-stdlib.jar"
data="$(mktemp -d)"
log="$data/server.out"
"$server_bin" --addr 127.0.0.1:0 --db :memory: --seed >"$log" 2>/dev/null &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
url="$(sed -n 's/.*listening on //p' "$log" | head -1)"
[ -n "$url" ] || { echo "reference server did not start" >&2; exit 1; }
java -Djna.library.path="$(dirname "$lib")" -cp "$jar:$cp:$runtime" JourneysKt "$data/core" "$url" $mode
