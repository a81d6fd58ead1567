#!/usr/bin/env bash
# The installer, tried as a station would: build the one-folder bundle with build.spec, then
# run the bundled programs on a fresh station: `init --demo`, `label` (the PDF must carry a
# Code 128 that zbarimg reads at 203 dpi) and the app itself with --demo on the offscreen
# platform, which must get ready and quit by itself. Fails loudly on any step.
set -euo pipefail
cd "$(dirname "$0")/.."
BUDGET_MB="${PARCEL_STATION_BUNDLE_BUDGET_MB:-260}"

started=$(date +%s)
rm -rf build/parcel-station dist/parcel-station
uv run pyinstaller --noconfirm --clean --log-level WARN build.spec
echo "bundle built in $(( $(date +%s) - started )) s"

BUNDLE=dist/parcel-station
size_mb=$(du -sm "$BUNDLE" | cut -f1)
echo "bundle size: ${size_mb} MB (budget ${BUDGET_MB} MB)"
[ "$size_mb" -le "$BUDGET_MB" ] || { echo "FAIL: bundle over budget" >&2; exit 1; }
for unwanted in 'libQt6Quick*' 'libQt6Qml*' 'libQt6Multimedia*' 'libavcodec*' 'libQt6WebEngine*'; do
  if [ -n "$(find "$BUNDLE" -name "$unwanted" -print -quit)" ]; then
    echo "FAIL: $unwanted is in the bundle" >&2; exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work" XDG_CONFIG_HOME="$work" QT_QPA_PLATFORM=offscreen
CLI="$PWD/$BUNDLE/parcel-station-cli"
APP="$PWD/$BUNDLE/parcel-station"
cd "$work"
"$CLI" --db station.db init --demo > init.json
tracking=$(python3 -c "
import sqlite3
row = sqlite3.connect('station.db').execute(
    \"SELECT tracking FROM parcel WHERE status = 'ON_SHELF' ORDER BY id LIMIT 1\").fetchone()
print(row[0])")
"$CLI" --db station.db label "$tracking" --out sticker.pdf > label.json
[ -s sticker.pdf ] || { echo "FAIL: label wrote no PDF" >&2; exit 1; }
pdftoppm -r 203 -png sticker.pdf sticker
decoded=$(zbarimg -q sticker*.png || true)
echo "decoded: $decoded"
grep -q "CODE-128:$tracking" <<<"$decoded" || { echo "FAIL: no Code 128 $tracking" >&2; exit 1; }

PARCEL_STATION_SMOKE_SECONDS=60 timeout 120 "$APP" --demo > app.log 2>&1 || {
  echo "FAIL: the app did not start and quit by itself:" >&2; cat app.log >&2; exit 1; }
grep "smoke: ready" app.log
echo "bundle smoke test passed"
