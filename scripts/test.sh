#!/usr/bin/env bash
# Installs the addon on a new database with tests enabled, runs every test of the
# addon (TransactionCase and HttpCase tours in headless Chromium) and ends with
# "N passed, N failed". A skipped test counts as failed: Odoo skips browser
# tours silently when Chromium or websocket-client is missing.
# TEST_TAGS narrows the run, e.g. TEST_TAGS=/serial_tracking:TestSerialAccess
set -euo pipefail
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
ensure_chromium
ensure_python_packages

DB="serial_tracking_test_$$_$(date +%s)"
PORT="$("$ODOO_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$BUILD_DIR/test.log"
rm -f "$LOG"
mkdir -p "$BUILD_DIR"
cleanup() {
    dropdb --if-exists "$DB" >/dev/null 2>&1 || true
    rm -rf "$BUILD_DIR/data/filestore/$DB"
}
trap cleanup EXIT

echo "Odoo: $ODOO_BIN ($ODOO_PYTHON)"
echo "Installing serial_tracking on $DB and running its tests; full log: $LOG"
set +e
"$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" \
    -i serial_tracking --with-demo --test-enable --test-tags="${TEST_TAGS:-/serial_tracking}" \
    --stop-after-init --http-interface=127.0.0.1 --http-port="$PORT" \
    --data-dir="$BUILD_DIR/data" --screenshots="$BUILD_DIR/screenshots" \
    --log-level=info --logfile="$LOG" --max-cron-threads=0
rc=$?
set -e

grep -E " (WARNING|ERROR|CRITICAL) | FAIL: |: skipped " "$LOG" \
    | grep -v "addons path is not a directory" | cut -c1-2000 || true

summary="$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n1 || true)"
if [ -z "$summary" ]; then
    echo "Odoo reported no test results (exit code $rc): the addon did not install or the tests did not run; see $LOG" >&2
    echo "0 passed, 1 failed"
    exit 1
fi
read -r failed errors run < <(echo "$summary" | sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
skipped="$(grep -cE ": skipped " "$LOG" || true)"
unattributed=0
if [ "$((failed + errors))" -eq 0 ] && grep -qE " (ERROR|CRITICAL) " "$LOG"; then
    echo "Errors were logged outside any test; see $LOG" >&2
    unattributed=1
fi
bad=$((failed + errors + skipped + unattributed))
passed=$((run - failed - errors - skipped))
[ "$passed" -lt 0 ] && passed=0
[ "$skipped" -gt 0 ] && echo "$skipped test(s) were skipped; a skipped test counts as failed." >&2
if [ "$run" -eq 0 ]; then
    echo "No test ran." >&2
    bad=$((bad + 1))
fi
[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && { echo "Odoo exited with code $rc" >&2; bad=1; }
echo "$passed passed, $bad failed"
[ "$bad" -eq 0 ]
