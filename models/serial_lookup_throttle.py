# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

# Public warranty lookups a visitor may make per window (ir.config_parameter
# serial_tracking.public_lookup_limit / serial_tracking.public_lookup_window).
DEFAULT_LOOKUP_LIMIT = 10
DEFAULT_LOOKUP_WINDOW = 600  # seconds


class SerialLookupThrottle(models.Model):
    """How many public warranty lookups each visitor (by IP address) made in
    the current window: a counter per address, not a log.

    Technical and company-independent (a visitor is not a company's record):
    no access rights, only the lookup route writes it, as superuser.
    """

    _name = "serial.lookup.throttle"
    _description = "Warranty Lookup Rate Limit"
    _log_access = False

    address = fields.Char(required=True, readonly=True)
    window_start = fields.Datetime(required=True, readonly=True)
    hits = fields.Integer(required=True, readonly=True)

    _address_unique = models.UniqueIndex("(address)")

    @api.model
    def _lookup_settings(self):
        params = self.env["ir.config_parameter"].sudo()
        limit = int(
            params.get_param(
                "serial_tracking.public_lookup_limit", DEFAULT_LOOKUP_LIMIT
            )
        )
        window = int(
            params.get_param(
                "serial_tracking.public_lookup_window", DEFAULT_LOOKUP_WINDOW
            )
        )
        return limit, window

    @api.model
    def _take(self, address):
        """Count one lookup from ``address``; False when it is over the limit.

        One upsert: two lookups racing from one address both count, and the
        counter starts again once its window is over."""
        limit, window = self._lookup_settings()
        # the clock, not the transaction's start (now()): a long transaction
        # must not keep a window open
        now = fields.Datetime.now()
        self.env.cr.execute(
            """
            INSERT INTO serial_lookup_throttle AS t (address, window_start, hits)
                 VALUES (%(address)s, %(now)s, 1)
            ON CONFLICT (address) DO UPDATE
                    SET hits = CASE WHEN t.window_start < %(expired)s
                                    THEN 1 ELSE t.hits + 1 END,
                        window_start = CASE WHEN t.window_start < %(expired)s
                                            THEN %(now)s ELSE t.window_start END
              RETURNING hits
            """,
            {
                "address": address or "unknown",
                "now": now,
                "expired": now - timedelta(seconds=window),
            },
        )
        (hits,) = self.env.cr.fetchone()
        return hits <= limit

    @api.autovacuum
    def _gc_finished_windows(self):
        _limit, window = self._lookup_settings()
        self.env.cr.execute(
            "DELETE FROM serial_lookup_throttle WHERE window_start < %s",
            [fields.Datetime.now() - timedelta(seconds=window)],
        )
