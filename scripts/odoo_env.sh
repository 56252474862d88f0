# Sourced by run.sh and test.sh: finds Odoo 19.0 and makes sure PostgreSQL,
# Chromium and the Python packages the tests need are there.
# Odoo is looked for, in this order:
#   1. $ODOO_BIN (an `odoo` or `odoo-bin` executable), with $ODOO_PYTHON if set;
#   2. `odoo` on PATH;
#   3. /opt/odoo19/venv/bin/odoo, then /opt/odoo/venv/bin/odoo.
# Its Python is the one named on the executable's first line (#!), unless
# $ODOO_PYTHON says otherwise.

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="$REPO_DIR/.build"

die() {
    echo "ERROR: $*" >&2
    # the test command always ends with its count, even when it cannot start
    [ -n "${SUMMARY_ON_DIE:-}" ] && echo "0 passed, 1 failed"
    exit 2
}

find_odoo() {
    local candidate
    if [ -n "${ODOO_BIN:-}" ]; then
        [ -x "$ODOO_BIN" ] || die "ODOO_BIN=$ODOO_BIN is not an executable file."
    else
        for candidate in "$(command -v odoo 2>/dev/null)" /opt/odoo19/venv/bin/odoo /opt/odoo/venv/bin/odoo; do
            if [ -n "$candidate" ] && [ -x "$candidate" ]; then
                ODOO_BIN="$candidate"
                break
            fi
        done
    fi
    if [ -z "${ODOO_BIN:-}" ]; then
        die "Odoo 19.0 Community was not found. Install it (source checkout of the 19.0 \
branch, a virtual environment with its requirements.txt, see Odoo's documentation) \
so that an \`odoo\` executable is on PATH or at /opt/odoo19/venv/bin/odoo, or set \
ODOO_BIN=/path/to/odoo-bin (and ODOO_PYTHON=/path/to/its/python)."
    fi
    if [ -z "${ODOO_PYTHON:-}" ]; then
        local shebang
        shebang="$(head -n1 "$ODOO_BIN" | sed -n 's/^#!\s*//p')"
        case "$shebang" in
            */env\ *) ODOO_PYTHON="$(command -v "${shebang##* }")" ;;
            *python*) ODOO_PYTHON="${shebang%% *}" ;;
            *) ODOO_PYTHON="$(command -v python3)" ;;
        esac
    fi
    local version
    version="$("$ODOO_PYTHON" -c 'import odoo.release as r; print(r.major_version)' 2>/dev/null)" \
        || die "$ODOO_BIN was found but its Python ($ODOO_PYTHON) cannot import odoo. Set ODOO_PYTHON to the Python of Odoo's virtual environment."
    [ "$version" = "19.0" ] || die "$ODOO_BIN is Odoo $version; this addon needs Odoo 19.0."
    ODOO_ROOT_ADDONS="$("$ODOO_PYTHON" -c 'import odoo.release as r, os; print(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))), "addons"))')"
    mkdir -p "$BUILD_DIR/addons"
    ln -sfn "$REPO_DIR" "$BUILD_DIR/addons/serial_tracking"
    ADDONS_PATH="$BUILD_DIR/addons"
    [ -d "$ODOO_ROOT_ADDONS" ] && ADDONS_PATH="$ADDONS_PATH,$ODOO_ROOT_ADDONS"
    export ODOO_BIN ODOO_PYTHON ADDONS_PATH
}

# The databases a command made (add their names to DATABASES), dropped with
# their filestore when it ends: `trap drop_databases EXIT`.
DATABASES=()
drop_databases() {
    local db
    for db in "${DATABASES[@]}"; do
        dropdb --if-exists "$db" >/dev/null 2>&1 || true
        rm -rf "$BUILD_DIR/data/filestore/$db"
    done
}

apt_install() {
    [ "$(id -u)" = "0" ] || die "Debian packages $* are missing; install them (apt-get install $*) or run as root."
    if [ -z "${APT_UPDATED:-}" ]; then
        apt-get update -qq >/dev/null || die "apt-get update failed"
        APT_UPDATED=1
    fi
    echo "Installing Debian packages: $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_postgres() {
    if psql -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
        return
    fi
    command -v pg_lsclusters >/dev/null 2>&1 || apt_install postgresql
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        local version
        version="$(ls /usr/lib/postgresql | sort -V | tail -n1)"
        pg_createcluster "$version" main >/dev/null || die "could not create a PostgreSQL cluster"
    fi
    pg_lsclusters -h | while read -r version cluster _; do
        pg_ctlcluster "$version" "$cluster" start 2>/dev/null || true
    done
    local user
    user="$(id -un)"
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        su postgres -c "psql -Atc 'SELECT 1'" >/dev/null 2>&1 && break
        sleep 1
    done
    if ! psql -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; then
        su postgres -c "psql -c 'CREATE ROLE \"$user\" SUPERUSER LOGIN'" >/dev/null 2>&1 || true
    fi
    psql -d postgres -Atc 'SELECT 1' >/dev/null 2>&1 \
        || die "PostgreSQL does not answer for user $user; start it and create a superuser role for $user."
}

# the packages of test-requirements.txt, installed into Odoo's Python when one
# is missing
ensure_python_packages() {
    local missing=()
    "$ODOO_PYTHON" -c 'import websocket' 2>/dev/null || missing+=(websocket-client)
    "$ODOO_PYTHON" -c 'import hypothesis' 2>/dev/null || missing+=(hypothesis)
    "$ODOO_PYTHON" -c 'import pytest_odoo' 2>/dev/null || missing+=(pytest-odoo)
    "$ODOO_PYTHON" -c 'import jsonschema, rfc3986_validator, rfc3339_validator' 2>/dev/null \
        || missing+=(jsonschema rfc3986-validator rfc3339-validator)
    "$ODOO_PYTHON" -c 'import zxingcpp' 2>/dev/null || missing+=(zxing-cpp)
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "Installing into Odoo's Python: ${missing[*]} (test-requirements.txt)" >&2
        "$ODOO_PYTHON" -m pip install -q -r "$REPO_DIR/test-requirements.txt" >&2 \
            || die "could not install test-requirements.txt into $ODOO_PYTHON"
    fi
}

ensure_chromium() {
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || apt_install chromium
}

# Odoo prints PDF reports (the serial labels) through wkhtmltopdf; Debian's
# package (unpatched Qt) is enough for them.
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null 2>&1 || apt_install wkhtmltopdf
}

# OCA's queue_job, the optional integration the queue_job test phase installs:
# from PyPI into .build/oca, outside Odoo's environment (its wheel asks for an
# `odoo` distribution, which a source checkout of Odoo need not be), with the
# Python package it needs (openupgradelib) in Odoo's Python. Sets
# QUEUE_JOB_ADDONS, the folder to add to that phase's addons path.
ensure_queue_job() {
    QUEUE_JOB_ADDONS="$BUILD_DIR/oca/odoo/addons"
    if [ ! -f "$QUEUE_JOB_ADDONS/queue_job/__manifest__.py" ]; then
        echo "Installing OCA's queue_job 19.0 into $BUILD_DIR/oca" >&2
        "$ODOO_PYTHON" -m pip install -q --no-deps --target "$BUILD_DIR/oca" \
            "odoo-addon-queue_job>=19.0,<19.1" >&2 \
            || die "could not install odoo-addon-queue_job into $BUILD_DIR/oca"
    fi
    "$ODOO_PYTHON" -c 'import openupgradelib' 2>/dev/null \
        || "$ODOO_PYTHON" -m pip install -q openupgradelib >&2 \
        || die "could not install openupgradelib (for queue_job) into $ODOO_PYTHON"
}
