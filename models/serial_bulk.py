# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Not a model: what the models and wizards share to handle serials by the
batch through the ORM: Odoo's company check run once per company and field for
a whole batch of records, and a list of serials shortened for a message in the
user's language. What needs no ORM is in ``tools/`` (the context of a document
flow's serial writes: ``tools/serial_flow.py``)."""

from ..tools.serial_text import format_collapsed


def format_serials(env, names, limit=None):
    """:func:`format_collapsed` with its "(+N more)" tail in the user's language."""
    return format_collapsed(names, limit=limit, more=env._("… (+%(count)s more)"))


def check_company_in_bulk(records, serials, fnames, odoo_check):
    """``records._check_company(fnames)`` where ``serials`` (a part of
    ``records``, created or moved in large batches) are checked per company
    and field on all their linked records at once, not one record at a time.
    ``odoo_check(some_records)`` runs Odoo's own check: on the other records,
    and on the serials when a mismatch needs its wording (or a case the
    shortcut leaves to Odoo: company-dependent fields). A copy of the ORM's
    check: the overrides call it only where the stock speed path applies
    (``speed_path_applies`` with ``COMPANY_CHECK_METHODS``), else Odoo's own
    check does it all."""
    if len(serials) < 2:
        return odoo_check(records)
    if records - serials:
        odoo_check(records - serials)
    if fnames is None or {"company_id", "company_ids"} & set(fnames):
        fnames = records._fields
    fields_to_check = [records._fields[name] for name in fnames]
    fields_to_check = [
        field for field in fields_to_check if field.relational and field.check_company
    ]
    if "company_id" not in records._fields or any(
        field.company_dependent for field in fields_to_check
    ):
        return odoo_check(serials)
    for company, group in serials.grouped("company_id").items():
        for field in fields_to_check:
            linked = group.sudo()[field.name]
            if not linked:
                continue
            domain = linked._check_company_domain(company)
            if domain and linked != linked.with_context(
                active_test=False
            ).filtered_domain(domain):
                return odoo_check(serials)
    return None
