#!/usr/bin/env bash
# make scale: serial volumes through the web client's own calls, on Odoo started
# as in production (--workers=2, Odoo's default limits), on a fresh database.
# Not a test. Prints one line per JSON-RPC call (seconds, CPU seconds and peak
# memory of the worker that served it), then a summary against the targets, and
# fails when a call errors or a worker is killed. Settings (environment):
#   SCALE_N="10000 100000"   sizes (serials per document)
#   SCALE_STEPS=receipt,delivery,accounting   which flows
#   SCALE_ENTRY_MAX=100000   serials per product of a receipt (one entry each):
#                            SCALE_N=1000000 receives ten products
#   SCALE_DB=name            use (and keep) this database, the addon installed on
#                            it when missing, instead of a fresh one
# Odoo listens on a free port of its own on 127.0.0.1 only, and is stopped, and
# its database dropped, when the command ends.
set -euo pipefail
source "$(dirname "$0")/../scripts/odoo_env.sh"
find_odoo
ensure_postgres
mkdir -p "$BUILD_DIR"

DB="${SCALE_DB:-serial_tracking_scale_$$}"
LOG="$BUILD_DIR/scale-odoo.log"
INSTALL_LOG="$BUILD_DIR/scale-install.log"
rm -f "$LOG" "$INSTALL_LOG"
free_port() {
    "$ODOO_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP_PORT="$(free_port)"
GEVENT_PORT="$(free_port)"
# Odoo 19.0's own defaults (odoo/tools/config.py), given explicitly so that a
# configuration file cannot change them
LIMITS=(--limit-time-cpu=60 --limit-time-real=120
        --limit-memory-soft=$((2048 * 1024 * 1024)) --limit-memory-hard=$((2560 * 1024 * 1024))
        --limit-request=65536)

ODOO_PID=""
cleanup() {
    if [ -n "$ODOO_PID" ] && kill -0 "$ODOO_PID" 2>/dev/null; then
        kill -TERM "$ODOO_PID" 2>/dev/null || true
        for _ in $(seq 1 30); do
            kill -0 "$ODOO_PID" 2>/dev/null || break
            sleep 1
        done
        kill -KILL "$ODOO_PID" 2>/dev/null || true
        wait "$ODOO_PID" 2>/dev/null || true
    fi
    if [ -z "${SCALE_DB:-}" ]; then
        dropdb --if-exists "$DB" >/dev/null 2>&1 || true
        rm -rf "$BUILD_DIR/data/filestore/$DB"
    fi
}
trap cleanup EXIT

step() { echo "[$(date +%H:%M:%S)] $*"; }
INSTALL=(-i serial_tracking)
[ -n "${SCALE_DB:-}" ] && psql -d "$DB" -Atc 'SELECT 1 FROM ir_module_module LIMIT 1' >/dev/null 2>&1 \
    && INSTALL=(-u serial_tracking)
step "installing the addon on $DB (no demo data; log: $INSTALL_LOG)"
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" "${INSTALL[@]}" \
    --stop-after-init --data-dir="$BUILD_DIR/data" --log-level=warn \
    --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --max-cron-threads=0 \
    --logfile="$INSTALL_LOG" || { echo "ERROR: installing serial_tracking failed; see $INSTALL_LOG" >&2; exit 1; }

step "starting Odoo on http://127.0.0.1:$HTTP_PORT with --workers=2 ${LIMITS[*]} (log: $LOG)"
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --data-dir="$BUILD_DIR/data" --http-interface=127.0.0.1 --http-port="$HTTP_PORT" \
    --gevent-port="$GEVENT_PORT" --workers=2 --max-cron-threads=1 "${LIMITS[@]}" \
    --logfile="$LOG" --log-level=info &
ODOO_PID=$!

rc=0
"$ODOO_PYTHON" "$(dirname "$0")/scale.py" --url "http://127.0.0.1:$HTTP_PORT" --db "$DB" \
    --odoo-pid "$ODOO_PID" --log "$LOG" --sizes ${SCALE_N:-10000 100000} \
    --steps "${SCALE_STEPS:-receipt,delivery,accounting}" || rc=$?
if [ "$rc" -ne 0 ]; then
    echo "make scale failed (exit code $rc); Odoo's log: $LOG" >&2
fi
exit "$rc"
