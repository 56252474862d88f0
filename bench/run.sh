#!/usr/bin/env bash
# make bench: serial volumes, this addon side by side with native Odoo, on a fresh
# database. Not a test. Prints a timestamped line as each step starts and ends,
# with its figure, then the table. Settings (environment):
#   BENCH_N="1000 10000"   sizes of the accounting, physical, count, text and notice steps
#   BENCH_STEPS=accounting,physical,import,volume,recall,portal,epcis,count,text,notice   which steps
#   BENCH_PROFILE=DIR      a cProfile dump of every step in DIR
#   BENCH_DB=name          use (and keep) this database instead of a fresh one
set -euo pipefail
source "$(dirname "$0")/../scripts/odoo_env.sh"
find_odoo
ensure_postgres
if [ -n "${BENCH_DB:-}" ]; then
    DB="$BENCH_DB"
    ARGS=(-u serial_tracking)
    psql -lqt | cut -d'|' -f1 | grep -qw "$DB" || ARGS=(-i serial_tracking)
else
    DB="serial_tracking_bench_$$"
    ARGS=(-i serial_tracking)
    trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$BUILD_DIR/data/filestore/$DB"' EXIT
fi
step() { echo "[$(date +%H:%M:%S)] $*"; }
step "preparing $DB with the addon (no demo data)"
start=$SECONDS
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" "${ARGS[@]}" \
    --stop-after-init --data-dir="$BUILD_DIR/data" --log-level=warn --http-interface=127.0.0.1 \
    --http-port="${PORT:-8078}" >/dev/null 2>&1
step "$DB ready in $((SECONDS - start)) s; the steps follow, each when it starts and ends"
PROFILE_ARGS=()
[ -n "${BENCH_PROFILE:-}" ] && mkdir -p "$BENCH_PROFILE" && PROFILE_ARGS=(--profile "$BENCH_PROFILE")
"$ODOO_PYTHON" "$(dirname "$0")/bench.py" --addons-path="$ADDONS_PATH" --db "$DB" \
    --data-dir="$BUILD_DIR/data" --sizes ${BENCH_N:-1000 10000} \
    --steps "${BENCH_STEPS:-accounting,physical,import,volume,recall,portal,epcis,count,text,notice}" "${PROFILE_ARGS[@]}"
