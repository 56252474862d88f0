# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lists a built wheel and fails when it carries more than the addon.

Usage: check_wheel.py WHEEL. The addon is what Odoo loads (code, data, views,
security, static, i18n, migrations, tests, README); the development tools
(.gitattributes marks them export-ignore) must not be in it.
"""

import sys
import zipfile

PREFIX = "odoo/addons/serial_tracking/"
DEVELOPMENT_ONLY = (
    ".ci/",
    "bench/",
    "compat/",
    "scripts/",
    "stress/",
    ".gitattributes",
    ".gitignore",
    ".pre-commit-config.yaml",
    ".pylintrc",
    ".ruff.toml",
    "Makefile",
    "test-requirements.txt",
)
REQUIRED = ("__manifest__.py", "__init__.py", "README.rst", "models/__init__.py")


def main(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    addon_files = [name[len(PREFIX) :] for name in names if name.startswith(PREFIX)]
    problems = [
        f"{wheel} carries {name}, a development file"
        for name in addon_files
        if name.startswith(DEVELOPMENT_ONLY)
    ]
    problems += [
        f"{wheel} lacks {name}" for name in REQUIRED if name not in addon_files
    ]
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{wheel}: {len(addon_files)} files of the addon, no development file")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
