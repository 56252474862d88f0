#!/usr/bin/env bash
# make lint: the checks of .pre-commit-config.yaml (ruff, ruff-format and
# pylint-odoo's mandatory checks of .pylintrc) without pre-commit, so that they
# run offline. The tools live in a virtual environment in .build/lint-venv,
# created and filled from PyPI the first time (or when a pinned version
# changes); later runs need no network. PYTHON picks the Python that creates
# it (default python3). Exits non-zero when a check fails.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_DIR/.build/lint-venv"
# keep in step with the revs of .pre-commit-config.yaml
# (pypandoc_binary and docutils: README.rst from readme/*.md, scripts/gen_readme.py)
# (whool: the wheel is built and listed, scripts/check_wheel.py)
PINS=(ruff==0.13.0 pylint==3.3.9 pylint-odoo==9.3.15 pypandoc_binary==1.17 docutils==0.23 whool==1.3.1)

pins_installed() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" - "${PINS[@]}" <<'PY'
import sys
from importlib.metadata import PackageNotFoundError, version

for pin in sys.argv[1:]:
    name, wanted = pin.split("==")
    try:
        if version(name) != wanted:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
}

if ! pins_installed; then
    echo "Installing ${PINS[*]} into $VENV"
    [ -x "$VENV/bin/python" ] || "${PYTHON:-python3}" -m venv "$VENV" \
        || { echo "ERROR: could not create $VENV with ${PYTHON:-python3} -m venv" >&2; exit 2; }
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PINS[@]}" \
        || { echo "ERROR: could not install ${PINS[*]} from PyPI" >&2; exit 2; }
fi

if [ "${1:-}" = "--readme" ]; then
    exec "$VENV/bin/python" "$REPO_DIR/scripts/gen_readme.py"
fi

# pylint names modules after their folder: the addon is linted from a copy
# named serial_tracking, as Odoo imports it (odoo.addons.serial_tracking).
# compat/serial_tracking_compat, a helper of `make compat` and not an addon
# anyone installs, gets ruff only.
LINT_DIR="$REPO_DIR/.build/lint"
rm -rf "$LINT_DIR"
mkdir -p "$LINT_DIR/serial_tracking"
tar -C "$REPO_DIR" --exclude=./.build --exclude=./.git --exclude=./.hypothesis \
    --exclude=__pycache__ -cf - . | tar -C "$LINT_DIR/serial_tracking" -xf -

failed=()
cd "$REPO_DIR"
echo "== ruff check"
"$VENV/bin/ruff" check --no-fix . || failed+=("ruff check")
echo "== ruff format --check"
"$VENV/bin/ruff" format --check . || failed+=("ruff format")
echo "== pylint (pylint-odoo, .pylintrc)"
(cd "$LINT_DIR" && "$VENV/bin/pylint" --rcfile="$REPO_DIR/.pylintrc" \
    --output-format=text serial_tracking) || failed+=("pylint")
echo "== README.rst from readme/*.md"
"$VENV/bin/python" scripts/gen_readme.py --check || failed+=("README.rst")
echo "== the wheel holds the addon only"
{ PYTHON="$VENV/bin/python" NO_BUILD_ISOLATION=1 bash scripts/wheel.sh >/dev/null \
    && "$VENV/bin/python" scripts/check_wheel.py "$REPO_DIR"/.build/dist/odoo_addon_serial_tracking-*.whl; } \
    || failed+=("wheel")
if [ "${#failed[@]}" -gt 0 ]; then
    echo "lint failed: ${failed[*]}"
    exit 1
fi
echo "lint passed: ruff, ruff format, pylint-odoo, README.rst, wheel"
