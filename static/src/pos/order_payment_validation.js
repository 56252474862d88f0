/* Copyright 2026 serial_tracking authors
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */
import OrderPaymentValidation from "@point_of_sale/app/utils/order_payment_validation";
import { handleRPCError } from "@point_of_sale/app/utils/error_handlers";
import { RPCError } from "@web/core/network/rpc";
import { patch } from "@web/core/utils/patch";

// Before the till takes payment, the server checks the serials the order
// sells (serial.point.of.sale.check_till_order): a unit not in the till's
// stock, or sold on another order of the session, is refused with a message
// naming it. Offline, the order goes on; its picking then shows the refusal.
patch(OrderPaymentValidation.prototype, {
    async isOrderValid(isForceValidate) {
        if (!(await super.isOrderValid(...arguments))) {
            return false;
        }
        const lines = [];
        for (const line of this.order.getOrderlines()) {
            for (const lot of line.pack_lot_ids || []) {
                if (lot.lot_name) {
                    lines.push([line.product_id.id, lot.lot_name, line.qty]);
                }
            }
        }
        if (!lines.length) {
            return true;
        }
        try {
            await this.pos.data.call("serial.point.of.sale", "check_till_order", [
                this.pos.config.id,
                this.order.uuid,
                lines,
            ]);
        } catch (error) {
            if (error instanceof RPCError) {
                handleRPCError(error, this.pos.dialog);
                return false;
            }
        }
        return true;
    },
});
