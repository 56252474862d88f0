#!/usr/bin/env bash
# Regenerates i18n/serial_tracking.pot from the addon installed on $DB (default st_dev,
# see dev_test.sh); update the addon there first.
set -euo pipefail
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
DB="${DB:-st_dev}"
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" -u serial_tracking \
    --stop-after-init --data-dir="$BUILD_DIR/data" --log-level=warn --http-port="${PORT:-8071}" \
    --http-interface=127.0.0.1 2>&1 | grep -v "addons path is not a directory" || true
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" i18n export -d "$DB" \
    -o "$REPO_DIR/i18n/serial_tracking.pot" serial_tracking
echo "i18n/serial_tracking.pot: $(grep -c '^msgid ' "$REPO_DIR/i18n/serial_tracking.pot") messages"
