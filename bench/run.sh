#!/usr/bin/env bash
# make bench: serial volumes, this addon side by side with native Odoo, on a fresh
# database. N="1000 10000" by default (BENCH_N to change). Not a test.
set -euo pipefail
source "$(dirname "$0")/../scripts/odoo_env.sh"
find_odoo
ensure_postgres
DB="serial_tracking_bench_$$"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1 || true; rm -rf "$BUILD_DIR/data/filestore/$DB"' EXIT
echo "Creating $DB with the addon (no demo data)..."
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -i serial_tracking \
    --stop-after-init --data-dir="$BUILD_DIR/data" --log-level=warn --http-interface=127.0.0.1 \
    --http-port="${PORT:-8078}" >/dev/null 2>&1
"$ODOO_PYTHON" "$(dirname "$0")/bench.py" --addons-path="$ADDONS_PATH" --db "$DB" \
    --data-dir="$BUILD_DIR/data" --sizes ${BENCH_N:-1000 10000}
