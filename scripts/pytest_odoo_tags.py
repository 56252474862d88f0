# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""pytest plugin of `make test`: ``--odoo-test-tags=SPEC`` keeps the collected
tests that ``odoo-bin --test-tags=SPEC`` would run (Odoo's own TagsSelector,
so the same syntax: ``/serial_tracking,-serial_tracking_sale``,
``/serial_tracking:TestSerialAccess``, ``serial_tracking_mrp``...) and
deselects the others. pytest-odoo itself runs every test it collects.

Load it with ``-p pytest_odoo_tags`` and this folder on PYTHONPATH."""


def pytest_addoption(parser):
    parser.addoption(
        "--odoo-test-tags",
        action="store",
        default=None,
        help="Odoo test tags (as odoo-bin --test-tags) the collected tests must match",
    )


def pytest_collection_modifyitems(config, items):
    spec = config.getoption("--odoo-test-tags")
    if not spec:
        return
    from odoo.tests.tag_selector import TagsSelector

    selector = TagsSelector(spec)
    selected, deselected = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        matches = cls is not None and selector.check(cls(item.name))
        (selected if matches else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected
