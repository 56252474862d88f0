#!/usr/bin/env bash
# make stress: a bounded stress run of the addon on a multi-worker Odoo, on loopback.
# Starts Odoo with 4 workers on a fresh database with demo data, drives it from
# several client processes over XML-RPC, kills one worker in the middle, then
# checks the database, with a timestamped line as each step starts and ends.
# Exits non-zero when a check fails.
set -euo pipefail
source "$(dirname "$0")/../scripts/odoo_env.sh"
find_odoo
ensure_postgres

DB="serial_tracking_stress_$$"
PORT="${PORT:-8079}"
LOG="$BUILD_DIR/stress-server.log"
mkdir -p "$BUILD_DIR"
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$BUILD_DIR/data/filestore/$DB"
}
trap cleanup EXIT

step() { echo "[$(date +%H:%M:%S)] $*"; }
step "creating $DB with the addon and demo data"
start=$SECONDS
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i serial_tracking --with-demo \
    --stop-after-init --data-dir="$BUILD_DIR/data" --log-level=warn --http-interface=127.0.0.1 \
    --http-port="$PORT" > "$LOG" 2>&1
step "$DB created in $((SECONDS - start)) s"
step "starting Odoo with 4 workers on 127.0.0.1:$PORT (log: $LOG)"
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    --workers=4 --max-cron-threads=0 --http-interface=127.0.0.1 --http-port="$PORT" \
    --data-dir="$BUILD_DIR/data" --limit-time-real=120 --log-level=warn >> "$LOG" 2>&1 &
server_pid=$!
"$ODOO_PYTHON" "$(dirname "$0")/stress_client.py" --db "$DB" --port "$PORT" \
    --server-pid "$server_pid" --clients "${CLIENTS:-4}" --rounds "${ROUNDS:-12}"
