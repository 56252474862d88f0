#!/usr/bin/env bash
# Installs the addon on a new database with tests enabled, runs every test of the
# addon (TransactionCase and HttpCase tours in headless Chromium) and ends with
# "N passed, N failed". A skipped test counts as failed: Odoo skips browser
# tours silently when Chromium or websocket-client is missing.
# Three databases: the addon alone (every test but those tagged serial_tracking_sale
# or serial_tracking_mrp), the addon with sale_stock (the tests tagged
# serial_tracking_sale), the addon with mrp (the tests tagged serial_tracking_mrp).
# TEST_TAGS runs only the tests it names on one database (TEST_MODULES, by
# default the addon alone), e.g. TEST_TAGS=/serial_tracking:TestSerialAccess or
# TEST_MODULES=serial_tracking,mrp TEST_TAGS=serial_tracking_mrp
set -euo pipefail
SUMMARY_ON_DIE=1
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
ensure_chromium
ensure_python_packages

mkdir -p "$BUILD_DIR"
DATABASES=()
cleanup() {
    for db in "${DATABASES[@]}"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$BUILD_DIR/data/filestore/$db"
    done
}
trap cleanup EXIT

total_passed=0
total_failed=0

# run_phase NAME MODULES TAGS: install MODULES on a new database, run the tests
# matching TAGS, add the results to the totals.
run_phase() {
    local name="$1" modules="$2" tags="$3"
    local db="serial_tracking_test_${name}_$$"
    local log="$BUILD_DIR/test-$name.log"
    local port
    port="$("$ODOO_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    DATABASES+=("$db")
    rm -f "$log"
    echo "[$name] installing $modules on $db, running tests $tags; full log: $log"
    set +e
    "$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$db" --db-filter="^$db\$" \
        -i "$modules" --with-demo --test-enable --test-tags="$tags" \
        --stop-after-init --http-interface=127.0.0.1 --http-port="$port" \
        --data-dir="$BUILD_DIR/data" --screenshots="$BUILD_DIR/screenshots" \
        --log-level=info --logfile="$log" --max-cron-threads=0
    local rc=$?
    set -e

    grep -E " (WARNING|ERROR|CRITICAL) | FAIL: |: skipped " "$log" \
        | grep -v "addons path is not a directory" | cut -c1-2000 || true

    local summary failed errors run skipped unattributed=0 bad passed
    summary="$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$log" | tail -n1 || true)"
    if [ -z "$summary" ]; then
        echo "[$name] Odoo reported no test results (exit code $rc): the addon did not install or the tests did not run; see $log" >&2
        total_failed=$((total_failed + 1))
        return
    fi
    read -r failed errors run < <(echo "$summary" | sed -E 's/.*: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/')
    skipped="$(grep -cE ": skipped " "$log" || true)"
    if [ "$((failed + errors))" -eq 0 ] && grep -qE " (ERROR|CRITICAL) " "$log"; then
        echo "[$name] errors were logged outside any test; see $log" >&2
        unattributed=1
    fi
    bad=$((failed + errors + skipped + unattributed))
    passed=$((run - failed - errors - skipped))
    [ "$passed" -lt 0 ] && passed=0
    [ "$skipped" -gt 0 ] && echo "[$name] $skipped test(s) were skipped; a skipped test counts as failed." >&2
    if [ "$run" -eq 0 ]; then
        echo "[$name] no test ran." >&2
        bad=$((bad + 1))
    fi
    if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "[$name] Odoo exited with code $rc" >&2
        bad=1
    fi
    echo "[$name] $passed passed, $bad failed"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + bad))
}

echo "Odoo: $ODOO_BIN ($ODOO_PYTHON)"
if [ -n "${TEST_TAGS:-}" ]; then
    run_phase addon "${TEST_MODULES:-serial_tracking}" "$TEST_TAGS"
else
    run_phase addon serial_tracking "/serial_tracking,-serial_tracking_sale,-serial_tracking_mrp"
    run_phase sale serial_tracking,sale_stock "serial_tracking_sale"
    run_phase mrp serial_tracking,mrp "serial_tracking_mrp"
fi
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
