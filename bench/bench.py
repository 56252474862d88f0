"""Serial volumes timed inside Odoo: this addon's flows and, side by side, Odoo's
native flow on a product the addon does not track. Prints one table."""

import argparse
import base64
import io
import time
import tracemalloc
from datetime import date

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def timed(env, function):
    env.flush_all()
    start = time.perf_counter()
    result = function()
    env.flush_all()
    return time.perf_counter() - start, result


class Bench:
    def __init__(self, env, size):
        self.env, self.size = env, size
        self.warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
        self.vendor = env["res.partner"].create({"name": "Bench Vendor"})
        self.customer = env["res.partner"].create({"name": "Bench Customer"})
        self.suppliers = env.ref("stock.stock_location_suppliers")
        self.customers = env.ref("stock.stock_location_customers")

    def product(self, name, **vals):
        return self.env["product.template"].create({"name": f"{name} {self.size}", "type": "consu", **vals})

    # accounting mode ---------------------------------------------------
    def accounting(self):
        template = self.product("Bench Laptop", serial_tracking_enabled=True,
                                serial_tracking_mode="accounting", serial_auto_number=True,
                                serial_number_format=f"B{self.size}-[[INCNUM,NONE,6]]")
        product = template.product_variant_id
        Move = self.env["account.move"]

        def line(**vals):
            return [(0, 0, {"product_id": product.id, "quantity": self.size, "price_unit": 1, **vals})]

        names = template._serial_generate_from_format(self.size)
        bill = Move.create({"move_type": "in_invoice", "partner_id": self.vendor.id,
                            "invoice_date": date(2025, 1, 1),
                            "invoice_line_ids": line(serial_names="\n".join(names))})
        bill_time, _ = timed(self.env, bill.action_post)
        invoice = Move.create({"move_type": "out_invoice", "partner_id": self.customer.id,
                               "invoice_date": date(2025, 2, 1),
                               "invoice_line_ids": line(serial_lot_ids=[(6, 0, bill.invoice_line_ids.serial_lot_ids.ids)])})
        invoice_time, _ = timed(self.env, invoice.action_post)
        return {"accounting: post bill": bill_time, "accounting: post invoice": invoice_time}

    # physical mode -----------------------------------------------------
    def picking(self, product, code):
        picking_type = self.warehouse.in_type_id if code == "in" else self.warehouse.out_type_id
        source, destination = ((self.suppliers, self.warehouse.lot_stock_id) if code == "in"
                               else (self.warehouse.lot_stock_id, self.customers))
        picking = self.env["stock.picking"].create({
            "picking_type_id": picking_type.id, "partner_id": self.vendor.id,
            "location_id": source.id, "location_dest_id": destination.id,
            "move_ids": [(0, 0, {"product_id": product.id, "product_uom_qty": self.size,
                                 "location_id": source.id, "location_dest_id": destination.id})]})
        picking.action_confirm()
        return picking

    def native(self):
        product = self.product("Native Scanner", is_storable=True, tracking="serial").product_variant_id
        receipt = self.picking(product, "in")
        names = [f"N{self.size}-{n:06d}" for n in range(self.size)]

        def receive():
            move = receipt.move_ids
            move.move_line_ids.unlink()
            move.write({"move_line_ids": move._generate_serial_move_line_commands(
                [{"lot_name": name, "quantity": 1} for name in names])})
            move.picked = True
            receipt.button_validate()

        receive_time, _ = timed(self.env, receive)
        delivery = self.picking(product, "out")

        def deliver():
            delivery.action_assign()
            delivery.move_ids.picked = True
            delivery.button_validate()

        deliver_time, _ = timed(self.env, deliver)
        return receive_time, deliver_time

    def ours(self):
        template = self.product("Tracked Scanner", serial_tracking_enabled=True,
                                serial_tracking_mode="physical")
        product = template.product_variant_id
        receipt = self.picking(product, "in")
        Wizard = self.env["serial.entry.wizard"]

        def receive():
            wizard = Wizard.browse(receipt.move_ids.action_open_serial_entry()["res_id"])
            wizard.write({"gen_prefix": f"T{self.size}-", "gen_start": 0,
                          "gen_count": self.size, "gen_padding": 6})
            wizard.action_generate()
            wizard.action_confirm()
            receipt.button_validate()

        receive_time, _ = timed(self.env, receive)
        delivery = self.picking(product, "out")

        def deliver():
            wizard = Wizard.browse(delivery.move_ids.action_open_serial_entry()["res_id"])
            wizard.action_clear()
            wizard.action_select_all()
            wizard.action_confirm()
            delivery.button_validate()

        deliver_time, _ = timed(self.env, deliver)
        return receive_time, deliver_time


def file_import(env, rows=100_000):
    import openpyxl  # noqa: PLC0415

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["Serial"])
    for n in range(rows):
        sheet.append([f"X-{n:06d}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    template = env["product.template"].create({"name": "Bench Import", "type": "consu",
                                               "serial_tracking_enabled": True,
                                               "serial_tracking_mode": "accounting"})
    wizard = env["serial.entry.wizard"].browse(template.action_add_serials_bulk()["res_id"])
    wizard.write({"import_filename": "serials.xlsx",
                  "import_file": base64.b64encode(buffer.getvalue())})
    tracemalloc.start()
    elapsed, _ = timed(env, wizard.action_import_file)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak, wizard.entered_count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    config.parse_config(["--addons-path", args.addons_path, "-d", args.db,
                         "--data-dir", args.data_dir, "--log-level", "warn"])
    registry = Registry(args.db)
    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for size in args.sizes:
            bench = Bench(env, size)
            for label, seconds in bench.accounting().items():
                rows.append((size, label, seconds, None, None))
            native_in, native_out = bench.native()
            ours_in, ours_out = bench.ours()
            rows.append((size, "physical: receive (generate + validate)", ours_in, native_in,
                         ours_in / native_in))
            rows.append((size, "physical: deliver (select/reserve + validate)", ours_out, native_out,
                         ours_out / native_out))
        elapsed, peak, count = file_import(env)
        rows.append((count, "file import: .xlsx parsed and checked", elapsed, None, None))
        rows.append((count, "file import: peak Python memory (MB)", peak / 1024 / 1024, None, None))
        cr.rollback()
    print(f"\n{'N':>7}  {'step':<48} {'ours (s)':>9} {'native (s)':>11} {'ours/native':>12}")
    for size, label, ours, native, ratio in rows:
        native_text = f"{native:11.2f}" if native is not None else f"{'':>11}"
        ratio_text = f"{ratio:12.2f}" if ratio is not None else f"{'':>12}"
        print(f"{size:>7}  {label:<48} {ours:9.2f} {native_text} {ratio_text}")


if __name__ == "__main__":
    main()
