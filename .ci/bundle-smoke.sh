#!/usr/bin/env bash
# The installer, tried as a station would: build the one-folder bundle with build.spec, then
# run the bundled programs on a fresh station. Fails loudly on the first broken step:
#   - the build, the size budget, no excluded Qt part (Quick/QML/Multimedia/FFmpeg/WebEngine/
#     Wayland) came back, every bundled library finds the libraries it links to;
#   - `init --demo` (its hand-over manifest must render), `label` (the sticker's Code 128 and
#     pickup-code QR must decode with zbarimg at 203 dpi), `handover` (manifest PDF, decoded),
#     a send (rate card, `send create`, its waybill's Code 128 decoded), `report daily` to PDF
#     and XLSX, and `init --demo` + `verify` on PostgreSQL when
#     PARCEL_STATION_TEST_PG is set (psycopg2 in the bundle);
#   - the app with --demo on the offscreen platform (and on X11 under xvfb-run when present)
#     with PARCEL_STATION_SMOKE_SECONDS: it must get ready, logged in, and quit with 0 by itself.
# Budget: PARCEL_STATION_BUNDLE_BUDGET_MB (default 190; measured 171 MB on Linux x86-64).
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
ROOT="$PWD"
BUDGET_MB="${PARCEL_STATION_BUNDLE_BUDGET_MB:-190}"
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- bundle smoke: $*"; }
run() {  # run OUT SECONDS PROGRAM ARGS...: stdout to OUT, stderr to OUT.err; stop on failure
  local out=$1 limit=$2 rc=0
  shift 2
  timeout "$limit" "$@" > "$out" 2> "$out.err" || rc=$?
  [ "$rc" = 0 ] || { cat "$out" "$out.err" >&2; fail "$(basename "$1") ${*:2} exited $rc"; }
}
PYTHON=$(uv run --no-sync python -c "import sys; print(sys.executable)")  # to read the JSON
py() { "$PYTHON" -c "$@"; }

started=$(date +%s)
rm -rf build/build dist/parcel-station
# (the spec excludes phonenumbers' geocoder tables that its PyInstaller hook lists: not news)
{ uv run pyinstaller --noconfirm --clean --log-level WARN build.spec 2>&1; } \
  | { grep -v 'Hidden import "phonenumbers\.\(geodata\|carrierdata\|tzdata\)' || true; }
echo "bundle built in $(( $(date +%s) - started )) s"

BUNDLE="$ROOT/dist/parcel-station"
APP="$BUNDLE/parcel-station"
CLI="$BUNDLE/parcel-station-cli"
[ -x "$APP" ] || fail "no $APP"
[ -x "$CLI" ] || fail "no $CLI"
size_mb=$(du -sm "$BUNDLE" | cut -f1)
echo "bundle size: ${size_mb} MB (budget ${BUDGET_MB} MB)"
[ "$size_mb" -le "$BUDGET_MB" ] || fail "bundle is ${size_mb} MB, over the ${BUDGET_MB} MB budget"
for unwanted in 'libQt6Quick*' 'libQt6Qml*' 'libQt6Multimedia*' 'libQt6WebEngine*' \
                'libQt6VirtualKeyboard*' 'libQt6WaylandClient*' 'libQt6FFmpegStub*' \
                'libavcodec*' 'libavformat*' 'libffmpegmediaplugin*' 'libqwayland*' \
                'libqgtk3*' 'libqtvirtualkeyboardplugin*' 'qml'; do
  found=$(find "$BUNDLE" -name "$unwanted" -print -quit)
  [ -z "$found" ] || fail "$found is in the bundle"
done
step "every bundled library resolves its dependencies"
missing=""
while IFS= read -r -d '' lib; do
  unresolved=$(ldd "$lib" 2>/dev/null | grep 'not found' || true)
  [ -z "$unresolved" ] || missing+="${lib#"$BUNDLE/"}: ${unresolved}"$'\n'
done < <(find "$BUNDLE/_internal" -type f -name '*.so*' -print0)
[ -z "$missing" ] || fail "bundled libraries that do not find what they link to:"$'\n'"$missing"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
  XDG_CACHE_HOME="$work/cache" QT_QPA_PLATFORM=offscreen PARCEL_STATION_LANG=en
unset PARCEL_STATION_DB PARCEL_STATION_USER
cd "$work"
decode() {  # decode PDF: every symbol zbarimg reads off its pages at 203 dpi
  rm -f page*.png
  pdftoppm -r 203 -png "$1" page
  zbarimg -q page*.png 2>/dev/null || true
}

step "init --demo"
run init.json 180 "$CLI" --db "$work/station.db" init --demo
if grep -E "could not be written|No module named|ImportError|Traceback" init.json init.json.err; then
  fail "init --demo could not render a document"
fi
tracking=$(py "
import sqlite3
row = sqlite3.connect('$work/station.db').execute(
    \"SELECT tracking FROM parcel WHERE status = 'ON_SHELF' ORDER BY id LIMIT 1\").fetchone()
print(row[0])")
parcel() { py "import json; print(json.load(open('$work/parcel.json'))[0]['$1'])"; }
run parcel.json 60 "$CLI" --db "$work/station.db" find "$tracking"
code=$(parcel pickup_code)
carrier=$(parcel carrier)
echo "parcel $tracking ($carrier) at $code"

step "label"
run label.json 60 "$CLI" --db "$work/station.db" label "$tracking" --out sticker.pdf
[ -s sticker.pdf ] || fail "label wrote no PDF"
decoded=$(decode sticker.pdf)
echo "$decoded"
grep -qx "CODE-128:$tracking" <<<"$decoded" || fail "the sticker has no Code 128 $tracking"
grep -qx "QR-Code:$code" <<<"$decoded" || fail "the sticker has no QR code $code"

step "handover (manifest)"
export PARCEL_STATION_PIN=8888  # the demo owner's
run return.json 60 "$CLI" --db "$work/station.db" --user owner return "$tracking"
run handover.json 60 "$CLI" --db "$work/station.db" --user owner handover --carrier "$carrier"
manifest=$(py "import json; print(json.load(open('$work/handover.json'))['pdf'])")
manifest_no=$(py "import json; print(json.load(open('$work/handover.json'))['manifest_no'])")
[ -s "$manifest" ] || fail "no manifest PDF at $manifest"
decoded=$(decode "$manifest")
grep -qx "CODE-128:$manifest_no" <<<"$decoded" || fail "the manifest has no Code 128 $manifest_no"
grep -qx "CODE-128:$tracking" <<<"$decoded" || fail "the manifest does not list $tracking"
echo "manifest $manifest_no: $(grep -c CODE-128 <<<"$decoded") barcodes"

step "send (寄件): rate card, create, waybill"
printf 'carrier,zone,first_weight_g,first_price,additional_per_kg,max_weight_g\n%s,national,1000,18,6,30000\n' \
  "$carrier" >rates.csv
run origin.json 60 "$CLI" --db "$work/station.db" --user owner send origin --province 广东 --city 广州
run rates.json 60 "$CLI" --db "$work/station.db" --user owner send rates import rates.csv
run send.json 60 "$CLI" --db "$work/station.db" --user owner send create --carrier "$carrier" \
  --sender-name 陈大文 --sender-phone 13712345678 --id-type resident_id \
  --id-number 11010519491231002X --to-name 李雷 --to-phone 13912345678 --to-province 黑龙江 \
  --to-city 哈尔滨 --to-address 中央大街1号 --contents books --weight-g 1200 --pay cash \
  --tendered 50 --out waybill.pdf
waybill=$(py "import json; print(json.load(open('$work/send.json'))['send']['waybill_no'])")
[ -s waybill.pdf ] || fail "send create wrote no waybill PDF"
decoded=$(decode waybill.pdf)
grep -qx "CODE-128:$waybill" <<<"$decoded" || fail "the waybill has no Code 128 $waybill"
pdffonts waybill.pdf | grep -q "yes yes" || fail "the waybill does not embed its fonts"
echo "waybill $waybill decoded"

step "report daily (PDF, XLSX)"
for out in report.pdf report.xlsx; do
  run report.json 60 "$CLI" --db "$work/station.db" --user owner report daily --out "$out"
  [ -s "$out" ] || fail "report daily wrote no $out"
done
pdftotext report.pdf - | grep -q . || fail "report.pdf has no text"
unset PARCEL_STATION_PIN
step "verify, through the app program itself (one program serves app and CLI)"
run verify.json 60 "$APP" --db "$work/station.db" verify
py "import json; assert json.load(open('$work/verify.json'))['ok'] is True"

if [ -n "${PARCEL_STATION_TEST_PG:-}" ] && command -v psql >/dev/null; then
  step "PostgreSQL (psycopg2 in the bundle)"
  pg_db=parcel_station_bundle_smoke
  export PGOPTIONS="--client-min-messages=warning"
  psql "$PARCEL_STATION_TEST_PG" -qX -c "DROP DATABASE IF EXISTS $pg_db" -c "CREATE DATABASE $pg_db"
  pg_url="${PARCEL_STATION_TEST_PG%/*}/$pg_db"
  run pg_init.json 180 "$CLI" --db "$pg_url" init --demo
  run pg_verify.json 120 "$CLI" --db "$pg_url" verify
  py "import json; assert json.load(open('$work/pg_verify.json'))['ok'] is True"
  psql "$PARCEL_STATION_TEST_PG" -qX -c "DROP DATABASE IF EXISTS $pg_db"
  echo "PostgreSQL: init --demo and verify ok"
fi

step "the app, --demo, offscreen"
app_started=$(date +%s)
PARCEL_STATION_SMOKE_SECONDS=60 run app.log 120 "$APP" --demo
grep "smoke: ready" app.log || { cat app.log.err >&2; fail "the app did not say it was ready"; }
echo "offscreen run: $(( $(date +%s) - app_started )) s"
if command -v xvfb-run >/dev/null; then
  step "the app, --demo, X11 (xvfb-run, the xcb platform)"
  PARCEL_STATION_SMOKE_SECONDS=60 QT_QPA_PLATFORM=xcb run app_x11.log 120 \
    xvfb-run -a -s "-screen 0 1366x768x24" "$APP" --demo --lang zh_CN
  grep "smoke: ready" app_x11.log || { cat app_x11.log.err >&2; fail "not ready on X11"; }
fi
echo "bundle smoke test passed in $(( $(date +%s) - started )) s (bundle ${size_mb} MB)"
