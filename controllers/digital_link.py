# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The resolver of the GS1 Digital Link URIs the serial labels carry:
``/01/<GTIN>/21/<serial>``, key qualifiers (``/22/``, ``/10/``) and query
parameters tolerated.

Who lands where: an internal user with Inventory access on the serial's form;
a portal customer on the unit's page in My Serials when the unit is theirs;
anyone else on the public warranty lookup's answer when a company offers it
(its rate limit, its one answer for unknown, not visible and returned units),
else on the login page (signed-in users: on not found). An unknown GTIN and
an unknown serial get the same answer.

``linkType=gs1:warrantyInfo`` asks for the warranty: a customer gets their
warranty lookup for the unit instead of its page. Any other link type
(``gs1:defaultLink``, ``gs1:pip``, ...) opens the default page."""

from urllib.parse import quote, urlsplit

from werkzeug.urls import url_encode

from odoo import http
from odoo.fields import Domain
from odoo.http import request

from ..tools.serial_digital_link import (
    AI_GTIN,
    AI_SERIAL,
    LINK_TYPE_WARRANTY,
    DigitalLinkError,
    gtin_barcode_forms,
    parse_path,
)
from .portal import SerialPortal


class SerialDigitalLink(SerialPortal):
    @staticmethod
    def _digital_link_elements():
        """The GS1 elements of the requested path, read from the raw request
        line when the server gives it: a serial's encoded ``%2F`` must not
        become a path separator."""
        environ = request.httprequest.environ
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI")
        path = urlsplit(raw).path if raw else request.httprequest.path
        return parse_path(path)

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
            elements = self._digital_link_elements()
        except DigitalLinkError:
            raise request.not_found() from None
        name = self._serial_lookup_name(elements.get(AI_SERIAL))
        if not name:
            raise request.not_found()
        products = self._digital_link_products(elements[AI_GTIN])
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
            if lot and linkType == LINK_TYPE_WARRANTY:
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
        raise request.not_found()
