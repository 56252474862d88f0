# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The customer's side of serial tracking: My Serials (the units the
customer's company holds now, and under the Returned filter the ones it gave
back), a unit's page with its warranty, its history and a claim form, and the
warranty lookup (signed in, or public when a company allows it).

Who holds a unit is stock.lot.holder_partner_id; "does this customer hold
this unit" is stock.lot._serial_is_held_by, and the public lookup's answer
stock.lot._serial_public_lookup.

Portal users have no access to serial records: every read here is done as
superuser on a domain that names the customer's commercial partner
(stock.lot._serial_held_domain, _serial_portal_domain), so a unit of another
customer is not found, whatever its id or number."""

import base64

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# Largest claim attachment accepted from the portal.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class SerialPortal(CustomerPortal):
    _serials_per_page = 20

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "serial_count" in counters:
            values["serial_count"] = (
                request.env["stock.lot"]
                .sudo()
                .search_count(self._serial_domain(), limit=1)
            )
        return values

    def _serial_partner(self):
        return request.env.user.partner_id

    def _serial_domain(self):
        """The units the customer's company holds now."""
        return request.env["stock.lot"]._serial_held_domain(self._serial_partner())

    def _serial_find(self, lot_id):
        """The customer's unit ``lot_id``, held now or given back, or nothing
        (never another's)."""
        domain = request.env["stock.lot"]._serial_portal_domain(self._serial_partner())
        return (
            request.env["stock.lot"]
            .sudo()
            .search(domain & Domain("id", "=", lot_id), limit=1)
        )

    def _prepare_serial_rows(self, lots, partner):
        """What the portal lists of each of ``lots`` (read as superuser) for
        ``partner``, read for the whole page at once: no query per unit."""
        customer = partner.commercial_partner_id
        sale_rows = lots._serial_sale_rows()
        statuses = dict(lots._fields["serial_status"]._description_selection(lots.env))
        warranty = dict(
            lots._fields["warranty_status"]._description_selection(lots.env)
        )
        documents = lots.env["stock.lot.history"].browse(
            row.id for row in sale_rows.values()
        )
        # one read of the rows and their partners, one of the invoices
        documents.mapped("partner_id.commercial_partner_id")
        invoices = lots.env["account.move"].browse(
            row.res_id
            for row in documents
            if row.res_model == "account.move"
            and row.partner_id.commercial_partner_id == customer
        )
        # the customer's own invoices: Odoo's portal rules let them open these
        invoice_urls = {invoice.id: invoice.access_url for invoice in invoices}
        rows = []
        for lot in lots:
            row = sale_rows.get(lot.id)
            mine = row and row.partner_id.commercial_partner_id == customer
            # a unit the customer gave back is "Returned" to them, whatever
            # became of it since, and its warranty is no longer theirs
            held = lot.holder_partner_id.commercial_partner_id == customer
            rows.append(
                {
                    "lot": lot,
                    "name": lot.name,
                    "product": lot.product_id.display_name,
                    "held": held,
                    "date_sold": lot.warranty_date_start,
                    "warranty_date_end": held and lot.warranty_date_end,
                    "warranty_status": held and lot.warranty_status,
                    "warranty_label": warranty.get(lot.warranty_status, "")
                    if held
                    else "",
                    "status": statuses.get(
                        lot.serial_status if held else "returned", ""
                    ),
                    "document": row.document_name if mine else "",
                    "document_url": invoice_urls.get(row.res_id)
                    if mine and row.res_model == "account.move"
                    else "",
                }
            )
        return rows

    def _serial_unit_records(self, model, lot, partner):
        """The records of ``model`` (history rows, claims) about the unit
        that concern ``partner``'s company, never another customer's."""
        lot.ensure_one()
        return (
            lot.env[model]
            .sudo()
            .search(
                [
                    ("lot_id", "=", lot.id),
                    (
                        "partner_id.commercial_partner_id",
                        "=",
                        partner.commercial_partner_id.id,
                    ),
                ]
            )
        )

    def _serial_searchbar_sortings(self):
        env = request.env
        return {
            "date": {
                "label": env._("Date Sold"),
                "order": "warranty_date_start desc, id desc",
            },
            "name": {"label": env._("Serial Number"), "order": "name, id"},
            "warranty": {
                "label": env._("Warranty End"),
                "order": "warranty_date_end, id",
            },
        }

    def _serial_searchbar_filters(self):
        """Each filter's whole domain: the units held now, by warranty, or
        the units given back."""
        env = request.env
        held = self._serial_domain()
        return {
            "all": {"label": env._("Your Units"), "domain": held},
            "under": {
                "label": env._("Under warranty"),
                "domain": held & Domain("warranty_status", "in", ["under"]),
            },
            "expired": {
                "label": env._("Warranty expired"),
                "domain": held & Domain("warranty_status", "in", ["expired"]),
            },
            "returned": {
                "label": env._("Returned"),
                "domain": env["stock.lot"]._serial_returned_domain(
                    self._serial_partner()
                ),
            },
        }

    def _serial_searchbar_inputs(self):
        env = request.env
        return {
            "all": {"input": "all", "label": env._("Search in All")},
            "serial": {"input": "serial", "label": env._("Search in Serial Number")},
            "product": {"input": "product", "label": env._("Search in Product")},
        }

    @staticmethod
    def _serial_search_domain(search_in, search):
        if not search:
            return []
        by_serial = [("name", "ilike", search)]
        by_product = [("product_id", "ilike", search)]
        if search_in == "serial":
            return by_serial
        if search_in == "product":
            return by_product
        return ["|", *by_serial, *by_product]

    @http.route(
        ["/my/serials", "/my/serials/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_serials(
        self, page=1, sortby=None, filterby=None, search=None, search_in="all", **kw
    ):
        Lot = request.env["stock.lot"].sudo()
        sortings = self._serial_searchbar_sortings()
        filters = self._serial_searchbar_filters()
        inputs = self._serial_searchbar_inputs()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_in = search_in if search_in in inputs else "all"
        domain = filters[filterby]["domain"] & Domain(
            self._serial_search_domain(search_in, search)
        )
        total = Lot.search_count(domain)
        pager = portal_pager(
            url="/my/serials",
            url_args={
                "sortby": sortby,
                "filterby": filterby,
                "search": search,
                "search_in": search_in,
            },
            total=total,
            page=page,
            step=self._serials_per_page,
        )
        lots = Lot.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._serials_per_page,
            offset=pager["offset"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "serials",
                "default_url": "/my/serials",
                "serial_rows": self._prepare_serial_rows(lots, self._serial_partner()),
                "serial_total": total,
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
            }
        )
        return request.render("serial_tracking.portal_my_serials", values)

    def _serial_unit_values(self, lot, **extra):
        partner = self._serial_partner()
        values = self._prepare_portal_layout_values()
        claims = self._serial_unit_records("serial.warranty.claim", lot, partner)
        values.update(
            {
                "page_name": "serial",
                "serial": self._prepare_serial_rows(lot, partner)[0],
                "lot": lot,
                "history": self._serial_unit_records("stock.lot.history", lot, partner),
                "claims": claims,
                "can_claim": lot._serial_is_held_by(partner)
                and not claims.filtered(lambda c: c.state in ("new", "accepted")),
                **extra,
            }
        )
        return values

    @http.route("/my/serials/<int:lot_id>", type="http", auth="user", website=True)
    def portal_my_serial(self, lot_id, claim_sent=None, **kw):
        lot = self._serial_find(lot_id)
        if not lot:
            raise request.not_found()
        return request.render(
            "serial_tracking.portal_my_serial",
            self._serial_unit_values(lot, claim_sent=bool(claim_sent)),
        )

    @http.route(
        "/my/serials/<int:lot_id>/claim",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_serial_claim(
        self, lot_id, reason="", notes="", attachment=None, **kw
    ):
        lot = self._serial_find(lot_id)
        if not lot:
            raise request.not_found()
        env = request.env
        error = None
        values = {
            "lot_id": lot.id,
            "partner_id": self._serial_partner().id,
            "reason": (reason or "").strip(),
            "notes": (notes or "").strip() or False,
        }
        if not values["reason"]:
            error = env._("Tell us what is wrong with the unit.")
        elif attachment and getattr(attachment, "filename", None):
            content = attachment.read()
            if len(content) > MAX_ATTACHMENT_BYTES:
                error = env._("The attachment is too large (10 MB at most).")
            else:
                values["attachment"] = base64.b64encode(content)
                values["attachment_name"] = attachment.filename
        if not error:
            try:
                with env.cr.savepoint():
                    claim = (
                        env["serial.warranty.claim"]
                        .sudo()
                        .with_company(lot.company_id)
                        .create(values)
                    )
                # the customer's own words in the chatter, under their name
                claim.message_post(
                    body=values["notes"] or values["reason"],
                    author_id=values["partner_id"],
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            except (UserError, ValidationError) as exception:
                error = exception.args[0]
        if error:
            return request.render(
                "serial_tracking.portal_my_serial",
                self._serial_unit_values(lot, claim_error=error, claim_values=values),
            )
        return request.redirect(f"/my/serials/{lot.id}?claim_sent=1")

    # ------------------------------------------------------------------
    # Warranty lookup
    # ------------------------------------------------------------------
    @staticmethod
    def _serial_lookup_name(serial):
        try:
            return request.env["stock.lot"]._serial_normalize_name(serial or "")
        except UserError:
            return ""

    @http.route(
        "/my/serials/lookup", type="http", auth="user", website=True, readonly=True
    )
    def portal_serial_lookup(self, serial=None, **kw):
        """A signed-in customer's lookup: their own units only, by exact number."""
        name = self._serial_lookup_name(serial)
        lots = request.env["stock.lot"]
        if name:
            lots = (
                request.env["stock.lot"]
                .sudo()
                .search(self._serial_domain() & Domain("name", "=", name), limit=10)
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "serial_lookup",
                "serial": serial or "",
                "searched": bool(serial),
                "results": self._prepare_serial_rows(lots, self._serial_partner()),
            }
        )
        return request.render("serial_tracking.portal_serial_lookup", values)

    @http.route(
        "/warranty/lookup", type="http", auth="public", website=True, sitemap=False
    )
    def public_warranty_lookup(self, serial=None, **kw):
        """Anyone's lookup, where a company allows it: product, warranty status
        and end only. It resists enumeration three ways: the number must match
        exactly (no partial or pattern search), an unknown number and a number
        that is not a unit a customer holds now in such a company get the same
        answer (stock.lot._serial_public_lookup), and each visitor address has
        a few lookups per window (serial.lookup.throttle)."""
        env = request.env
        Company = env["res.company"].sudo()
        if not Company.search_count(
            [("serial_public_warranty_lookup", "=", True)], limit=1
        ):
            raise request.not_found()
        values = {"serial": serial or "", "searched": False, "results": []}
        if serial:
            address = request.httprequest.remote_addr
            if not env["serial.lookup.throttle"].sudo()._take(address):
                values["rate_limited"] = True
                response = request.render(
                    "serial_tracking.public_warranty_lookup", values
                )
                response.status_code = 429
                return response
            values.update(
                searched=True,
                results=env["stock.lot"]._serial_public_lookup(serial),
            )
        return request.render("serial_tracking.public_warranty_lookup", values)
