#!/usr/bin/env bash
# make compat: Odoo's own tests of the Community modules that move serials (the
# files of compat/tests.txt) under pytest-odoo on three databases, in two
# parts that run one after the other (each alone fits a working session):
#   COMPAT_PART=1 (make compat, the default): stock, purchase_stock, sale_stock
#                 and mrp, on databases with those modules;
#   COMPAT_PART=2 (make compat2): mrp_subcontracting, repair,
#                 stock_picking_batch, stock_dropshipping and point_of_sale, on
#                 databases that also have those.
# The databases:
#   odoo    Odoo without the addon (the baseline);
#   addon   with serial_tracking installed;
#   serials with serial_tracking and serial_tracking_compat, which makes every
#           product those tests give tracking='serial' a Track Serials product
#           in physical mode.
# Prints each database's counts, then every test that fails with the addon and
# passes without it; exits non-zero when one is not a deliberate rule listed in
# compat/deliberate.txt. SPEED_PATH=0 runs with the speed path switched off
# (the system parameter serial_tracking.speed_path), SPEED_PATH=1 (the
# default) with it on.
# COMPAT_TESTS="stock/tests/test_quant.py ..." narrows the files (on the
# databases of COMPAT_PART).
set -euo pipefail
source "$(dirname "$0")/../scripts/odoo_env.sh"
COMPAT_DIR="$REPO_DIR/compat"
find_odoo
ensure_postgres
"$ODOO_PYTHON" -c 'import pytest_odoo' 2>/dev/null \
    || "$ODOO_PYTHON" -m pip install -q pytest-odoo >&2 \
    || die "could not install pytest-odoo into $ODOO_PYTHON"
ln -sfn "$COMPAT_DIR/serial_tracking_compat" "$BUILD_DIR/addons/serial_tracking_compat"

COMPAT_PART="${COMPAT_PART:-1}"
case "$COMPAT_PART" in
    1) MODULES="stock,stock_account,purchase_stock,sale_stock,mrp" ;;
    2) MODULES="stock,stock_account,purchase_stock,sale_stock,mrp,mrp_subcontracting,repair,stock_picking_batch,stock_dropshipping,point_of_sale" ;;
    *) die "COMPAT_PART must be 1 or 2" ;;
esac
PREFIX="st_compat_$$"
REPORTS="$BUILD_DIR/compat$([ "$COMPAT_PART" = 1 ] || echo "-$COMPAT_PART")"
mkdir -p "$REPORTS"
trap drop_databases EXIT

step() { echo "[$(date +%H:%M:%S)] $*"; }

odoo_init() {  # odoo_init DB MODULES: install MODULES on DB
    "$ODOO_PYTHON" "$ODOO_BIN" --addons-path="$ADDONS_PATH" -d "$1" -i "$2" \
        --without-demo=all --stop-after-init --data-dir="$BUILD_DIR/data" \
        --log-level=warn --logfile="$REPORTS/install-$1.log" --max-cron-threads=0 --http-port=0 \
        || die "installing $2 on $1 failed; see $REPORTS/install-$1.log"
}

# the files of the part: the lines under "[part N]" in tests.txt
read -r -a files <<< "${COMPAT_TESTS:-$(awk -v want="[part $COMPAT_PART]" '
    /^\[part / { part = $0; next }
    /^#/ || NF == 0 { next }
    part == want { print }' "$COMPAT_DIR/tests.txt" | tr '\n' ' ')}"
[ "${#files[@]}" -gt 0 ] || die "no test files for part $COMPAT_PART in $COMPAT_DIR/tests.txt"
paths=()
for file in "${files[@]}"; do
    [ -f "$ODOO_ROOT_ADDONS/$file" ] || die "$file is not in $ODOO_ROOT_ADDONS"
    paths+=("$ODOO_ROOT_ADDONS/$file")
done

start=$SECONDS
step "installing $MODULES on ${PREFIX}_odoo (the baseline)"
DATABASES+=("${PREFIX}_odoo")
odoo_init "${PREFIX}_odoo" "$MODULES"
for name in addon serials; do
    DATABASES+=("${PREFIX}_$name")
    createdb -T "${PREFIX}_odoo" "${PREFIX}_$name"
    mkdir -p "$BUILD_DIR/data/filestore"
    cp -a "$BUILD_DIR/data/filestore/${PREFIX}_odoo" "$BUILD_DIR/data/filestore/${PREFIX}_$name" 2>/dev/null || true
done
step "installing serial_tracking on ${PREFIX}_addon"
odoo_init "${PREFIX}_addon" serial_tracking
step "installing serial_tracking_compat on ${PREFIX}_serials"
odoo_init "${PREFIX}_serials" serial_tracking_compat
SPEED_PATH="${SPEED_PATH:-1}"
case "$SPEED_PATH" in 0|1) ;; *) die "SPEED_PATH must be 0 (off) or 1 (on)" ;; esac
if [ "$SPEED_PATH" = "0" ]; then
    for name in addon serials; do
        psql -q -d "${PREFIX}_$name" -c "INSERT INTO ir_config_parameter (key, value)
            VALUES ('serial_tracking.speed_path', '0')
            ON CONFLICT (key) DO UPDATE SET value = '0'"
    done
    step "speed path switched off on the addon databases"
fi
step "installed in $((SECONDS - start)) s; ${#paths[@]} test files per database"

reports=()
for name in odoo addon serials; do
    step "[$name] running Odoo's tests"
    t0=$SECONDS
    set +e
    (cd "$COMPAT_DIR" && "$ODOO_PYTHON" -m pytest -p conftest_plugin -p no:cacheprovider \
        --odoo-database="${PREFIX}_$name" --odoo-addons-path="$ADDONS_PATH" \
        --odoo-extra="data-dir=$BUILD_DIR/data" \
        --junitxml="$REPORTS/$name.xml" -q -o junit_family=xunit1 -o console_output_style=count \
        "${paths[@]}") > "$REPORTS/$name.log" 2>&1
    set -e
    [ -f "$REPORTS/$name.xml" ] || die "pytest wrote no report for $name; see $REPORTS/$name.log"
    step "[$name] done in $((SECONDS - t0)) s: $(grep -E '[0-9]+ (passed|failed)' "$REPORTS/$name.log" | tail -n1 | tr -d '=')"
    if [ "$name" = serials ]; then
        # the helper must really have put Track Serials in place of Odoo's
        # serial products, and their validations through the speed path when
        # it is on, never when it is off
        standin="$(grep -E "^Track Serials stand-in" "$REPORTS/$name.log" || true)"
        echo "$standin"
        read -r made switched batched <<< "$(echo "$standin" \
            | sed -E 's/.*: ([0-9]+) products created, ([0-9]+) switched by a write.*: ([0-9]+) batched.*/\1 \2 \3/')"
        if [ -z "$standin" ] || [ $((${made:-0} + ${switched:-0})) -eq 0 ]; then
            die "the helper module switched no product to Track Serials: the serials run proves nothing"
        fi
        if [ "$SPEED_PATH" = "1" ] && [ "${batched:-0}" -eq 0 ]; then
            die "no validation went through the speed path on the serials database"
        fi
        if [ "$SPEED_PATH" = "0" ] && [ "${batched:-0}" -ne 0 ]; then
            die "validations went through the speed path while it is switched off"
        fi
    fi
    reports+=("$name=$REPORTS/$name.xml")
done
step "compared (logs and reports in $REPORTS):"
"$ODOO_PYTHON" "$COMPAT_DIR/compare.py" "$COMPAT_DIR/deliberate.txt" "${reports[@]}"
