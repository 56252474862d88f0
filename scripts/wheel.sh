#!/usr/bin/env bash
# make wheel: builds odoo_addon_serial_tracking-<version>-py3-none-any.whl into
# .build/dist with whool (pyproject.toml). whool names the package after the
# addon's folder, so the files under git control are built from a copy named
# serial_tracking: `pip wheel . --no-deps` gives the same wheel in a checkout
# that is itself named serial_tracking. PYTHON picks the Python whose pip builds
# it (default: Odoo's, else python3); whool comes from PyPI, or from that
# Python itself with NO_BUILD_ISOLATION=1 (make lint, offline).
# Only the addon goes into the wheel: the files marked export-ignore in
# .gitattributes (bench, stress, compat, scripts, the linters' settings) are left
# out of the copy, since whool itself has no way to exclude tracked files.
set -euo pipefail
REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-$(command -v /opt/odoo19/venv/bin/python || command -v python3)}"
DIST="$REPO_DIR/.build/dist"
# outside any git work tree: whool copies what `git ls-files` lists when it can
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
SRC="$WORK/serial_tracking"
mkdir -p "$SRC" "$DIST"
git -C "$REPO_DIR" ls-files -z -- ':(attr:!export-ignore)' | (cd "$REPO_DIR" && xargs -0 cp --parents -t "$SRC")
rm -f "$DIST"/odoo_addon_serial_tracking-*.whl
isolation=()
[ -n "${NO_BUILD_ISOLATION:-}" ] && isolation=(--no-build-isolation)
"$PYTHON" -m pip wheel --no-deps --disable-pip-version-check -q "${isolation[@]}" -w "$DIST" "$SRC"
ls "$DIST"/odoo_addon_serial_tracking-*.whl
