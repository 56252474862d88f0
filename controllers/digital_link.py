# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The resolver of the GS1 Digital Link URIs the serial labels carry:
``/01/<GTIN>/21/<serial>``, key qualifiers (``/22/``, ``/10/``) and query
parameters tolerated; and of the HTTP URIs EPCIS exports name the units of
products without a GTIN with, ``/serial_tracking/unit/<product id>/<serial>``.

Who lands where: an internal user with Inventory access on the serial's form;
a portal customer on the unit's page in My Serials when the unit is theirs;
anyone else on the public warranty lookup's answer when a company offers it
(its rate limit, its one answer for unknown, not visible and returned units),
else on the login page (signed-in users: on not found). An unknown GTIN and
an unknown serial get the same answer.

``linkType=gs1:warrantyInfo`` asks for the warranty: a customer gets their
warranty lookup for the unit instead of its page. Any other link type
(``gs1:defaultLink``, ``gs1:pip``, ...) opens the default page. Links that
name no unit get the resolver's own page not found."""

from urllib.parse import quote, urlsplit

from werkzeug.urls import url_encode

from odoo import http
from odoo.fields import Domain
from odoo.http import request

from ..tools.serial_digital_link import (
    AI_GTIN,
    AI_SERIAL,
    LINK_TYPE_WARRANTY,
    UNIT_PATH,
    DigitalLinkError,
    gtin_barcode_forms,
    parse_path,
    parse_unit_path,
)
from .portal import SerialPortal


class SerialDigitalLink(SerialPortal):
    @staticmethod
    def _serial_raw_path():
        """The requested path as sent, from the raw request line when the
        server gives it: a serial's encoded ``%2F`` must not become a path
        separator."""
        environ = request.httprequest.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        return urlsplit(raw).path if raw else request.httprequest.path

    @staticmethod
    def _serial_not_found():
        """Odoo's page not found, answered here: a raised NotFound sends the
        path on to Odoo's fallbacks (attachments, website pages), whose
        database search fails on a path holding a NUL (``%00``)."""
        return request.render("http_routing.404", status=404)

    @staticmethod
    def _digital_link_products(gtin):
        """The products whose barcode is this GTIN (in any of its lengths)."""
        return (
            request.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .search([("barcode", "in", gtin_barcode_forms(gtin))])
        )

    @http.route(
        "/01/<path:link>", type="http", auth="public", website=True, sitemap=False
    )
    def digital_link(self, link, linkType=None, **params):
        try:
            elements = parse_path(self._serial_raw_path())
        except DigitalLinkError:
            return self._serial_not_found()
        products = self._digital_link_products(elements[AI_GTIN])
        return self._serial_resolve(products, elements.get(AI_SERIAL), linkType)

    @http.route(
        f"/{UNIT_PATH}/<path:unit>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def serial_unit(self, unit, linkType=None, **params):
        """A unit whose product has no GTIN, by the URI EPCIS exports name it
        with (``build_unit_uri``): answered as its Digital Link is."""
        try:
            product_id, serial = parse_unit_path(self._serial_raw_path())
        except DigitalLinkError:
            return self._serial_not_found()
        products = (
            request.env["product.product"]
            .sudo()
            .with_context(active_test=False)
            .browse(product_id)
            .exists()
        )
        return self._serial_resolve(products, serial, linkType)

    def _serial_resolve(self, products, serial, link_type):
        """Where the unit ``serial`` of ``products`` (sudo) lands the user
        (see the module's docstring)."""
        name = self._serial_lookup_name(serial)
        if not name:
            return self._serial_not_found()
        user = request.env.user
        unit_domain = Domain("name", "=", name) & Domain(
            "product_id", "in", products.ids
        )
        if user._is_internal() and user.has_group("stock.group_stock_user"):
            # the user's own access rules: a unit of another company is not found
            lot = request.env["stock.lot"].search(
                unit_domain & Domain("is_serial", "=", True), limit=1
            )
            if lot:
                return request.redirect(
                    f"/odoo/action-stock.action_production_lot_form/{lot.id}"
                )
        elif not user._is_public():
            lot = (
                request.env["stock.lot"]
                .sudo()
                .search(self._serial_domain() & unit_domain, limit=1)
            )
            if lot and link_type == LINK_TYPE_WARRANTY:
                return request.redirect(
                    "/my/serials/lookup?" + url_encode({"serial": lot.name})
                )
            if lot:
                return request.redirect(f"/my/serials/{lot.id}")
        if (
            request.env["res.company"]
            .sudo()
            .search_count([("serial_public_warranty_lookup", "=", True)], limit=1)
        ):
            request.update_context(serial_lookup_product_ids=products.ids)
            return self.public_warranty_lookup(serial=name)
        if user._is_public():
            environ = request.httprequest.environ
            target = (
                environ.get("REQUEST_URI")
                or environ.get("RAW_URI")
                or request.httprequest.full_path.rstrip("?")
            )
            return request.redirect("/web/login?redirect=" + quote(target, safe=""))
        return self._serial_not_found()
