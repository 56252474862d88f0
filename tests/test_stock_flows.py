# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tools import mute_logger

from .common import SerialTrackingCase


class TestStockFlows(SerialTrackingCase):
    """Warehouse flows of Odoo's stock engine, with a Track Serials product in
    physical mode: each works as it does for Odoo's own serial products."""

    def on_hand(self, lot):
        return {
            (quant.location_id, quant.quantity)
            for quant in lot.quant_ids
            if quant.quantity > 0
        }

    def test_inter_warehouse_resupply_through_transit(self):
        lot = self.add_serials(self.physical_product, ["TR-1"])
        second = self.env["stock.warehouse"].create(
            {"name": "Second WH", "code": "WH2"}
        )
        transit = self.company.internal_transit_location_id
        self.assertEqual(transit.usage, "transit")
        out = self.lined_transfer(
            self.warehouse.int_type_id, self.stock_location, transit, lots=lot
        )
        out.button_validate()
        incoming = self.lined_transfer(
            second.int_type_id, transit, second.lot_stock_id, lots=lot
        )
        incoming.button_validate()
        self.assertEqual(incoming.state, "done")
        self.assertEqual(self.on_hand(lot), {(second.lot_stock_id, 1.0)})
        self.assertEqual(lot.location_id, second.lot_stock_id)

    def test_inter_company_transit(self):
        other = self.env["res.company"].create({"name": "Transit Co"})
        self.env.user.company_ids |= other
        other_stock = (
            self.env["stock.warehouse"]
            .search([("company_id", "=", other.id)], limit=1)
            .lot_stock_id
        )
        transit = self.env.ref("stock.stock_location_inter_company")
        lot = self.add_serials(self.physical_product, ["IC-1"])
        self.lined_transfer(
            self.warehouse.out_type_id, self.stock_location, transit, lots=lot
        ).button_validate()
        other_in = self.env["stock.picking.type"].search(
            [("company_id", "=", other.id), ("code", "=", "incoming")], limit=1
        )
        receipt = self.lined_transfer(
            other_in, transit, other_stock, names=["IC-1"], company=other
        )
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        received = self.lots("IC-1", company=other)
        self.assertEqual(self.on_hand(received), {(other_stock, 1.0)})
        self.assertEqual(received.serial_status, "in_stock")

    def test_the_same_serial_name_in_two_companies(self):
        other = self.env["res.company"].create({"name": "Other Serial Co"})
        self.env.user.company_ids |= other
        self.add_serials(self.physical_product, ["MC-1"])
        other_warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other.id)], limit=1
        )
        receipt = self.lined_transfer(
            other_warehouse.in_type_id,
            self.supplier_location,
            other_warehouse.lot_stock_id,
            names=["MC-1"],
            company=other,
        )
        receipt.button_validate()
        self.assertEqual(receipt.state, "done")
        mine, theirs = self.lots("MC-1"), self.lots("MC-1", company=other)
        self.assertTrue(mine and theirs and mine != theirs)
        self.assertEqual(self.on_hand(mine), {(self.stock_location, 1.0)})
        self.assertEqual(self.on_hand(theirs), {(other_warehouse.lot_stock_id, 1.0)})

    def test_two_receipts_naming_one_new_serial(self):
        receipts = self.lined_transfer(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            names=["DUP-1", "DUP-2"],
        )
        receipts |= self.lined_transfer(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            names=["DUP-1"],
        )
        with (
            self.assertRaises(ValidationError) as caught,
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            receipts.button_validate()
        self.assertIn(
            f"DUP-1: {self.product.display_name}, {self.company.name}",
            str(caught.exception),
        )
        self.assertNotIn("DUP-2:", str(caught.exception))
        self.env.invalidate_all()
        self.assertFalse(
            self.env["stock.lot"].search([("name", "in", ["DUP-1", "DUP-2"])])
        )
        self.assertEqual(set(receipts.mapped("state")), {"assigned"})

    def test_a_duplicate_serial_created_directly(self):
        Lot = self.env["stock.lot"]
        Lot.create({"name": "DIRECT-1", "product_id": self.product.id})
        for vals_list in (
            [{"name": "DIRECT-1", "product_id": self.product.id}],
            [{"name": "DIRECT-2", "product_id": self.product.id}] * 2,
        ):
            name = vals_list[0]["name"]
            with (
                self.assertRaisesRegex(ValidationError, f"{name}: .*Tracked Scanner"),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                Lot.create(vals_list)
        self.assertEqual(
            Lot.search_count([("name", "in", ["DIRECT-1", "DIRECT-2"])]), 1
        )

    def test_untracked_units_on_hand_are_named_in_the_refusal(self):
        # two units on hand from before Track Serials was switched on
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock_location, 2
        )
        delivery = self.lined_transfer(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            names=["UT-1"],
        )
        with self.assertRaisesRegex(
            UserError,
            "UT-1 cannot leave WH/Stock: the units of "
            ".*Tracked Scanner there have no serial numbers yet.*"
            "Initialize serials",
        ):
            delivery.button_validate()
        self.assertEqual(delivery.state, "assigned")

    def test_a_unit_that_is_not_there_is_refused_with_where_it_is(self):
        lot = self.add_serials(self.physical_product, ["AW-1"])
        shelf = self.env["stock.location"].create(
            {
                "name": "Far Shelf",
                "usage": "internal",
                "location_id": self.warehouse.view_location_id.id,
            }
        )
        delivery = self.lined_transfer(
            self.warehouse.out_type_id, shelf, self.customer_location, lots=lot
        )
        with self.assertRaisesRegex(
            UserError,
            "AW-1 cannot leave WH/Far Shelf: it is not there "
            r"\(it is at WH/Stock\)",
        ):
            delivery.button_validate()

    def test_pick_and_ship_validated_together(self):
        lot = self.add_serials(self.physical_product, ["PS-1"])
        output = self.env["stock.location"].create(
            {
                "name": "Output",
                "usage": "internal",
                "location_id": self.warehouse.view_location_id.id,
            }
        )
        pick = self.lined_transfer(
            self.warehouse.int_type_id, self.stock_location, output, lots=lot
        )
        ship = self.lined_transfer(
            self.warehouse.out_type_id, output, self.customer_location, lots=lot
        )
        (ship | pick).button_validate()
        self.assertEqual((pick | ship).mapped("state"), ["done", "done"])
        self.assertEqual(self.on_hand(lot), {(self.customer_location, 1.0)})
        self.assertEqual(lot.serial_status, "sold")

    def test_unpicked_lines_do_not_block_the_validation(self):
        lots = self.add_serials(self.physical_product, ["UP-1"])
        gone = self.env["stock.lot"].create(
            {"name": "UP-2", "product_id": self.product.id}
        )
        delivery = self.lined_transfer(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            lots=lots | gone,
            picked=False,
        )
        delivery.move_ids.move_line_ids.filtered(
            lambda line: line.lot_id == lots
        ).picked = True
        delivery.with_context(cancel_backorder=False)._action_done()
        self.assertEqual(delivery.state, "done")
        self.assertEqual(self.on_hand(lots), {(self.customer_location, 1.0)})

    def test_scrap_and_return(self):
        lots = self.add_serials(self.physical_product, ["SC-1", "RT-1"])
        self.scrap("SC-1")
        self.assertEqual(lots[0].serial_status, "scrapped")
        delivery = self.lined_transfer(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            lots=lots[1],
        )
        delivery.button_validate()
        returned = self.return_picking(delivery, "RT-1")
        self.assertEqual(returned.state, "done")
        self.assertEqual(lots[1].serial_status, "returned")
        self.assertEqual(self.on_hand(lots[1]), {(self.stock_location, 1.0)})

    def test_packages_sub_locations_and_consignment(self):
        shelf = self.env["stock.location"].create(
            {
                "name": "Shelf P",
                "usage": "internal",
                "location_id": self.stock_location.id,
            }
        )
        owner = self.env["res.partner"].create({"name": "Consignor"})
        package = self.env["stock.package"].create({"name": "PACK-1"})
        receipt = self.lined_transfer(
            self.warehouse.in_type_id,
            self.supplier_location,
            shelf,
            names=["PK-1", "OW-1"],
        )
        first, second = receipt.move_ids.move_line_ids.sorted("lot_name")
        second.result_package_id = package
        first.owner_id = owner
        receipt.button_validate()
        packed, owned = self.lots("PK-1"), self.lots("OW-1")
        self.assertEqual(packed.quant_ids.filtered("quantity").package_id, package)
        self.assertEqual(owned.quant_ids.filtered("quantity").owner_id, owner)
        shipped = self.env["stock.lot"]
        for owner_id in (owner.id, False):
            delivery = self.picking(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                1,
                owner_id=owner_id,
            )
            lot = delivery.move_ids.move_line_ids.lot_id
            self.assertEqual(len(lot), 1)
            delivery.move_ids.picked = True
            delivery.button_validate()
            self.assertEqual(delivery.state, "done")
            self.assertEqual(self.on_hand(lot), {(self.customer_location, 1.0)})
            shipped |= lot
        self.assertEqual(shipped, packed | owned)
        self.assertEqual(set(shipped.mapped("serial_status")), {"sold"})

    def test_a_quant_made_while_odoo_frees_a_reservation(self):
        # Odoo validates with quants_cache=None while it frees another
        # reservation; a quant made then must not go to the missing cache
        lot = self.env["stock.lot"].create(
            {"name": "QC-1", "product_id": self.product.id}
        )
        quant = (
            self.env["stock.quant"]
            .with_context(quants_cache=None)
            .sudo()
            .create(
                {
                    "product_id": self.product.id,
                    "location_id": self.stock_location.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                }
            )
        )
        self.assertEqual(quant.quantity, 1)

    def test_reserving_next_to_a_quant_without_quantity(self):
        # Odoo's reservation of a serial that has no quant makes one with a
        # reserved quantity and no quantity at all (NULL)
        lots = self.add_serials(self.physical_product, ["NQ-1", "NQ-2"])
        ghost = self.env["stock.lot"].create(
            {"name": "NQ-3", "product_id": self.product.id}
        )
        self.env["stock.quant"]._update_reserved_quantity(
            self.product, self.stock_location, 1, lot_id=ghost
        )
        self.env.cr.execute(
            "SELECT quantity FROM stock_quant WHERE lot_id = %s", [ghost.id]
        )
        self.assertEqual(self.env.cr.fetchall(), [(None,)])
        delivery = self.picking(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            2,
        )
        self.assertEqual(delivery.move_ids.move_line_ids.lot_id, lots)

    def test_out_move_lines_of_several_products(self):
        other = self.create_tracked_product(
            "Tracked Router", "physical"
        ).product_variant_id
        moves = self.env["stock.move"]
        for product, name in ((self.product, "OM-1"), (other, "OM-2")):
            self.env["stock.lot"]._serial_add_to_stock(
                product, [name], self.stock_location
            )
            delivery = self.lined_transfer(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                product=product,
                lots=self.env["stock.lot"].search([("name", "=", name)]),
            )
            delivery.button_validate()
            moves |= delivery.move_ids
        self.assertEqual(moves._get_out_move_lines(), moves.move_line_ids)

    def test_the_speed_path_can_be_switched_off(self):
        # the same delivery through the speed path and through Odoo's code
        # alone: same result, and the switch really switches
        Param = self.env["ir.config_parameter"].sudo()
        queries = {}
        for switch in ("1", "0"):
            Param.set_param("serial_tracking.speed_path", switch)
            lots = self.add_serials(
                self.physical_product, [f"SW{switch}-{n}" for n in range(20)]
            )
            delivery = self.lined_transfer(
                self.warehouse.out_type_id,
                self.stock_location,
                self.customer_location,
                lots=lots,
            )
            self.env.flush_all()
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            delivery.button_validate()
            self.env.flush_all()
            queries[switch] = self.env.cr.sql_log_count - start
            self.assertEqual(delivery.state, "done")
            self.assertEqual(
                {quant.location_id for quant in lots.quant_ids if quant.quantity > 0},
                {self.customer_location},
            )
            self.assertEqual(set(lots.mapped("serial_status")), {"sold"})
        self.assertLess(queries["1"] * 2, queries["0"], queries)

    def test_units_chosen_in_the_dialog_leave_their_package_and_owner(self):
        owner = self.env["res.partner"].create({"name": "Dialog Consignor"})
        package = self.env["stock.package"].create({"name": "PACK-D"})
        receipt = self.lined_transfer(
            self.warehouse.in_type_id,
            self.supplier_location,
            self.stock_location,
            names=["DP-1", "DO-1"],
        )
        packed_line, owned_line = receipt.move_ids.move_line_ids.sorted(
            "lot_name", reverse=True
        )
        packed_line.result_package_id = package
        owned_line.owner_id = owner
        receipt.button_validate()
        lots = self.lots("DP-1") | self.lots("DO-1")
        delivery = self.lined_transfer(
            self.warehouse.out_type_id,
            self.stock_location,
            self.customer_location,
            names=["x", "y"],
        )
        delivery.move_ids.move_line_ids.unlink()
        delivery.move_ids._serial_set_move_lines(lots=lots)
        lines = delivery.move_ids.move_line_ids
        self.assertEqual(
            {(line.lot_id.name, line.package_id, line.owner_id) for line in lines},
            {
                ("DP-1", package, self.env["res.partner"]),
                ("DO-1", self.env["stock.package"], owner),
            },
        )
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        stock_quants = self.env["stock.quant"].search(
            [("lot_id", "in", lots.ids), ("location_id", "=", self.stock_location.id)]
        )
        self.assertEqual(
            set(stock_quants.mapped("quantity")), {0.0} if stock_quants else set()
        )
        for lot in lots:
            self.assertEqual(self.on_hand(lot), {(self.customer_location, 1.0)})
