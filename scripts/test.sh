#!/usr/bin/env bash
# Installs the addon on a new database, runs every test of the addon through
# pytest-odoo (TransactionCase tests, and the HttpCase browser tours in
# headless Chromium through pytest-odoo's --odoo-http server) and ends with
# "N passed, N failed". A skipped test counts as failed: Odoo skips browser
# tours silently when Chromium or websocket-client is missing.
# Eight databases: the addon alone (every test but those tagged serial_tracking_sale,
# serial_tracking_mrp, serial_tracking_repair, serial_tracking_subcontracting,
# serial_tracking_purchase, serial_tracking_queue_job or serial_tracking_pos), and the
# addon with, each for the tests of its tag: sale_stock (serial_tracking_sale), mrp
# (serial_tracking_mrp), repair (serial_tracking_repair), mrp_subcontracting
# (serial_tracking_subcontracting), purchase_stock (serial_tracking_purchase), OCA's
# queue_job (serial_tracking_queue_job), point_of_sale (serial_tracking_pos).
# Tests are chosen by their Odoo tags (scripts/pytest_odoo_tags.py), as
# odoo-bin --test-tags would. On one database (TEST_MODULES, by default the
# addon alone):
#   TEST_TAGS runs the tests it names, e.g. TEST_TAGS=/serial_tracking:TestSerialAccess
#     or TEST_MODULES=serial_tracking,mrp TEST_TAGS=serial_tracking_mrp;
#   TESTS runs pytest's paths or node ids, relative to the addon, e.g.
#     TESTS=tests/test_stock_flows.py or
#     TESTS="tests/test_warranty.py::TestWarranty::test_warranty_status"
set -euo pipefail
SUMMARY_ON_DIE=1
source "$(dirname "$0")/odoo_env.sh"
find_odoo
ensure_postgres
ensure_chromium
ensure_wkhtmltopdf
ensure_python_packages
ensure_queue_job
ADDONS_PATH="$ADDONS_PATH,$QUEUE_JOB_ADDONS"  # available to install, not installed

mkdir -p "$BUILD_DIR"
ADDON_DIR="$BUILD_DIR/addons/serial_tracking"  # the link find_odoo made
trap drop_databases EXIT

total_passed=0
total_failed=0

# show_log_problems LOG: the warnings and errors Odoo logged
show_log_problems() {
    grep -E " (WARNING|ERROR|CRITICAL) " "$1" \
        | grep -v "addons path is not a directory" | cut -c1-2000 || true
}

# run_phase NAME MODULES TAGS [PYTEST PATHS...]: install MODULES on a new
# database, run the tests matching TAGS (all of PATHS, tests/ by default)
# with pytest-odoo, add the results to the totals.
run_phase() {
    local name="$1" modules="$2" tags="$3"
    shift 3
    local paths=("$@")
    [ "${#paths[@]}" -gt 0 ] || paths=(tests)
    local db="serial_tracking_test_${name}_$$"
    local install_log="$BUILD_DIR/test-$name-install.log"
    local odoo_log="$BUILD_DIR/test-$name-odoo.log"
    local pytest_log="$BUILD_DIR/test-$name.log"
    local report="$BUILD_DIR/test-$name.xml"
    DATABASES+=("$db")
    rm -f "$install_log" "$odoo_log" "$pytest_log" "$report"
    echo "[$name] installing $modules on $db (log: $install_log)"
    if ! "$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$db" \
        -i "$modules" --with-demo --stop-after-init --http-interface=127.0.0.1 \
        --http-port=0 --data-dir="$BUILD_DIR/data" --log-level=warn \
        --logfile="$install_log" --max-cron-threads=0; then
        show_log_problems "$install_log"
        echo "[$name] installing $modules failed; see $install_log" >&2
        total_failed=$((total_failed + 1))
        return
    fi
    show_log_problems "$install_log"

    local selection=()
    [ -n "$tags" ] && selection=(--odoo-test-tags="$tags")
    # the tours' server gets a free port, so that two test runs on one machine
    # (or a running `make run`) do not meet on Odoo's default 8069
    local http_port
    http_port="$("$ODOO_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    echo "[$name] pytest ${paths[*]}${tags:+ with Odoo tags $tags}; output: $pytest_log, Odoo's log: $odoo_log"
    local rc=0
    # paths are given through the link named serial_tracking, so that
    # pytest-odoo imports the tests as odoo.addons.serial_tracking.tests
    PYTHONPATH="$REPO_DIR/scripts${PYTHONPATH:+:$PYTHONPATH}" \
        "$ODOO_PYTHON" -m pytest -p pytest_odoo_tags -p no:cacheprovider -p no:warnings \
        --odoo-database="$db" --odoo-addons-path="$ADDONS_PATH" \
        --odoo-log-level=warn --odoo-extra="logfile=$odoo_log" \
        --odoo-extra="data-dir=$BUILD_DIR/data" --odoo-extra="db-filter=^$db\$" \
        --odoo-extra="max-cron-threads=0" --odoo-extra="http-interface=127.0.0.1" \
        --odoo-extra="http-port=$http_port" --odoo-extra="screenshots=$BUILD_DIR/screenshots" --odoo-http \
        --junitxml="$report" -o junit_family=xunit1 -q -rfEs \
        "${selection[@]}" "${paths[@]/#/$ADDON_DIR/}" 2>&1 | tee "$pytest_log" || rc=$?
    [ -f "$odoo_log" ] && show_log_problems "$odoo_log"

    if [ ! -f "$report" ]; then
        echo "[$name] pytest wrote no report (exit code $rc): the tests did not run; see $pytest_log" >&2
        total_failed=$((total_failed + 1))
        return
    fi
    local passed failed errors skipped run unattributed=0 bad
    read -r passed failed errors skipped run < <("$ODOO_PYTHON" - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

# one <testcase> per test (pytest's subtests are not counted as tests)
counts = dict.fromkeys(("passed", "failure", "error", "skipped"), 0)
for case in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    outcomes = {child.tag for child in case} & {"failure", "error", "skipped"}
    counts[next(iter(sorted(outcomes)), "passed")] += 1
print(counts["passed"], counts["failure"], counts["error"], counts["skipped"],
      sum(counts.values()))
PY
    )
    if [ "$((failed + errors))" -eq 0 ] \
        && grep -qE " (ERROR|CRITICAL) " "$install_log" ${odoo_log:+"$odoo_log"} 2>/dev/null; then
        echo "[$name] errors were logged outside any failing test; see $install_log and $odoo_log" >&2
        unattributed=1
    fi
    bad=$((failed + errors + skipped + unattributed))
    [ "$skipped" -gt 0 ] && echo "[$name] $skipped test(s) were skipped; a skipped test counts as failed." >&2
    if [ "$run" -eq 0 ]; then
        echo "[$name] no test ran." >&2
        bad=$((bad + 1))
    fi
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ] && [ "$bad" -eq 0 ]; then
        echo "[$name] pytest exited with code $rc" >&2
        bad=1
    fi
    echo "[$name] $passed passed, $bad failed"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + bad))
}

echo "Odoo: $ODOO_BIN ($ODOO_PYTHON)"
if [ -n "${TEST_TAGS:-}${TESTS:-}" ]; then
    read -r -a test_paths <<< "${TESTS:-}"
    run_phase addon "${TEST_MODULES:-serial_tracking}" "${TEST_TAGS:-}" "${test_paths[@]}"
else
    run_phase addon serial_tracking "/serial_tracking,-serial_tracking_sale,-serial_tracking_mrp,-serial_tracking_repair,-serial_tracking_subcontracting,-serial_tracking_queue_job,-serial_tracking_purchase,-serial_tracking_pos"
    run_phase sale serial_tracking,sale_stock "serial_tracking_sale"
    run_phase mrp serial_tracking,mrp "serial_tracking_mrp"
    run_phase repair serial_tracking,repair "serial_tracking_repair"
    run_phase subcontracting serial_tracking,mrp_subcontracting "serial_tracking_subcontracting"
    run_phase purchase serial_tracking,purchase_stock "serial_tracking_purchase"
    run_phase queue_job serial_tracking,queue_job "serial_tracking_queue_job"
    run_phase pos serial_tracking,point_of_sale "serial_tracking_pos"
fi
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
