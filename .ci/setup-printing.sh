#!/usr/bin/env bash
# Make a real CUPS print queue for the printing tests: install cups + cups-pdf if missing,
# start cupsd if it is not running, and create the queue "ParcelStationPDF" (a PDF printer).
# Idempotent. Never fails the CI: when CUPS cannot be had it prints a warning and exits 0,
# and tests/documents/test_printing_cups.py skips with the reason.
set -u

QUEUE="${PARCEL_STATION_CUPS_QUEUE:-ParcelStationPDF}"
PPD=/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd

warn() { echo "setup-printing: WARNING: $*" >&2; }
info() { echo "setup-printing: $*"; }

need_install=0
command -v cupsd >/dev/null 2>&1 || need_install=1
command -v lpstat >/dev/null 2>&1 || need_install=1
[ -f "$PPD" ] || need_install=1
if [ "$need_install" = 1 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        info "installing cups and printer-driver-cups-pdf"
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq && apt-get install -y -qq cups cups-client printer-driver-cups-pdf; } \
            >/tmp/setup-printing-apt.log 2>&1 || warn "apt-get failed (see /tmp/setup-printing-apt.log)"
    else
        warn "cups/cups-pdf missing and cannot install them (not root or no apt-get)"
    fi
fi
if ! command -v cupsd >/dev/null 2>&1 || ! command -v lpstat >/dev/null 2>&1; then
    warn "CUPS is not available; printing tests will be skipped"
    exit 0
fi

running() { lpstat -r 2>/dev/null | grep -qi "is running"; }
if ! running; then
    info "starting cupsd"
    mkdir -p /run/cups /var/spool/cups-pdf/ANONYMOUS 2>/dev/null
    cupsd >/tmp/setup-printing-cupsd.log 2>&1 || warn "cupsd did not start (see /tmp/setup-printing-cupsd.log)"
    for _ in $(seq 1 50); do running && break; sleep 0.2; done
fi
if ! running; then
    warn "cupsd is not running; printing tests will be skipped"
    exit 0
fi

if ! lpstat -p "$QUEUE" >/dev/null 2>&1; then
    if [ -f "$PPD" ]; then
        info "creating queue $QUEUE"
        lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P "$PPD" -D "Parcel Station test PDF printer" \
            || warn "lpadmin failed for $QUEUE"
    else
        warn "no cups-pdf PPD at $PPD; queue $QUEUE not created"
    fi
fi
cupsenable "$QUEUE" >/dev/null 2>&1 || true
cupsaccept "$QUEUE" >/dev/null 2>&1 || true
if lpstat -p "$QUEUE" >/dev/null 2>&1; then
    info "queue ready: $(lpstat -p "$QUEUE" 2>/dev/null | head -1)"
else
    warn "queue $QUEUE is not available; printing tests will be skipped"
fi
exit 0
