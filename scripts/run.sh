#!/usr/bin/env bash
# Starts the addon with demo data on http://127.0.0.1:8069 (admin / admin).
set -euo pipefail
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
ensure_wkhtmltopdf

DB="${DB:-serial_tracking_demo}"
PORT="${PORT:-8069}"
args=(--addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$"
      --http-interface=127.0.0.1 --http-port="$PORT" --data-dir="$BUILD_DIR/data")
if ! psql -d "$DB" -Atc 'SELECT 1 FROM ir_module_module LIMIT 1' >/dev/null 2>&1; then
    echo "Creating database $DB with demo data (takes a minute or two)..."
    "$ODOO_PYTHON" "$ODOO_BIN" "${args[@]}" -i serial_tracking --with-demo --stop-after-init
else
    args+=(-u serial_tracking)
fi
echo "Odoo on http://127.0.0.1:$PORT  database $DB  login admin / admin"
exec "$ODOO_PYTHON" "$ODOO_BIN" "${args[@]}"
