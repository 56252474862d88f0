# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.serial_digital_link import (
    CANONICAL_BASE,
    build_unit_uri,
    encode_ai_value,
    normalize_gtin,
    valid_gln,
)
from ..tools.serial_epcis import (
    BIZ_TRANSACTION_TYPES,
    EPCIS_LEFT_OUT_EVENTS,
    EVENT_PARTY_DIRECTION,
    MEDIA_TYPE,
    PACKING_EVENT,
    PICKING_TRANSACTION_TYPES,
    TRANSFORMATION_BIZ_STEP,
    UNPACKING_EVENT,
    document_chunks,
    epcis_mapping,
    event_time,
    location_uri,
    party_uri,
    private_urn,
    sscc_urn,
)
from ..tools.serial_notice import valid_sscc
from ..tools.serial_rules import INTERNAL_USAGES

# History rows read (and turned into events) at a time: the export holds one
# batch, never the whole history of a recall.
EPCIS_BATCH_SIZE = 1000
HISTORY_FIELDS = [
    "lot_id",
    "product_id",
    "company_id",
    "date",
    "event_type",
    "location_id",
    "location_dest_id",
    "partner_id",
    "res_model",
    "res_id",
    "document_name",
]


class SerialEpcisExport(models.TransientModel):
    """An EPCIS 2.0 JSON-LD export of serial history rows: which rows (a
    domain over stock.lot.history, so that a recall of any size is one
    search), and the document written from them batch by batch, downloaded
    from /serial_tracking/epcis/<id>."""

    _name = "serial.epcis.export"
    _description = "EPCIS Export of Serial History"

    name = fields.Char(required=True)
    history_domain = fields.Json(required=True)

    # ------------------------------------------------------------------
    # Where an export comes from
    # ------------------------------------------------------------------
    @api.model
    def _epcis_action(self, domain, name):
        """The download of the EPCIS document of the history rows ``domain``
        selects (refused with a message when there are none)."""
        domain = Domain(domain)
        if not self.env["stock.lot.history"].search_count(
            self._epcis_rows_domain(domain), limit=1
        ):
            raise UserError(
                self.env._("%(name)s: there is no serial history to export.", name=name)
            )
        export = self.create({"name": name, "history_domain": list(domain)})
        return {
            "type": "ir.actions.act_url",
            "url": f"/serial_tracking/epcis/{export.id}",
            "target": "download",
        }

    @api.model
    def _epcis_rows_domain(self, domain):
        """The history rows of ``domain`` that have an EPCIS event."""
        return Domain(domain) & Domain("event_type", "not in", EPCIS_LEFT_OUT_EVENTS)

    def _epcis_filename(self):
        self.ensure_one()
        safe = "".join(char if char.isalnum() else "-" for char in self.name)
        return f"EPCIS-{safe.strip('-')}.jsonld"

    # ------------------------------------------------------------------
    # The document
    # ------------------------------------------------------------------
    def _epcis_chunks(self):
        """The EPCIS document, yielded piece by piece (str)."""
        self.ensure_one()
        creation = fields.Datetime.now()
        return document_chunks(
            self._epcis_events(),
            event_time(creation, "UTC")[0].replace("+00:00", "Z"),
        )

    def _epcis_events(self):
        """The EPCIS events of the rows, read EPCIS_BATCH_SIZE rows at a time
        in the order of their event time (rows of the same time in the order
        they were written; a document dated earlier may be recorded later):
        one query per batch, each starting after the last row of the one
        before, through the ORM's search (the user's access rules apply),
        reading the columns as they are rather than formatting them record
        by record."""
        self.ensure_one()
        History = self.env["stock.lot.history"]
        domain = self._epcis_rows_domain(self.history_domain)
        context = _EpcisContext(self.env)
        columns = ["id", *HISTORY_FIELDS]
        last = None
        while True:
            History.flush_model(HISTORY_FIELDS)
            query = History._search(domain, order="date, id", limit=EPCIS_BATCH_SIZE)
            if last:
                # the row comparison of PostgreSQL on the values it gave, to
                # the microsecond
                query.add_where(
                    SQL(
                        "(%s, %s) > (%s, %s)",
                        SQL.identifier(query.table, "date"),
                        SQL.identifier(query.table, "id"),
                        last["date"],
                        last["id"],
                    )
                )
            self.env.cr.execute(
                query.select(
                    *(SQL.identifier(query.table, column) for column in columns)
                )
            )
            rows = [
                dict(zip(columns, row, strict=True)) for row in self.env.cr.fetchall()
            ]
            if not rows:
                return
            last = rows[-1]
            yield from context.events(rows)
            # what was read for this batch is not needed for the next one
            self.env.invalidate_all()

    def _epcis_write(self, stream):
        """Write the document into a binary file object."""
        for piece in self._epcis_chunks():
            stream.write(piece.encode())
        return stream

    @api.model
    def _epcis_media_type(self):
        return MEDIA_TYPE


class _EpcisContext:
    """What the events of one export share: the database's identifier, the
    GTIN of each product, the identifier of each location and party (read
    once per export and kept: there are far fewer of them than units), and
    the manufacturing orders already written as TransformationEvents."""

    def __init__(self, env):
        self.env = env
        self.sudo_env = env(su=True)
        self.namespace = self.sudo_env["ir.config_parameter"].get_param(
            "database.uuid", "db"
        )
        self.gtins = {}
        self.locations = {}
        self.parties = {}
        self.zones = {}
        self.base_urls = {}
        self.productions_done = set()
        self.packings_done = set()
        self.has_mrp = "raw_material_production_id" in env["stock.move"]._fields

    # identifiers -------------------------------------------------------
    def _load_products(self, product_ids):
        missing = [pid for pid in product_ids if pid not in self.gtins]
        for product in (
            self.sudo_env["product.product"]
            .with_context(active_test=False)
            .browse(missing)
        ):
            self.gtins[product.id] = normalize_gtin(product.barcode)

    def _load_locations(self, location_ids):
        missing = [lid for lid in location_ids if lid and lid not in self.locations]
        if not missing:
            return
        locations = self.sudo_env["stock.location"].browse(missing)
        self._load_parties(locations.warehouse_id.partner_id.ids)
        for location in locations:
            gln = self._gln_of(location.warehouse_id.partner_id)
            self.locations[location.id] = (
                location.usage,
                location_uri(gln, location.id)
                or private_urn(self.namespace, "location", location.id),
                location_uri(gln),
            )

    def _gln_of(self, partner):
        if not partner:
            return None
        partner = partner.commercial_partner_id
        gln = partner.barcode
        if not valid_gln(gln) and getattr(partner, "peppol_eas", None) == "0088":
            gln = partner.peppol_endpoint
        return gln if valid_gln(gln) else None

    def _load_parties(self, partner_ids):
        missing = [pid for pid in partner_ids if pid and pid not in self.parties]
        for partner in self.sudo_env["res.partner"].browse(missing):
            commercial = partner.commercial_partner_id
            self.parties[partner.id] = party_uri(self._gln_of(partner)) or private_urn(
                self.namespace, "party", commercial.id
            )

    def _zone(self, company_id):
        """The time zone of the company's address and the company as a party."""
        if company_id not in self.zones:
            company = self.sudo_env["res.company"].browse(company_id)
            self._load_parties(company.partner_id.ids)
            self.zones[company_id] = (
                company.partner_id.tz or self.env.user.tz,
                self.parties[company.partner_id.id],
            )
        return self.zones[company_id]

    def epc(self, product_id, name, company_id):
        """The unit's Digital Link URI on GS1's canonical domain or, when its
        product has no GTIN, its URI under the company's own web address,
        which the resolver answers (``build_unit_uri``)."""
        gtin = self.gtins.get(product_id)
        if gtin:
            return f"{CANONICAL_BASE}/01/{gtin}/21/{encode_ai_value(name)}"
        if company_id not in self.base_urls:
            self.base_urls[company_id] = (
                self.sudo_env["res.company"].browse(company_id).get_base_url()
            )
        return build_unit_uri(self.base_urls[company_id], product_id, name)

    # documents ---------------------------------------------------------
    def _transactions(self, rows):
        """{(model, id): [bizTransaction]} of the documents of the rows, the
        purchase or sale order they come from included, one read per model."""
        ids_by_model = {}
        for row in rows:
            if row["res_model"] and row["res_id"]:
                ids_by_model.setdefault(row["res_model"], set()).add(row["res_id"])
        transactions = {}
        for model, ids in ids_by_model.items():
            if model not in self.env:
                continue
            records = self.sudo_env[model].browse(ids).exists()
            for record in records:
                transactions[model, record.id] = self._record_transactions(record)
        return transactions

    def _transaction(self, record, kind=None):
        value = {
            "bizTransaction": private_urn(
                self.namespace, "document", record._name, record.id, record.display_name
            )
        }
        kind = kind or BIZ_TRANSACTION_TYPES.get(record._name)
        if kind:
            value["type"] = kind
        return value

    def _record_transactions(self, record):
        related = []
        if record._name == "account.move":
            lines = record.invoice_line_ids
            if "purchase_line_id" in lines._fields:
                related += lines.purchase_line_id.order_id
            if "sale_line_ids" in lines._fields:
                related += lines.sale_line_ids.order_id
        elif record._name == "stock.picking":
            for field in ("purchase_id", "sale_id"):
                if field in record._fields and record[field]:
                    related.append(record[field])
            kind = PICKING_TRANSACTION_TYPES.get(record.picking_type_code)
            return [self._transaction(record, kind)] + [
                self._transaction(order) for order in related
            ]
        elif record._name == "stock.move":
            if record.picking_id:
                return self._record_transactions(record.picking_id)
            if self.has_mrp and (
                record.production_id or record.raw_material_production_id
            ):
                production = record.production_id or record.raw_material_production_id
                return [self._transaction(production)]
            return []
        return [self._transaction(record)] + [
            self._transaction(order) for order in related
        ]

    # events ------------------------------------------------------------
    def events(self, rows):
        self._load_products({row["product_id"] for row in rows})
        self._load_locations(
            {row[key] for row in rows for key in ("location_id", "location_dest_id")}
        )
        self._load_parties({row["partner_id"] for row in rows})
        lots = {
            lot.id: lot.name
            for lot in self.sudo_env["stock.lot"].browse(
                {row["lot_id"] for row in rows}
            )
        }
        transactions = self._transactions(rows)
        productions = self._productions(rows) if self.has_mrp else {}
        for row in rows:
            production = productions.get(row["id"])
            if production is not None:
                if production.id not in self.productions_done:
                    self.productions_done.add(production.id)
                    yield self._transformation_event(row, production)
                continue
            if (
                row["res_model"] == "stock.picking"
                and row["res_id"] not in self.packings_done
            ):
                self.packings_done.add(row["res_id"])
                yield from self._packing_events(row, transactions)
            yield self._object_event(row, lots[row["lot_id"]], transactions)

    def _place(self, location_id):
        return self.locations.get(location_id) if location_id else None

    def _time_fields(self, row):
        moment, offset = event_time(row["date"], self._zone(row["company_id"])[0])
        return {"eventTime": moment, "eventTimeZoneOffset": offset}

    def _read_point(self, row):
        """(readPoint, bizLocation) of a row: where the unit was seen (the
        company's side of the move) and where it is after it (when that is
        in stock)."""
        source = self._place(row["location_id"])
        destination = self._place(row["location_dest_id"])
        inside = (
            destination if destination and destination[0] in INTERNAL_USAGES else None
        )
        seen = inside or (source if source and source[0] in INTERNAL_USAGES else None)
        result = {}
        if seen:
            result["readPoint"] = {"id": seen[1]}
        if inside:
            result["bizLocation"] = {"id": inside[2] or inside[1]}
        return result, bool(source and source[0] in INTERNAL_USAGES and not inside)

    def _object_event(self, row, lot_name, transactions):
        places, leaves_stock = self._read_point(row)
        action, biz_step, disposition = epcis_mapping(row["event_type"], leaves_stock)
        event = {
            "type": "ObjectEvent",
            **self._time_fields(row),
            "eventID": private_urn(self.namespace, "history", row["id"]),
            "epcList": [self.epc(row["product_id"], lot_name, row["company_id"])],
            "action": action,
            "bizStep": biz_step,
        }
        if disposition:
            event["disposition"] = disposition
        event.update(places)
        documents = transactions.get((row["res_model"], row["res_id"]))
        if documents:
            event["bizTransactionList"] = documents
        direction = EVENT_PARTY_DIRECTION.get(row["event_type"])
        if direction and row["partner_id"]:
            kind = (
                "owning_party"
                if row["res_model"] == "account.move"
                else "possessing_party"
            )
            company = self._zone(row["company_id"])[1]
            partner = self.parties[row["partner_id"]]
            source, destination = (
                (partner, company) if direction == "in" else (company, partner)
            )
            event["sourceList"] = [{"type": kind, "source": source}]
            event["destinationList"] = [{"type": kind, "destination": destination}]
        return event

    # packing ---------------------------------------------------------
    def _packing_events(self, row, transactions):
        """The packages named by an SSCC that the transfer of ``row`` took
        units out of or received or sent its units in, as AggregationEvents
        at the transfer's time: first each package units left (a line from
        it into no package or another one: ``UNPACKING_EVENT``) with those
        units, then each package units went into (``PACKING_EVENT``) with the
        units in it and the packages inside it (a pallet's cartons). Packages
        and units are named by their SSCC's EPC URN and Digital Link URI."""
        picking = self.sudo_env["stock.picking"].browse(row["res_id"])
        lines = picking.move_line_ids.filtered(
            lambda line: line.state == "done"
            and line.lot_id
            and (
                valid_sscc(line.result_package_id.name)
                or valid_sscc(line.package_id.name)
            )
        )
        if not lines:
            return
        self._load_products(set(lines.product_id.ids))
        packed = defaultdict(list)
        unpacked = defaultdict(list)
        for line in lines:
            unit = self.epc(line.product_id.id, line.lot_id.name, line.company_id.id)
            # a package leaving whole (Odoo's entire package) is its own
            # source and destination: its units stay packed
            if line.package_id != line.result_package_id and valid_sscc(
                line.package_id.name
            ):
                unpacked[line.package_id].append(unit)
            if valid_sscc(line.result_package_id.name):
                packed[line.result_package_id].append(unit)
        inner = list(packed)
        while inner:
            package = inner.pop()
            container = package.parent_package_id
            if container and valid_sscc(container.name):
                if container not in packed:
                    inner.append(container)
                packed[container].append(sscc_urn(package.name))
        places, _leaves = self._read_point(row)
        documents = transactions.get((row["res_model"], row["res_id"]))
        for kind, (action, biz_step), children in (
            ("unpacking", UNPACKING_EVENT, unpacked),
            ("packing", PACKING_EVENT, packed),
        ):
            for package in sorted(children, key=lambda package: package.name):
                event = {
                    "type": "AggregationEvent",
                    **self._time_fields(row),
                    "eventID": private_urn(
                        self.namespace, kind, picking.id, package.id
                    ),
                    "parentID": sscc_urn(package.name),
                    "childEPCs": children[package],
                    "action": action,
                    "bizStep": biz_step,
                    **places,
                }
                if documents:
                    event["bizTransactionList"] = documents
                yield event

    # manufacturing -----------------------------------------------------
    def _productions(self, rows):
        """{row id: mrp.production} of the BUILD and CONSUME rows written by
        a manufacturing order's moves."""
        move_ids = {
            row["res_id"]
            for row in rows
            if row["res_model"] == "stock.move"
            and row["event_type"] in ("BUILD", "CONSUME")
        }
        if not move_ids:
            return {}
        moves = self.sudo_env["stock.move"].browse(move_ids).exists()
        production_of = {
            move.id: move.production_id or move.raw_material_production_id
            for move in moves
        }
        return {
            row["id"]: production_of[row["res_id"]]
            for row in rows
            if row["res_model"] == "stock.move" and production_of.get(row["res_id"])
        }

    def _transformation_event(self, row, production):
        """The manufacturing order as one TransformationEvent: the serials it
        consumed in, the serials it produced out."""

        def epcs(moves):
            lines = moves.move_line_ids.filtered(
                lambda line: line.state == "done" and line.lot_id
            )
            self._load_products(set(lines.product_id.ids))
            return [
                self.epc(line.product_id.id, line.lot_id.name, line.company_id.id)
                for line in lines
            ]

        places, _leaves = self._read_point(row)
        biz_step, disposition = TRANSFORMATION_BIZ_STEP
        event = {
            "type": "TransformationEvent",
            **self._time_fields(row),
            "eventID": private_urn(self.namespace, "production-event", production.id),
            "inputEPCList": epcs(production.move_raw_ids),
            "outputEPCList": epcs(production.move_finished_ids),
            "transformationID": private_urn(
                self.namespace, "production", production.id
            ),
            "bizStep": biz_step,
            "disposition": disposition,
            **places,
            "bizTransactionList": [self._transaction(production)],
        }
        return event
