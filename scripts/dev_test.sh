#!/usr/bin/env bash
# Development loop: update the addon on an existing database (default st_dev)
# and run some of its tests, e.g. scripts/dev_test.sh /serial_tracking:TestSerialHistory
set -euo pipefail
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
DB="${DB:-st_dev}"
if ! psql -d "$DB" -Atc 'SELECT 1 FROM ir_module_module LIMIT 1' >/dev/null 2>&1; then
    createdb "$DB" 2>/dev/null || true
    mode=(-i serial_tracking --with-demo)
else
    mode=(-u serial_tracking)
fi
exec "$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" "${mode[@]}" \
    --test-enable --test-tags="${1:-/serial_tracking}" --stop-after-init \
    --http-interface=127.0.0.1 --http-port="${PORT:-8071}" --data-dir="$BUILD_DIR/data" \
    --log-level=info --max-cron-threads=0 2>&1 | grep -Ev " INFO |addons path is not a directory"
