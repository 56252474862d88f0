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
# Odoo's export reads every file under the addon's directory, following
# symlinks: the build directory inside it links back to the addon, so each
# source file would be listed once per level of that loop. Export from a copy
# of the addon without it, and without the tests and tooling, whose strings no
# user sees.
SOURCE_DIR="$(mktemp -d)"
trap 'rm -rf "$SOURCE_DIR"' EXIT
mkdir "$SOURCE_DIR/serial_tracking"
tar -C "$REPO_DIR" --exclude=./.build --exclude=./.git --exclude=./.hypothesis \
    --exclude=./tests --exclude=./compat --exclude=./bench --exclude=./stress -cf - . \
    | tar -C "$SOURCE_DIR/serial_tracking" -xf -
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$SOURCE_DIR${ADDONS_PATH#"$BUILD_DIR/addons"}" \
    i18n export -d "$DB" -o "$REPO_DIR/i18n/serial_tracking.pot" serial_tracking
echo "i18n/serial_tracking.pot: $(grep -c '^msgid ' "$REPO_DIR/i18n/serial_tracking.pot") messages"
