# The two commands of the README: `make run` and `make test`.
.PHONY: run test lint

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh

# ruff, ruff-format and pylint-odoo (.pre-commit-config.yaml's checks), offline
# once .build/lint-venv is filled from PyPI.
lint:
	bash scripts/lint.sh

# Development helpers (not part of the contract)
.PHONY: pot wheel readme
# README.rst from the readme/*.md fragments (pandoc and docutils from .build/lint-venv)
readme:
	bash scripts/lint.sh --readme

pot:
	bash scripts/export_pot.sh

# The addon as a wheel (whool, pyproject.toml) in .build/dist.
wheel:
	bash scripts/wheel.sh

# Stress run on a 4-worker Odoo (issue: reliability under load); bounded, loopback only.
.PHONY: stress
stress:
	bash stress/run.sh

# Benchmark: serial volumes side by side with native Odoo (not a test).
.PHONY: bench
bench:
	bash bench/run.sh

# Odoo's own tests with the addon and with Track Serials products (long; not a test),
# in two parts run one after the other: stock, purchases, sales, manufacturing;
# then subcontracting, repairs, wave pickings, dropshipping, point of sale.
.PHONY: compat compat2
compat:
	COMPAT_PART=1 bash compat/run.sh

compat2:
	COMPAT_PART=2 bash compat/run.sh

# Scale check through the web client's own calls on Odoo with --workers=2 and
# its default limits (SCALE_N="10000 100000"); long, not a test.
.PHONY: scale
scale:
	bash bench/scale.sh
