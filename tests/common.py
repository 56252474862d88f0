# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The test bases and the builders of the documents the tests run, one of
each, shared by every test file.

Builders of documents, in any environment (another company's, a committed
one of a concurrency test), each taking what it needs:

* ``new_transfer``: a transfer of one move, confirmed and reserved or not;
* ``new_lined_transfer``: a transfer created with its lines naming serials,
  as Odoo's own API takes them;
* ``new_invoice``: a draft bill, invoice or credit note of one line;
* ``purchase_order``: a confirmed purchase order (purchase_stock).

``SerialTrackingCase`` sets the company, its warehouse and places, users,
the two Track Serials products, the class's ``product`` (the physical one
unless a subclass chooses another), ``vendor`` and ``customer``; its builders
read nothing else:

* ``picking``: ``new_transfer`` in the test's environment;
* ``new_receipt`` / ``new_delivery``: a receipt from the vendor, a delivery to
  the customer, no serial entered;
* ``transfer``, ``receipt``, ``receive``, ``deliver``: transfers whose units
  are entered through the entry dialog, validated or not;
* ``lined_transfer``, ``validated_transfer``: transfers whose lines name the
  serials, as for Odoo's own serial products;
* ``return_picking``: Odoo's Return of a transfer for some of its units;
* ``scrap``: a validated scrap of one unit;
* ``make_move`` and ``set_serials``: a bill, invoice or credit note with its
  units;
* ``add_serials``, ``lots``, ``events``, ``history_of``: units put in stock,
  found by name, and their history.

The bases below it add what their tests share (``AccountingModeCase``:
``bill``, ``new_bill``, ``enter_on_line``; ``PhysicalModeCase``: ``enter``,
``delivery_wizard``, ``in_stock``; ``BackgroundValidationCase``: ``validate``,
``run_job``, ``in_stock_now``, ``large_entry``, ``large_selection``; and so
on). EPCIS documents are checked with ``validate_epcis``,
``exported`` and ``events_of``; concurrency tests use ``committed_env``,
``run_concurrently`` and ``drop_committed_template``; the speed path's
fingerprints are compared by ``fingerprint_differences``.
"""

import base64
import functools
import io
import json
import os
import re
import sys
import tempfile
import threading
import unittest
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from unittest.mock import patch

import jsonschema
import psycopg2
from PIL import Image

from odoo import SUPERUSER_ID, Command, fields
from odoo.api import Environment
from odoo.http import Request
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import Form, HttpCase, TransactionCase, new_test_user
from odoo.tests.common import ChromeBrowser, get_db_name
from odoo.tools import mute_logger

# Odoo's own base of point-of-sale tests (a company with its chart, a till
# with cash and bank, sessions and orders as the till sends them); its source
# is there whether or not the app is installed, and only PointOfSaleCase, run
# on a database with it, sets it up
from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from ..tools.serial_digital_link import build_digital_link
from ..tools.serial_epcis import EPCIS_CONTEXT, sscc_urn

#: The shipping notices of tests/data/notice: their product's GTIN and SSCCs
#: (the pallet, then its two cartons).
NOTICE_GTIN = "09506000134352"
NOTICE_SSCC = ("095060001000000012", "095060001000000029", "095060001000000036")


#: GS1's EPCIS 2.0 JSON Schema (tests/data/epcis), which exports are
#: validated against.
EPCIS_SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "epcis" / "EPCIS-JSON-Schema.json").read_text()
)


def validate_epcis(document):
    """Validate against GS1's EPCIS 2.0 JSON Schema, formats (URIs, times)
    included."""
    jsonschema.Draft7Validator(
        EPCIS_SCHEMA, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    ).validate(document)


def exported(env, action):
    """The EPCIS document an Export EPCIS action downloads."""
    export_id = int(action["url"].rsplit("/", 1)[1])
    export = env["serial.epcis.export"].browse(export_id)
    return json.loads("".join(export._epcis_chunks()))


def events_of(document):
    """The events of an EPCIS document."""
    return document["epcisBody"]["eventList"]


def notice_data(filename):
    """The bytes of a shipping notice of tests/data/notice."""
    return (Path(__file__).parent / "data" / "notice" / filename).read_bytes()


def epcis_notice(events):
    """An EPCIS 2.0 document (bytes) of ``events``: ``("pack", parent SSCC
    (written as its URN) or Digital Link, child EPCs)`` for a packing
    AggregationEvent, ``("unpack", ...)`` the same for an unpacking one,
    ``("ship", EPCs)`` for a shipping ObjectEvent."""
    event_list = []
    for event in events:
        common = {"eventTime": "2026-03-01T08:00:00Z", "eventTimeZoneOffset": "+00:00"}
        if event[0] in ("pack", "unpack"):
            event_list.append(
                {
                    "type": "AggregationEvent",
                    **common,
                    "action": "ADD" if event[0] == "pack" else "DELETE",
                    "bizStep": "packing" if event[0] == "pack" else "unpacking",
                    "parentID": event[1]
                    if event[1].startswith("https://")
                    else sscc_urn(event[1]),
                    "childEPCs": list(event[2]),
                }
            )
        else:
            event_list.append(
                {
                    "type": "ObjectEvent",
                    **common,
                    "action": "OBSERVE",
                    "bizStep": "shipping",
                    "epcList": list(event[1]),
                }
            )
    document = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-03-01T10:00:00Z",
        "epcisBody": {"eventList": event_list},
    }
    return json.dumps(document).encode()


def fingerprint_differences(current, recorded):
    """What differs, key by key, between ``current`` (the fingerprints of the
    Odoo methods the speed path mirrors, computed from the running Odoo's
    source: ``current_fingerprints``) and ``recorded`` (``MIRRORED_METHODS``):
    one line per method changed, gone from Odoo or not recorded, naming it,
    with the fingerprint to record where there is one."""
    differences = []
    for key in sorted(current.keys() | recorded.keys()):
        fingerprint = current.get(key)
        if key not in recorded:
            differences.append(f"not recorded: {key!r}: {fingerprint!r},")
        elif fingerprint is None:
            differences.append(f"gone from Odoo: {key!r}")
        elif fingerprint != recorded[key]:
            differences.append(f"changed: {key!r}: {fingerprint!r},")
    return differences


def new_transfer(
    env,
    picking_type,
    source,
    destination,
    quantity,
    product,
    partner=None,
    confirm=True,
    assign=True,
    **values,
):
    """A transfer in ``env`` of ``quantity`` units of ``product`` in one move,
    with the transfer's other ``values``, confirmed (unless ``confirm`` is
    False: a draft) and, unless ``assign`` is False, reserved; no serial
    entered."""
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "partner_id": partner and partner.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": quantity,
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                    }
                )
            ],
            **values,
        }
    )
    if confirm:
        picking.action_confirm()
    if confirm and assign:
        picking.action_assign()
    return picking


def new_lined_transfer(
    env, picking_type, source, destination, product, names=(), lots=(), picked=True
):
    """A transfer in ``env`` of one move of ``product`` created with its
    lines, which carry ``names`` (new serials) or ``lots``, one unit each
    (``picked`` or not), as Odoo's own API takes them (not the entry dialog);
    confirmed, validated by the caller."""
    lines = [{"lot_name": name} for name in names] + [
        {"lot_id": lot.id} for lot in lots
    ]
    picking = env["stock.picking"].create(
        {
            "picking_type_id": picking_type.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "move_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": len(lines),
                        "location_id": source.id,
                        "location_dest_id": destination.id,
                        "move_line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "quantity": 1,
                                    "picked": picked,
                                    "location_id": source.id,
                                    "location_dest_id": destination.id,
                                    **line,
                                }
                            )
                            for line in lines
                        ],
                    }
                )
            ],
        }
    )
    picking.action_confirm()
    return picking


def new_invoice(
    env,
    move_type,
    partner,
    product,
    quantity,
    price_unit=100.0,
    invoice_date=date(2025, 3, 1),
    **line_values,
):
    """A draft bill, invoice or credit note in ``env`` of one line of
    ``quantity`` units of ``product``, with the line's other ``line_values``
    (``serial_lot_ids``, say)."""
    return env["account.move"].create(
        {
            "move_type": move_type,
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_line_ids": [
                Command.create(
                    {
                        "product_id": product.id,
                        "quantity": quantity,
                        "price_unit": price_unit,
                        **line_values,
                    }
                )
            ],
        }
    )


def purchase_order(env, vendor, product, quantity, price_unit=40.0):
    """A confirmed purchase order (purchase_stock installed) of ``quantity``
    units of ``product``; its receipt is ``order.picking_ids``."""
    order = env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_qty": quantity,
                        "price_unit": price_unit,
                    }
                )
            ],
        }
    )
    order.button_confirm()
    return order


class SerialTrackingCase(TransactionCase):
    """Users with and without Manage Serials, the two Track Serials products,
    the class's ``product`` (the physical one unless a subclass chooses
    another), ``vendor`` and ``customer`` (named by ``vendor_name`` and
    ``customer_name``), and the builders of the documents the tests run."""

    vendor_name = "Serial Vendor"
    customer_name = "Serial Customer"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.group_manage_serials = cls.env.ref("serial_tracking.group_manage_serials")
        cls.serial_manager = new_test_user(
            cls.env,
            login="st_serial_manager",
            groups="stock.group_stock_user,serial_tracking.group_manage_serials",
        )
        cls.stock_user = new_test_user(
            cls.env, login="st_stock_user", groups="stock.group_stock_user"
        )
        cls.stock_admin = new_test_user(
            cls.env, login="st_stock_admin", groups="stock.group_stock_manager"
        )
        cls.product_editor = new_test_user(
            cls.env,
            login="st_product_editor",
            groups="stock.group_stock_user,product.group_product_manager",
        )
        cls.billing_user = new_test_user(
            cls.env, login="st_billing_user", groups="account.group_account_invoice"
        )
        cls.accounting_product = cls.create_tracked_product(
            "Tracked Laptop", "accounting"
        )
        cls.physical_product = cls.create_tracked_product("Tracked Scanner", "physical")
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.product = cls.physical_product.product_variant_id
        cls.vendor = cls.env["res.partner"].create({"name": cls.vendor_name})
        cls.customer = cls.env["res.partner"].create({"name": cls.customer_name})

    @classmethod
    def create_tracked_product(cls, name, mode, **vals):
        return cls.env["product.template"].create(
            {
                "name": name,
                "type": "consu",
                "serial_tracking_enabled": True,
                "serial_tracking_mode": mode,
                **vals,
            }
        )

    @classmethod
    def add_serials(cls, template, names, location=None):
        return cls.env["stock.lot"]._serial_add_to_stock(
            template.product_variant_id, names, location or cls.stock_location
        )

    @classmethod
    def lots(cls, *names, product=None, company=None):
        """The units ``names`` of ``product`` (a product or its template; by
        default the class's ``product``) in ``company`` (by default the
        class's), in the order of ``names``."""
        product = product if product is not None else cls.product
        if product._name == "product.template":
            product = product.product_variant_id
        lots = cls.env["stock.lot"].search(
            [
                ("product_id", "=", product.id),
                ("name", "in", names),
                ("company_id", "in", [(company or cls.company).id, False]),
            ]
        )
        return lots.sorted(lambda lot: names.index(lot.name))

    @classmethod
    def make_move(
        cls,
        move_type,
        partner,
        quantity,
        serials=None,
        user=None,
        invoice_date=date(2025, 3, 1),
        product=None,
    ):
        """A draft bill, invoice or credit note of ``quantity`` units of
        ``product`` (by default the class's ``product``), made by ``user``
        (by default the test's), with the units ``serials`` on its line when
        given."""
        move = new_invoice(
            cls.env(user=user) if user else cls.env,
            move_type,
            partner,
            product or cls.product,
            quantity,
            invoice_date=invoice_date,
        )
        if serials is not None:
            cls.set_serials(move.invoice_line_ids, serials)
        return move

    @classmethod
    def set_serials(cls, line, serials):
        """The units ``serials`` on an invoice line: new serials typed in, or
        existing units picked."""
        if line._serial_mode() == "add":
            line.serial_names = "\n".join(serials)
        else:
            lots = cls.env["stock.lot"].search(
                [("product_id", "=", line.product_id.id), ("name", "in", serials)]
            )
            line.serial_lot_ids = [Command.set(lots.ids)]

    @staticmethod
    def events(lot):
        """The unit's history, oldest first."""
        return lot.history_ids.sorted("id").mapped("event_type")

    def history_of(self, lot_ids):
        """Every history row of the units ``lot_ids`` (ids: the units may be
        gone)."""
        return self.env["stock.lot.history"].search([("lot_id", "in", lot_ids)])

    @classmethod
    def picking(
        cls,
        picking_type,
        source,
        destination,
        quantity,
        partner=None,
        product=None,
        assign=True,
        confirm=True,
        **values,
    ):
        """:func:`new_transfer` in the test's environment, of the physical
        product unless ``product`` is given."""
        return new_transfer(
            cls.env,
            picking_type,
            source,
            destination,
            quantity,
            product or cls.physical_product.product_variant_id,
            partner=partner,
            confirm=confirm,
            assign=assign,
            **values,
        )

    @classmethod
    def new_receipt(cls, quantity=3, product=None, assign=True):
        """A receipt of ``quantity`` units of ``product`` (by default the
        physical product) from the class's ``vendor`` into the stock,
        confirmed and, unless ``assign`` is False, reserved; no serial
        entered."""
        return cls.picking(
            cls.warehouse.in_type_id,
            cls.supplier_location,
            cls.stock_location,
            quantity,
            cls.vendor,
            product=product,
            assign=assign,
        )

    @classmethod
    def new_delivery(cls, quantity=1, location=None, product=None):
        """A delivery of ``quantity`` units of ``product`` (by default the
        physical product) from ``location`` (by default the stock) to the
        class's ``customer``, confirmed and reserved; no serial entered."""
        return cls.picking(
            cls.warehouse.out_type_id,
            location or cls.stock_location,
            cls.customer_location,
            quantity,
            cls.customer,
            product=product,
        )

    @classmethod
    def lined_transfer(
        cls,
        picking_type,
        source,
        destination,
        names=(),
        lots=(),
        picked=True,
        product=None,
        company=None,
    ):
        """:func:`new_lined_transfer` of ``product`` (by default the class's
        ``product``) in ``company`` (by default the class's)."""
        env = cls.env(
            context=dict(
                cls.env.context, allowed_company_ids=(company or cls.company).ids
            )
        )
        return new_lined_transfer(
            env,
            picking_type,
            source,
            destination,
            product or cls.product,
            names=names,
            lots=lots,
            picked=picked,
        )

    @classmethod
    def validated_transfer(
        cls,
        product,
        source,
        destination,
        quantity,
        picking_type=None,
        lots=None,
        names=None,
        picked_count=None,
        partner=None,
    ):
        """A confirmed transfer (an internal one unless ``picking_type`` is
        given) of ``product`` with ``partner``; serials given by name (new),
        by lot, or left to Odoo's reservation, written on the move lines as
        for Odoo's own serial products (not the entry dialog of
        ``transfer``), so that both run the same operations; the first
        ``picked_count`` lines kept when given. Validated without backorder;
        returns the picking."""
        picking = cls.picking(
            picking_type or cls.warehouse.int_type_id,
            source,
            destination,
            quantity,
            partner,
            product=product,
            assign=False,
        )
        move = picking.move_ids
        if names or lots:
            move.move_line_ids.unlink()
            move.write(
                {
                    "move_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "location_dest_id": destination.id,
                                "quantity": 1,
                                **(
                                    {"lot_name": serial, "location_id": source.id}
                                    if names
                                    else {
                                        "lot_id": serial.id,
                                        "location_id": serial.location_id.id
                                        or source.id,
                                    }
                                ),
                            }
                        )
                        for serial in (names or lots)
                    ]
                }
            )
        else:
            picking.action_assign()
        if picked_count is not None:
            move.move_line_ids.sorted("id")[picked_count:].unlink()
        move.picked = True
        picking.with_context(
            skip_backorder=True, picking_ids_not_to_backorder=picking.ids
        ).button_validate()
        return picking

    @classmethod
    def transfer(
        cls,
        picking_type,
        source,
        destination,
        names,
        partner=None,
        product=None,
        validate=True,
    ):
        """A transfer of ``product``'s (by default the physical product's)
        units ``names`` entered through the entry dialog, as the demo data and
        the warranty claims build one; validated unless ``validate`` is
        False."""
        picking = cls.env["stock.picking"]._serial_create_transfer(
            picking_type,
            source,
            destination,
            partner or cls.env["res.partner"],
            product or cls.physical_product.product_variant_id,
            names,
        )
        if validate:
            picking.button_validate()
        return picking

    @classmethod
    def receipt(cls, *names):
        """A receipt of ``names`` from the class's ``vendor``, not validated."""
        return cls.transfer(
            cls.warehouse.in_type_id,
            cls.supplier_location,
            cls.stock_location,
            names,
            cls.vendor,
            validate=False,
        )

    @classmethod
    def receive(cls, *names):
        """A validated receipt of ``names`` from the class's ``vendor``."""
        receipt = cls.receipt(*names)
        receipt.button_validate()
        return receipt

    @classmethod
    def deliver(cls, *names, partner=None):
        """A validated delivery of ``names`` to ``partner`` (by default the
        class's ``customer``)."""
        return cls.transfer(
            cls.warehouse.out_type_id,
            cls.stock_location,
            cls.customer_location,
            names,
            partner or cls.customer,
        )

    @classmethod
    def return_picking(cls, picking, *names, product=None, validate=True):
        """Odoo's Return of ``picking`` (a delivery: back from the customer; a
        receipt: back to the vendor) for ``product``'s (by default the
        physical product's) units ``names``, picked and, unless ``validate``
        is False, validated."""
        returned = picking._serial_create_return(
            cls.lots(*names, product=product or cls.physical_product)
        )
        returned.move_ids.picked = True
        if validate:
            returned.button_validate()
        return returned

    @classmethod
    def scrap(cls, name, product=None):
        """A validated scrap of ``product``'s (by default the physical
        product's) unit ``name`` from the stock."""
        product = product or cls.physical_product.product_variant_id
        scrap = cls.env["stock.scrap"].create(
            {
                "product_id": product.id,
                "lot_id": cls.lots(name, product=product).id,
                "scrap_qty": 1,
                "location_id": cls.stock_location.id,
            }
        )
        scrap.action_validate()
        return scrap


class AccountingModeCase(SerialTrackingCase):
    """The accounting-mode product, a vendor, two customers, and bills and
    invoices built line by line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Customer"})
        cls.product = cls.accounting_product.product_variant_id
        cls.accounting_product.write(
            {"serial_warranty_duration": 12, "serial_warranty_unit": "month"}
        )

    def bill(self, *names):
        """A posted vendor bill of ``names``."""
        bill = self.make_move("in_invoice", self.vendor, len(names), list(names))
        bill.action_post()
        return bill

    def new_bill(self, quantity=3, text=None, product=None):
        """A draft vendor bill of ``quantity`` units of ``product`` (by
        default the class's), with ``text`` confirmed in its line's entry
        dialog when given."""
        bill = self.make_move("in_invoice", self.vendor, quantity, product=product)
        if text:
            self.enter_on_line(bill.invoice_line_ids, text)
        return bill

    def enter_on_line(self, line, text):
        """Confirm the entry dialog of an invoice line with ``text`` pasted
        (add mode); returns the dialog."""
        action = line.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        wizard.paste_text = text
        wizard.action_add_pasted()
        wizard.action_confirm()
        return wizard

    def run_documents(self, product, prefix, count):
        """Post a bill of ``count`` new units of ``product``, an invoice of
        all but the last (reset to draft and posted again), a customer credit
        note of the first and a vendor credit note of the last. Returns the
        documents, in that order."""
        names = [f"{prefix}{n}" for n in range(1, count + 1)]
        documents = []
        for move_type, partner, serials in (
            ("in_invoice", self.vendor, names),
            ("out_invoice", self.customer, names[:-1]),
            ("out_refund", self.customer, names[:1]),
            ("in_refund", self.vendor, names[-1:]),
        ):
            move = self.make_move(
                move_type, partner, len(serials), serials, product=product
            )
            move.action_post()
            if move_type == "out_invoice":
                move.button_draft()
                move.action_post()
            documents.append(move)
        return documents

    def accounting_outcome(self, product, documents, prefix):
        """What the database holds of ``product``'s units, named by serial
        (without ``prefix``) and by the position of the document in
        ``documents``: each unit's status, place, customer, holder, dates
        and its history rows (event, document, places, partner, user and the
        values a reversal restores)."""
        self.env.flush_all()
        self.env.invalidate_all()
        position = {move.id: index for index, move in enumerate(documents)}
        lots = self.env["stock.lot"].search([("product_id", "=", product.id)])
        return sorted(
            (
                lot.name.removeprefix(prefix),
                lot.serial_status,
                lot.location_id.id,
                lot.last_customer_id.id,
                lot.holder_partner_id.id,
                lot.warranty_date_start,
                lot.warranty_date_end,
                lot.date_received,
                tuple(
                    (
                        row.event_type,
                        row.res_model,
                        position.get(row.res_id),
                        row.location_id.id,
                        row.location_dest_id.id,
                        row.partner_id.id,
                        row.user_id.id,
                        row.company_id.id,
                        row.product_tmpl_id == product.product_tmpl_id,
                        row.previous_values,
                    )
                    for row in lot.history_ids.sorted("id")
                ),
            )
            for lot in lots
        )

    def committed_race(self, names):
        """Committed for a concurrency test of background posting (in a test
        class that has not written the company, whose row the test's
        transaction would hold): a product with the units ``names`` in
        stock, an invoice of them all (the background threshold or more)
        and one of the last unit alone, and the company's threshold of 5;
        all removed after the test. Returns the invoices' ids."""
        with committed_env(self) as env:
            company = env.company
            self.addCleanup(
                self._drop_committed_race,
                company.id,
                company.serial_background_validation_threshold,
            )
            company.serial_background_validation_threshold = 5
            template = env["product.template"].create(
                {
                    "name": "Race Background Laptop",
                    "type": "consu",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "accounting",
                }
            )
            self.race_template_id = template.id
            product = template.product_variant_id
            stock = (
                env["stock.warehouse"]
                .search([("company_id", "=", company.id)], limit=1)
                .lot_stock_id
            )
            lots = env["stock.lot"]._serial_add_to_stock(product, names, stock)
            partner = env["res.partner"].create({"name": "Race Background Customer"})
            invoices = env["account.move"]
            for units in (lots, lots[-1:]):
                invoices |= new_invoice(
                    env,
                    "out_invoice",
                    partner,
                    product,
                    len(units),
                    price_unit=10,
                    invoice_date=date(2025, 6, 1),
                    serial_lot_ids=[Command.set(units.ids)],
                )
            self.race_move_ids = invoices.ids
            self.race_partner_id = partner.id
        return invoices.ids

    def _drop_committed_race(self, company_id, threshold):
        with committed_env(self) as env:
            moves = env["account.move"].browse(getattr(self, "race_move_ids", []))
            moves.sudo().write(
                {"serial_background_state": False, "serial_background_action": False}
            )
            moves.filtered(lambda move: move.state == "posted").button_draft()
            moves.unlink()
            env["res.company"].browse(
                company_id
            ).serial_background_validation_threshold = threshold
            if getattr(self, "race_partner_id", None):
                env["res.partner"].browse(self.race_partner_id).unlink()
        if getattr(self, "race_template_id", None):
            drop_committed_template(self, self.race_template_id)


class AccountingBackgroundCase(AccountingModeCase):
    """Bills and invoices whose serials the background job works on: a
    threshold of 5 serial units, slices of 3, and the job run in the test's
    transaction (each slice in a savepoint, as each is a transaction of its
    own in the job)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_background_validation_threshold = 5
        cls.company.serial_validation_slice_size = 3
        cls.twin = cls.create_tracked_product(
            "Tracked Laptop Twin",
            "accounting",
            serial_warranty_duration=12,
            serial_warranty_unit="month",
        ).product_variant_id

    def run_job(self):
        self.env["stock.picking"]._serial_cron_validate_queued()

    def run_one_slice(self, move):
        """One slice of ``move``'s background work, as one run of the job
        that is then stopped (its time is up)."""
        return move._serial_work_in_background(after_slice=lambda count: False)

    def post(self, move):
        """Post ``move`` as a user does; what went to the background is run
        there."""
        move.action_post()
        if move.serial_background_state == "queued":
            self.run_job()
        return move

    def stock_of(self, prefix, count, product=None):
        """``count`` units ``prefix``1... of ``product`` in stock, through a
        bill; returns their names."""
        names = [f"{prefix}{n}" for n in range(1, count + 1)]
        self.post(
            self.make_move("in_invoice", self.vendor, count, names, product=product)
        )
        return names


class PhysicalModeCase(SerialTrackingCase):
    """A physical-mode product, a vendor, a customer, a shelf in the stock,
    and receipts and deliveries through the entry dialog."""

    vendor_name = "Physical Vendor"
    customer_name = "Physical Customer"

    def in_stock(self, *names, product=None):
        return self.env["stock.quant"].search_count(
            [
                ("product_id", "=", (product or self.product).id),
                ("lot_id.name", "in", names),
                ("location_id", "=", self.stock_location.id),
                ("quantity", ">", 0),
            ]
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.shelf = cls.env["stock.location"].create(
            {
                "name": "Shelf 9",
                "usage": "internal",
                "location_id": cls.stock_location.id,
            }
        )

    def delivery_wizard(self, count=1, location=None):
        """The entry dialog, cleared, of a new delivery of ``count`` units
        from ``location`` (by default the stock) to the class's customer."""
        delivery = self.new_delivery(count, location)
        action = delivery.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        return wizard

    def enter(self, move, text=None, auto_select=False):
        action = move.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        if text:
            wizard.action_clear()  # drop what Odoo reserved; take the pasted units
            wizard.paste_text = text
            if wizard.mode == "add":
                wizard.action_add_pasted()
            else:
                wizard.action_select_pasted()
        if auto_select:
            wizard.action_clear()
            wizard.action_auto_select()
        wizard.action_confirm()
        return wizard


class BackgroundValidationCase(PhysicalModeCase):
    """Transfers validated by the background job: a threshold of 3 serial
    units, slices of 3, and the job run in the test's transaction (each slice
    in a savepoint, as each is a transaction of its own in the job)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.serial_background_validation_threshold = 3
        cls.company.serial_validation_slice_size = 3
        cls.cron = cls.env.ref("serial_tracking.ir_cron_serial_background_validation")
        # a second product like the class's, for flows compared both ways
        cls.twin = cls.create_tracked_product(
            "Tracked Scanner Twin", "physical"
        ).product_variant_id

    def run_job(self):
        self.env["stock.picking"]._serial_cron_validate_queued()

    def enter(self, move, text=None, auto_select=False):
        """The entry dialog confirmed; an entry left to the background job
        (the threshold or more on a receipt) is run there."""
        wizard = super().enter(move, text=text, auto_select=auto_select)
        if move.picking_id.serial_background_state == "queued":
            self.run_job()
        return wizard

    def validate(self, picking):
        """Validate ``picking`` as a user does; what went to the background
        is run there."""
        picking.button_validate()
        if picking.serial_background_state == "queued":
            self.run_job()
        return picking

    def large_entry(self, text, quantity=5):
        """A receipt of ``quantity`` units and the dialog's confirmation of
        ``text``: returns the receipt and what the confirmation answered."""
        receipt = self.new_receipt(quantity)
        if receipt.serial_background_state:  # its lines made in the background
            self.run_job()
        action = receipt.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        wizard.paste_text = text
        wizard.action_add_pasted()
        return receipt, wizard.action_confirm()

    def large_selection(self, names):
        """A delivery of as many units as ``names`` and the dialog's
        confirmation of that selection: returns the delivery and what the
        confirmation answered."""
        delivery = self.new_delivery(len(names))
        if delivery.serial_background_state:  # reserved in the background
            self.run_job()
        action = delivery.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        wizard.paste_text = "\n".join(names)
        wizard.action_select_pasted()
        return delivery, wizard.action_confirm()

    def in_stock_now(self, *names):
        """Receive ``names`` (validated, in the background when large)."""
        receipt = self.validate(self.receipt(*names))
        self.assertEqual(receipt.state, "done")

    def partial_receipt(self, *names):
        """A receipt of one unit more than ``names``: Odoo asks about a
        backorder."""
        receipt = self.receipt(*names, "LATER")
        receipt.move_ids.move_line_ids.filtered(
            lambda line: (line.lot_id.name or line.lot_name) == "LATER"
        ).unlink()
        return receipt

    def stored_outcome(self, product):
        """What the database holds of ``product``'s flows, named by serial
        and place rather than by record id (two products run the same flows
        and must store the same thing): serials and their history, quants,
        move lines, and per transfer its state, moves' quantities and
        values, and backorders."""
        lots = self.env["stock.lot"].search([("product_id", "=", product.id)])
        quants = self.env["stock.quant"].search([("product_id", "=", product.id)])
        lines = self.env["stock.move.line"].search([("product_id", "=", product.id)])
        moves = self.env["stock.move"].search([("product_id", "=", product.id)])
        pickings = moves.picking_id.sorted("id")
        return {
            "serials": sorted(
                (
                    lot.name,
                    lot.serial_status,
                    lot.location_id.id,
                    lot.last_customer_id.id,
                    tuple(
                        (
                            row.event_type,
                            row.res_model,
                            row.location_id.id,
                            row.location_dest_id.id,
                            row.partner_id.id,
                        )
                        for row in lot.history_ids.sorted("id")
                        # what the entry dialog did before the validation
                        # (below the background threshold only) is not compared
                        if row.event_type != "ANNOUNCE"
                    ),
                )
                for lot in lots
            ),
            "quants": sorted(
                (q.lot_id.name, q.location_id.id, q.quantity, q.reserved_quantity)
                for q in quants
                if q.quantity or q.reserved_quantity
            ),
            "lines": sorted(
                (
                    line.lot_id.name or line.lot_name or "",
                    line.location_id.id,
                    line.location_dest_id.id,
                    line.quantity,
                    line.state,
                    line.picking_id.picking_type_id.id,
                )
                for line in lines
            ),
            "transfers": [
                (
                    picking.picking_type_id.id,
                    picking.state,
                    bool(picking.date_done),
                    len(picking.backorder_ids),
                    sorted(
                        (
                            state,
                            sum(
                                picking.move_ids.filtered(
                                    lambda m, state=state: m.state == state
                                ).mapped(field)
                            ),
                        )
                        for state in set(picking.move_ids.mapped("state"))
                        for field in ("quantity", "product_uom_qty", "value")
                    ),
                )
                for picking in pickings
            ],
        }


class QueueJobCase(BackgroundValidationCase):
    """Background validation through OCA's queue_job (installed on the
    database of the queue_job test phase): jobs stored as queue_job stores
    them, run one by one as its runner runs them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "queue.job" not in cls.env.registry:
            raise unittest.SkipTest("queue_job is not installed on this database")

    def run_jobs(self):
        """Run the pending jobs, oldest first, through queue_job's own
        runner code (``RunJobController._runjob``), until none is left;
        return the names of the job methods run."""
        # imported here: queue_job is only on that phase's addons path
        from odoo.addons.queue_job.controllers.main import (  # noqa: PLC0415
            RunJobController,
        )
        from odoo.addons.queue_job.job import Job  # noqa: PLC0415

        run = []
        while True:
            pending = self.env["queue.job"].search(
                [("state", "=", "pending")], order="id", limit=1
            )
            if not pending:
                return run
            job = Job.load(self.env, pending.uuid)
            job.set_started()
            job.store()
            RunJobController._runjob(self.env, job)
            run.append(pending.method_name)


class Gs1EntryCase(PhysicalModeCase):
    """Receipts and deliveries whose units are entered by scanning GS1 codes
    or Digital Links."""

    def receipt_wizard(self, count=3):
        receipt = self.new_receipt(count)
        action = receipt.move_ids.action_open_serial_entry()
        return receipt, self.env["serial.entry.wizard"].browse(action["res_id"])

    def receive_scans_then_select(self, scans, delivery_scan):
        """Scans ``scans`` into a receipt of as many units, confirms and
        validates it, then scans ``delivery_scan`` into a delivery of one
        unit: the receipt's entry dialog and the delivery's, left open."""
        receipt, received = self.receipt_wizard(count=len(scans))
        received.paste_text = "\n".join(scans)
        received.action_add_pasted()
        received.action_confirm()
        receipt.button_validate()
        delivery = self.new_delivery(1)
        action = delivery.move_ids.action_open_serial_entry()
        selecting = self.env["serial.entry.wizard"].browse(action["res_id"])
        selecting.action_clear()
        selecting.paste_text = delivery_scan
        selecting.action_select_pasted()
        return received, selecting


class ShippingNoticeCase(PhysicalModeCase):
    """Receipts that take a vendor's shipping notice (tests/data/notice): the
    class's product has the notices' GTIN and the internal reference SCAN-1,
    its twin SCAN-2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.write({"barcode": NOTICE_GTIN[1:], "default_code": "SCAN-1"})
        cls.twin = cls.create_tracked_product(
            "Tracked Scanner Twin", "physical", default_code="SCAN-2"
        ).product_variant_id
        cls.pallet_sscc, cls.carton_sscc, cls.other_carton_sscc = NOTICE_SSCC

    def notice_wizard(self, receipt, filename, content):
        action = receipt.action_import_serial_notice()
        wizard = self.env["serial.notice.import"].browse(action["res_id"])
        wizard.write(
            {
                "notice_file": base64.b64encode(content),
                "notice_filename": filename,
            }
        )
        return wizard

    def import_notice(self, receipt, filename, content=None):
        """Preview then import ``filename`` (of tests/data/notice unless
        ``content`` is given) onto ``receipt``; returns the dialog."""
        if content is None:
            content = notice_data(filename)
        wizard = self.notice_wizard(receipt, filename, content)
        wizard.action_preview()
        wizard.action_import()
        return wizard

    def assert_packed_as_notice_pallet(self, receipt, loose_unit=True):
        """The lines of ``receipt`` put the units of notice_pallet.csv into
        their cartons (its packed units only, without ``loose_unit``)."""
        packed = {
            "NS-1": self.carton_sscc,
            "NS-2": self.carton_sscc,
            "NS-3": self.other_carton_sscc,
            "NS-4": self.other_carton_sscc,
        }
        if loose_unit:
            packed["NS-5"] = False
        self.assertEqual(self.line_packages(receipt), packed)

    def package(self, name):
        return self.env["stock.package"].search([("name", "=", name)])

    def line_packages(self, receipt):
        """{serial: the name of the package its line goes into}."""
        return {
            line.lot_id.name: line.result_package_id.name or False
            for line in receipt.move_ids.move_line_ids
        }

    def received_pallet(self):
        """notice_pallet.csv received whole: NS-1 to NS-4 in their two
        cartons, inside the pallet; NS-5 in no package."""
        receipt = self.new_receipt(5)
        self.import_notice(receipt, "notice_pallet.csv")
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        return receipt

    def receive_carton(self, receipt, *codes):
        """``receipt`` (notice_pallet.csv imported) entered by scanning
        ``codes`` in its dialog, then validated; returns the backorder
        dialog Odoo opens, as a Form saved."""
        wizard = self.receipt_entry(receipt)
        for code in codes:
            wizard.scan_code(code)
        wizard.action_confirm()
        action = receipt.button_validate()
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        return Form.from_action(self.env, action).save()

    def receipt_entry(self, receipt):
        """The entry dialog of the receipt's move, cleared."""
        action = receipt.move_ids.action_open_serial_entry()
        wizard = self.env["serial.entry.wizard"].browse(action["res_id"])
        wizard.action_clear()
        return wizard


class CameraScanCase(Gs1EntryCase):
    """Codes read one at a time (the camera, a keyboard-wedge scanner) into
    the entry dialog of a product with a GTIN, and the units they name."""

    GTIN = "09506000134352"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.barcode = cls.GTIN[1:]
        cls.other_product = cls.create_tracked_product(
            "Other Scanner", "physical", barcode="4012345000016"
        ).product_variant_id

    @classmethod
    def digital_link(cls, serial, gtin=None):
        return build_digital_link("https://id.example.com", gtin or cls.GTIN, serial)

    def assert_scan(self, result, status, message="", **values):
        """``result`` of ``scan_code`` has ``status``, a message holding
        ``message`` and the ``values`` given (entered, required, done)."""
        self.assertEqual(result["status"], status, result["message"])
        self.assertIn(message, result["message"])
        for key, value in values.items():
            self.assertEqual(result[key], value, key)


class SerialCountCase(PhysicalModeCase):
    """Counts by scanning: a second shelf, the inventory loss location, and
    helpers that open a count's scanning dialog as a person would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_shelf = cls.env["stock.location"].create(
            {
                "name": "Shelf 10",
                "usage": "internal",
                "location_id": cls.stock_location.id,
            }
        )
        cls.loss_location = cls.product.with_company(
            cls.company
        ).property_stock_inventory

    def new_count(self, location=None, user=None, **vals):
        return (
            self.env["serial.count"]
            .with_user(user or self.env.user)
            .create({"location_id": (location or self.shelf).id, **vals})
        )

    def scan(self, count, *names, confirm=True):
        """Scan ``names`` into ``count`` through the entry dialog (Start or
        Scan, paste, Add to List, then Confirm)."""
        action = count.action_scan()
        wizard = self.env["serial.entry.wizard"].with_user(count.env.user)
        wizard = wizard.browse(action["res_id"])
        wizard.paste_text = "\n".join(names)
        wizard.action_add_pasted()
        if confirm:
            wizard.action_confirm()
        return wizard

    def dated_later(self, picking, minutes=1):
        """Date the moves of ``picking`` ``minutes`` later, as if it had been
        validated a while after the scans made now."""
        picking.env.flush_all()
        self.env.cr.execute(
            """UPDATE stock_move_line SET date = date + make_interval(mins => %s)
                WHERE picking_id = %s""",
            [minutes, picking.id],
        )
        self.env.invalidate_all()

    def quant_places(self, *names):
        """{serial: [internal locations where it is on hand]}."""
        quants = self.env["stock.quant"].search(
            [
                ("lot_id.name", "in", names),
                ("product_id", "=", self.product.id),
                ("quantity", ">", 0),
                ("location_id.usage", "=", "internal"),
            ]
        )
        places = {name: [] for name in names}
        for quant in quants:
            places[quant.lot_id.name].append(quant.location_id)
        return places


class ManufacturingCase(PhysicalModeCase):
    """A robot built from one board, both Track Serials physical products, for
    the tests of the database with Manufacturing (mrp), which the test command
    installs for them only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "mrp.production" not in cls.env:
            raise unittest.SkipTest("mrp is not installed on this database")
        cls.board = cls.product
        cls.robot = cls.create_tracked_product(
            "Tracked Robot", "physical"
        ).product_variant_id
        cls.bom = cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": cls.robot.product_tmpl_id.id,
                "product_qty": 1,
                "bom_line_ids": [
                    Command.create({"product_id": cls.board.id, "product_qty": 1})
                ],
            }
        )

    def build(self, robot_serial, board):
        """A done manufacturing order of one robot ``robot_serial`` from the
        board unit ``board``."""
        form = Form(self.env["mrp.production"])
        form.product_id = self.robot
        form.bom_id = self.bom
        production = form.save()
        production.action_confirm()
        production.move_raw_ids.move_line_ids.unlink()
        production.move_raw_ids.move_line_ids = [
            Command.create(
                {
                    "product_id": self.board.id,
                    "lot_id": board.id,
                    "quantity": 1,
                    "location_id": production.location_src_id.id,
                    "location_dest_id": production.move_raw_ids.location_dest_id.id,
                }
            )
        ]
        production.move_raw_ids.picked = True
        form = Form(production)
        form.lot_producing_ids.set(
            self.env["stock.lot"].create(
                {"name": robot_serial, "product_id": self.robot.id}
            )
        )
        production = form.save()
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        return production


class SubcontractingCase(PhysicalModeCase):
    """An amplifier assembled by a subcontractor from a circuit board and a
    screw: the amplifier and the board are Track Serials physical products, the
    screw untracked. For the tests of the database with Subcontracting
    (mrp_subcontracting), which the test command installs for them only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if (
            "mrp.production" not in cls.env
            or "subcontractor_id" not in cls.env["mrp.production"]._fields
        ):
            raise unittest.SkipTest("mrp_subcontracting is not installed")
        cls.subcontractor = cls.env["res.partner"].create(
            {"name": "Assembly Subcontractor", "is_company": True}
        )
        cls.subcontracting_location = cls.company.subcontracting_location_id
        cls.resupply_route = cls.env.ref(
            "mrp_subcontracting.route_resupply_subcontractor_mto"
        )
        cls.amplifier = cls.create_tracked_product(
            "Tracked Amplifier", "physical"
        ).product_variant_id
        cls.board = cls.product
        cls.screw = cls.env["product.product"].create(
            {"name": "Screw", "type": "consu", "is_storable": True}
        )
        cls.bom = cls.subcontracting_bom(cls.amplifier, cls.board, cls.screw)

    @classmethod
    def subcontracting_bom(cls, finished, *components):
        return cls.env["mrp.bom"].create(
            {
                "product_tmpl_id": finished.product_tmpl_id.id,
                "product_qty": 1,
                "type": "subcontract",
                "subcontractor_ids": [Command.link(cls.subcontractor.id)],
                "bom_line_ids": [
                    Command.create({"product_id": component.id, "product_qty": 1})
                    for component in components
                ],
            }
        )

    def subcontracted_receipt(self, product, quantity):
        """A confirmed receipt from the subcontractor: Odoo turns its move into
        a subcontracted one and opens the production at the subcontractor."""
        receipt = self.picking(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            quantity,
            self.subcontractor,
            product=product,
            assign=False,
        )
        self.assertTrue(receipt.move_ids.is_subcontract)
        return receipt

    def record_finished(self, receipt, *names):
        """The finished serials on the receipt, as Odoo's mass generation of
        serials does it (one production per serial)."""
        receipt.do_unreserve()
        receipt.move_ids._generate_serial_numbers(names[0], len(names))
        self.assertEqual(
            receipt.move_ids.move_line_ids.lot_id.mapped("name"), list(names)
        )

    def consume(self, production, component, lots, quantity=1):
        """The components a subcontracted production used: ``lots`` (serials)
        or ``quantity`` of an untracked one, at the subcontractor."""
        move = production.move_raw_ids.filtered(lambda raw: raw.product_id == component)
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": component.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
            for lot in lots
        ] or [
            Command.create(
                {
                    "product_id": component.id,
                    "quantity": quantity,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                }
            )
        ]
        move.picked = True

    def production_of(self, receipt, finished_lot):
        return receipt._get_subcontract_production().filtered(
            lambda production: production.lot_producing_ids == finished_lot
        )

    @staticmethod
    def life(lot):
        """The unit's history, oldest first: (event, from, to)."""
        return [
            (row.event_type, row.location_id, row.location_dest_id)
            for row in lot.history_ids.sorted(lambda row: (row.date, row.id))
        ]


class SerialFlowCase(SerialTrackingCase):
    """Units bought and sold through real documents: bills and invoices for
    the accounting product, receipts and deliveries for the physical one."""

    vendor_name = "Flow Vendor"
    customer_name = "Flow Customer"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for template in (cls.accounting_product, cls.physical_product):
            template.write(
                {"serial_warranty_duration": 12, "serial_warranty_unit": "month"}
            )

    @classmethod
    def invoice(cls, move_type, partner, names, invoice_date=None, post=True):
        """A bill, invoice or credit note of the accounting product's ``names``."""
        move = cls.make_move(
            move_type,
            partner,
            len(names),
            names,
            invoice_date=invoice_date or fields.Date.context_today(cls.env.user),
            product=cls.accounting_product.product_variant_id,
        )
        if post:
            move.action_post()
        return move


class PointOfSaleCase(PhysicalModeCase, TestPoSCommon):
    """A till (Odoo's point-of-sale test company and till) selling the
    physical product, with units received in the till's stock, for the tests
    of the database with the Point of Sale app, which the test command
    installs for them only."""

    @classmethod
    def setUpClass(cls):
        if "pos.order" not in Registry(get_db_name()):
            raise unittest.SkipTest("point_of_sale is not installed on this database")
        super().setUpClass()
        cls.config = cls.basic_config
        cls.physical_product.write(
            {
                "available_in_pos": True,
                "list_price": 100.0,
                "taxes_id": [Command.clear()],
                "serial_warranty_duration": 12,
                "serial_warranty_unit": "month",
            }
        )
        cls.other_customer = cls.env["res.partner"].create({"name": "Till Customer 2"})

    def assert_sold_at_till(self, lot, order, customer):
        """``lot`` sold on the till's ``order`` to ``customer`` (or none)."""
        self.assertEqual(lot.serial_status, "sold")
        self.assertEqual(lot.last_customer_id, customer)
        self.assertEqual(lot.holder_partner_id, customer)
        self.assertEqual(
            lot.warranty_date_start,
            fields.Date.context_today(lot, order.date_order),
        )
        row = lot.history_ids.sorted("id")[-1]
        self.assertEqual(row.event_type, "SHIP")
        self.assertEqual((row.res_model, row.res_id), ("pos.order", order.id))
        self.assertEqual(row.partner_id, customer)
        action = row.action_open_document()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("pos.order", order.id)
        )

    def set_stock_update(self, when):
        """``"real"``: a picking per order; ``"closing"``: one per session."""
        self.company.point_of_sale_update_stock_quantities = when

    def sell(self, *names, customer=None, invoice=False, price=100.0):
        """A paid till order of the physical product's units ``names``, one
        line each, as the till sends it (the session must be open)."""
        data = self.create_ui_order_data(
            [
                {
                    "product": self.product,
                    "quantity": 1,
                    "pack_lot_ids": [Command.create({"lot_name": name})],
                }
                for name in names
            ],
            customer=customer,
            is_invoiced=invoice,
        )
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def refund(self, order):
        """Odoo's refund of the whole ``order``, paid in cash at the till."""
        refund = order._refund()
        self.make_payment(refund, self.cash_pm1, refund.amount_total)
        return refund

    def close_session(self):
        session = self.pos_session
        cash = sum(
            session.order_ids.payment_ids.filtered(
                lambda payment: payment.payment_method_id.is_cash_count
            ).mapped("amount")
        )
        session.post_closing_cash_details(cash)
        session.close_session_from_ui()
        return session

    def check_till(self, order_uuid, *lines):
        """The till's check before payment of [product, serial, quantity]."""
        return self.env["serial.point.of.sale"].check_till_order(
            self.config.id,
            order_uuid,
            [[product.id, serial, quantity] for product, serial, quantity in lines],
        )


class PortalSerialsCase(HttpCase, SerialFlowCase):
    """Two customer companies: Alpha (two portal users, units bought on an
    invoice and on a delivery) and Beta (one portal user, one unit)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.alpha = Partner.create({"name": "Alpha Corp", "is_company": True})
        cls.beta = Partner.create({"name": "Beta Ltd", "is_company": True})
        cls.alpha_ann = Partner.create({"name": "Ann Alpha", "parent_id": cls.alpha.id})
        cls.alpha_bob = Partner.create({"name": "Bob Alpha", "parent_id": cls.alpha.id})
        cls.beta_cy = Partner.create({"name": "Cy Beta", "parent_id": cls.beta.id})
        cls.ann = cls.portal_user("portal_ann", cls.alpha_ann)
        cls.bob = cls.portal_user("portal_bob", cls.alpha_bob)
        cls.cy = cls.portal_user("portal_cy", cls.beta_cy)

        cls.invoice("in_invoice", cls.vendor, ["PA-1", "PA-2", "PA-3", "PB-1"])
        cls.alpha_invoice = cls.invoice(
            "out_invoice",
            cls.alpha_ann,
            ["PA-1", "PA-2"],
            invoice_date=fields.Date.today() - timedelta(days=30),
        )
        cls.invoice(
            "out_invoice",
            cls.alpha,
            ["PA-3"],
            invoice_date=fields.Date.today() - timedelta(days=500),
        )
        cls.invoice("out_invoice", cls.beta, ["PB-1"])
        cls.receive("PP-1", "PP-2")
        cls.alpha_delivery = cls.deliver("PP-1", partner=cls.alpha_bob)
        cls.deliver("PP-2", partner=cls.beta_cy)
        cls.pa1 = cls.lots("PA-1", product=cls.accounting_product)
        cls.pa3 = cls.lots("PA-3", product=cls.accounting_product)
        cls.pb1 = cls.lots("PB-1", product=cls.accounting_product)
        cls.pp1 = cls.lots("PP-1", product=cls.physical_product)
        cls.pp2 = cls.lots("PP-2", product=cls.physical_product)

    @classmethod
    def portal_user(cls, login, partner):
        return new_test_user(
            cls.env,
            login=login,
            password=login + "-pass",
            groups="base.group_portal",
            partner_id=partner.id,
        )

    def login(self, user):
        self.authenticate(user.login, user.login + "-pass")

    def csrf(self):
        return Request.csrf_token(self)

    def page(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response.text

    @staticmethod
    def listed_serials(html):
        return sorted(re.findall(r'href="/my/serials/\d+">([^<]+)</a>', html))

    def allow_public_lookup(self, limit=50):
        """The public warranty lookup on, with ``limit`` lookups per address."""
        self.env.company.serial_public_warranty_lookup = True
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.public_lookup_limit", str(limit)
        )

    def lookup(self, serial):
        """The public warranty lookup's response for ``serial``."""
        return self.url_open(f"/warranty/lookup?serial={serial}")


def recall(env, **values):
    """A recall wizard with these values."""
    return env["serial.recall.wizard"].create(values)


def listed(env, action):
    """{name of the customer who holds them, or False: [serial names]} of the
    list a recall's Show Units opens, grouped as it groups it."""
    Lot = env["stock.lot"].with_context(**action["context"])
    groups = Lot.web_read_group(
        action["domain"],
        action["context"]["group_by"],
        aggregates=["__count"],
    )["groups"]
    result = {}
    for group in groups:
        customer = group["holder_partner_id"]
        lots = Lot.search(group["__extra_domain"] + action["domain"], order="name")
        result[customer and customer[1]] = lots.mapped("name")
    return result


@contextmanager
def counting_calls(targets):
    """Count the calls of this addon's ``targets`` while the block runs, each
    called through: ``(holder, name)`` pairs, a module of the addon and one
    of its functions (counted wherever the addon's modules imported it) or a
    class of the addon and one of its methods. Yields {"holder.name": calls},
    read after the block."""
    addon = __name__.rsplit(".tests.", 1)[0] + "."
    counts = Counter()
    with ExitStack() as stack:
        for holder, name in targets:
            original = vars(holder)[name]
            key = f"{holder.__name__.rsplit('.', 1)[-1]}.{name}"
            counts[key] = 0

            @functools.wraps(original)
            def counted(*args, _key=key, _original=original, **kwargs):
                counts[_key] += 1
                return _original(*args, **kwargs)

            holders = (
                [holder]
                if isinstance(holder, type)
                else [
                    module
                    for module_name, module in list(sys.modules.items())
                    if module_name.startswith(addon)
                    and getattr(module, name, None) is original
                ]
            )
            for place in holders:
                stack.enter_context(patch.object(place, name, counted))
        yield counts


@contextmanager
def committed_env(test_case):
    """An environment on a new, real database connection, whose work is
    committed and visible to other connections (for concurrency tests).
    Everything it creates must be removed by the caller."""
    with test_case.registry.cursor() as cr:
        yield cursor_env(test_case.registry, cr)


def drop_committed_template(test_case, template_id):
    """Remove a product committed by a concurrency test, its serials, their
    moves and its counter."""
    with committed_env(test_case) as env:
        template = env["product.template"].browse(template_id)
        products = template.with_context(active_test=False).product_variant_ids
        if "mrp.production" in env:
            productions = env["mrp.production"].search(
                [("product_id", "in", products.ids)]
            )
            productions.action_cancel()
            productions.unlink()
        env.cr.execute(
            "DELETE FROM stock_lot WHERE product_id IN %s", [tuple(products.ids)]
        )
        env.cr.execute(
            "DELETE FROM serial_tracking_counter WHERE product_tmpl_id = %s",
            [template_id],
        )
        env.invalidate_all()
        products.unlink()
        template.unlink()


def cursor_env(registry, cr):
    """A superuser environment on ``cr``, safe to build in another thread: the
    test runner holds the registry lock that ``Environment`` would otherwise
    wait for."""
    cr.transaction = Transaction(registry)
    # never wait forever on a row the test's own transaction holds
    cr.execute("SET LOCAL lock_timeout = '20s'")
    return Environment(cr, SUPERUSER_ID, {})


def run_concurrently(test_case, work, count=2, retries=0):
    """Run ``work(env, index)`` in ``count`` threads at the same moment, each in
    its own transaction, committed when ``work`` returns. A transaction that
    fails to serialize is retried ``retries`` times, as Odoo's RPC layer does.
    Returns {index: what ``work`` returned, or the exception it raised}."""
    registry = test_case.registry
    barrier = threading.Barrier(count, timeout=20)
    outcomes = {}

    def run(index):
        for attempt in range(retries + 1):
            try:
                with registry.cursor() as cr:
                    env = cursor_env(registry, cr)
                    if attempt == 0:
                        barrier.wait()
                    result = work(env, index)
                    env.flush_all()
                outcomes[index] = result
                return
            except psycopg2.errors.SerializationFailure as error:
                outcomes[index] = error
            except Exception as error:  # noqa: BLE001 - the caller asserts on it
                outcomes[index] = error
                return

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    with mute_logger("odoo.sql_db"):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return outcomes


__all__ = [
    "AccountingBackgroundCase",
    "AccountingModeCase",
    "Command",
    "Gs1EntryCase",
    "ManufacturingCase",
    "PhysicalModeCase",
    "PortalSerialsCase",
    "SerialCountCase",
    "SerialFlowCase",
    "SerialTrackingCase",
    "committed_env",
    "cursor_env",
    "drop_committed_template",
    "events_of",
    "exported",
    "fingerprint_differences",
    "listed",
    "new_invoice",
    "new_lined_transfer",
    "new_transfer",
    "purchase_order",
    "recall",
    "run_concurrently",
    "validate_epcis",
]


class FakeCameraTourCase(HttpCase):
    """Tours in Chromium with a fake camera: Chromium's own test switches
    make ``getUserMedia`` answer, without asking, with the frames of a video
    file (``camera_video``, a .y4m written by :func:`write_camera_video`),
    played from its start when the page opens the camera and looped. Odoo's
    tour runner takes no switches of its own, so they are added to the
    command it starts Chromium with."""

    camera_video = None

    def browser_js(self, *args, **kwargs):
        if not self.camera_video:
            return super().browser_js(*args, **kwargs)
        switches = [
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={self.camera_video}",
        ]
        spawn = ChromeBrowser._spawn_chrome

        def spawn_with_camera(browser, cmd):
            # the page to open stays last
            return spawn(browser, cmd[:-1] + switches + cmd[-1:])

        with patch.object(ChromeBrowser, "_spawn_chrome", spawn_with_camera):
            return super().browser_js(*args, **kwargs)

    def label_codes(self, gtin, serials):
        """The images of the codes a label carries, rendered by Odoo's
        barcode renderer as the labels are (report/serial_label_reports.xml):
        the QR of each unit's Digital Link, the GS1 DataMatrix of Odoo's lot
        label (AI 01 and 21) and a Code 128 of the plain serial, for
        ``serials``, a list of (symbology, serial) with symbology QR,
        DataMatrix or Code128. Returns (image, text encoded) pairs."""
        Report = self.env["ir.actions.report"]
        codes = []
        for symbology, serial in serials:
            if symbology == "QR":
                text = build_digital_link("https://id.example.com", gtin, serial)
                png = Report.barcode("QR", text, width=300, height=300)
            elif symbology == "DataMatrix":
                text = f"01{gtin}21{serial}"
                png = Report.barcode("ECC200DataMatrix", text, width=300, height=300)
            else:
                text = serial
                png = Report.barcode("Code128", text, width=600, height=100)
            codes.append((Image.open(io.BytesIO(png)), text))
        return codes


class ScreenshotTourCase(HttpCase):
    """Tours that take screenshots. A tour step that logs
    ``serial_tracking screenshot <name>`` (``askForScreenshot``,
    static/tests/tours/serial_tracking_tour_helpers.js) has the page captured
    into ``screenshot_dir`` as ``<name>.png`` (set the environment variable
    SERIAL_TRACKING_SCREENSHOTS to a folder to keep them, e.g. for the
    README's images; a temporary folder otherwise)."""

    SCREENSHOT_SIGNAL = "serial_tracking screenshot "

    def setUp(self):
        super().setUp()
        folder = os.environ.get("SERIAL_TRACKING_SCREENSHOTS")
        if not folder:
            temporary = tempfile.TemporaryDirectory()
            self.addCleanup(temporary.cleanup)
            folder = temporary.name
        self.screenshot_dir = Path(folder)
        self.screenshot_dir.mkdir(parents=True, exist_ok=True)

    def browser_js(self, *args, **kwargs):
        handle_console = ChromeBrowser._handle_console
        signal, folder = self.SCREENSHOT_SIGNAL, self.screenshot_dir

        def handle_console_with_screenshots(browser, type, args=None, **kw):  # noqa: A002  pylint: disable=redefined-builtin
            first = args and args[0].get("value")
            if isinstance(first, str) and first.startswith(signal):
                path = folder / f"{first[len(signal) :]}.png"
                future = browser._websocket_send(
                    "Page.captureScreenshot", with_future=True
                )
                future.add_done_callback(
                    lambda done: path.write_bytes(
                        base64.b64decode(done.result()["data"])
                    )
                )
            return handle_console(browser, type, args=args, **kw)

        with patch.object(
            ChromeBrowser, "_handle_console", handle_console_with_screenshots
        ):
            return super().browser_js(*args, **kwargs)


class PhoneTourCase(ScreenshotTourCase):
    """Tours on a phone's screen, 390 x 844 with touch."""

    browser_size = "390x844"
    touch_enabled = True


class ShippingNoticeTourCase(ScreenshotTourCase):
    """The tour of a shipping notice (static/tests/tours/
    serial_tracking_notice_tour.js) on a receipt of six units of a Track
    Serials product whose internal reference, TOUR-NOTICE, the tour's notice
    names: three in each carton of the pallet NOTICE_SSCC. The screen is tall
    enough for the whole entry dialog, packages included, in its
    screenshot."""

    browser_size = "1366x1000"

    def setUp(self):
        super().setUp()
        self.pallet_sscc, self.carton_sscc, self.other_carton_sscc = NOTICE_SSCC
        self.product = (
            self.env["product.template"]
            .create(
                {
                    "name": "Tour Notice Scanner",
                    "type": "consu",
                    "default_code": "TOUR-NOTICE",
                    "serial_tracking_enabled": True,
                    "serial_tracking_mode": "physical",
                }
            )
            .product_variant_id
        )
        self.warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        vendor = self.env["res.partner"].create({"name": "Tour Notice Vendor"})
        supplier = self.env.ref("stock.stock_location_suppliers")
        self.receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "partner_id": vendor.id,
                "location_id": supplier.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 6,
                            "location_id": supplier.id,
                            "location_dest_id": self.warehouse.lot_stock_id.id,
                        }
                    )
                ],
            }
        )
        self.receipt.action_confirm()
        self.receipt.action_assign()

    def packages_received(self, names):
        """{serial: name of the package it is in} of the units ``names``
        in stock."""
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", self.product.id),
                ("lot_id.name", "in", names),
                ("quantity", ">", 0),
            ]
        )
        return {quant.lot_id.name: quant.package_id.name for quant in quants}


#: The fake camera's frames: 640 x 480 at 10 frames a second.
CAMERA_SIZE = (640, 480)
CAMERA_FPS = 10


def write_camera_video(path, images, lead_in=1.0, shown=1.5, gap=1.0):
    """Write a .y4m video (raw YUV 4:2:0, which Chromium's fake camera plays)
    of ``images``, each ``shown`` seconds on a white page after ``lead_in``
    seconds of blank and with ``gap`` seconds of blank between them. Each
    code is drawn at most 110 pixels high in the middle, inside the band
    Odoo's scanner reads. Returns the second at which each image appears."""
    width, height = CAMERA_SIZE
    blank = Image.new("L", CAMERA_SIZE, 255)
    chroma = bytes([128]) * (width * height // 2)  # Cb and Cr: grey

    def frame(image):
        page = blank.copy()
        image = image.convert("L")
        ratio = min(480 / image.width, 110 / image.height)
        image = image.resize(
            (max(1, int(image.width * ratio)), max(1, int(image.height * ratio))),
            Image.NEAREST,
        )
        page.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
        return page.tobytes()

    appears, second = [], lead_in
    with Path(path).open("wb") as video:
        video.write(
            f"YUV4MPEG2 W{width} H{height} F{CAMERA_FPS}:1 Ip A1:1 C420jpeg\n".encode()
        )

        def write(luma, seconds):
            for _frame in range(round(seconds * CAMERA_FPS)):
                video.write(b"FRAME\n" + luma + chroma)

        write(blank.tobytes(), lead_in)
        for image in images:
            appears.append(second)
            write(frame(image), shown)
            write(blank.tobytes(), gap)
            second += shown + gap
        write(blank.tobytes(), 2.0)
    return appears
