# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

#: What Odoo's Generate Serials dialog writes on a product's sequence once it
#: used numbers from it: the counter took those numbers already.
NUMBERING_FIELDS = {"number_next", "number_next_actual"}


class IrSequence(models.Model):
    """Each product following a serial number format has a sequence of its own
    as its *Serial/Lot Numbers Sequence* (``lot_sequence_id``): Odoo's screens
    and flows that number serials (manufacturing, repairs, the Generate
    Serials dialog, a new lot without a name) draw from that field, and its
    numbers come from the format's counter, never from the sequence itself."""

    _inherit = "ir.sequence"

    serial_format_tmpl_id = fields.Many2one(
        "product.template",
        string="Serial Number Format of",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="Technical: the product whose serial number format gives this "
        "sequence's numbers, taken from the format's counter.",
    )

    def _next(self, sequence_date=None):
        template = self.serial_format_tmpl_id
        if template and template._serial_follows_format():
            return self.env["serial.tracking.counter"]._take_serials(template, 1)[0]
        return super()._next(sequence_date=sequence_date)

    def write(self, vals):
        follows = self.filtered("serial_format_tmpl_id")
        if not follows:
            return super().write(vals)
        if NUMBERING_FIELDS.issuperset(vals):
            # Odoo's Generate Serials dialog moves the sequence on by the
            # serials it made; the counter took them, there is nothing to move
            # (and users who may number serials may not edit sequences)
            return super(IrSequence, self - follows).write(vals)
        raise UserError(
            self.env._(
                "The sequence %(sequence)s gives the serial numbers of %(product)s "
                "from its Serial Number Format; change the format on the product "
                "instead.",
                sequence=follows[0].name,
                product=follows[0].serial_format_tmpl_id.display_name,
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_serial_format(self):
        follows = self.filtered(
            lambda sequence: sequence.serial_format_tmpl_id._serial_follows_format()
        )
        if follows:
            raise UserError(
                self.env._(
                    "The sequence %(sequence)s gives the serial numbers of %(product)s "
                    "from its Serial Number Format; it goes when the product no longer "
                    "follows a format.",
                    sequence=follows[0].name,
                    product=follows[0].serial_format_tmpl_id.display_name,
                )
            )
