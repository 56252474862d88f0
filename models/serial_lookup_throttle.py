# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
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
            params.get_param("serial_tracking.public_lookup_limit", DEFAULT_LOOKUP_LIMIT)
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
        self.env.cr.execute(
            """
            INSERT INTO serial_lookup_throttle AS t (address, window_start, hits)
                 VALUES (%(address)s, now() AT TIME ZONE 'UTC', 1)
            ON CONFLICT (address) DO UPDATE
                    SET hits = CASE WHEN t.window_start
                                         < (now() AT TIME ZONE 'UTC') - %(window)s::interval
                                    THEN 1 ELSE t.hits + 1 END,
                        window_start = CASE WHEN t.window_start
                                         < (now() AT TIME ZONE 'UTC') - %(window)s::interval
                                    THEN now() AT TIME ZONE 'UTC'
                                    ELSE t.window_start END
              RETURNING hits
            """,
            {
                "address": address or "unknown",
                "window": f"{window} seconds",
            },
        )
        (hits,) = self.env.cr.fetchone()
        return hits <= limit

    @api.autovacuum
    def _gc_finished_windows(self):
        _limit, window = self._lookup_settings()
        self.env.cr.execute(
            """DELETE FROM serial_lookup_throttle
                WHERE window_start < (now() AT TIME ZONE 'UTC') - %s::interval""",
            [f"{window} seconds"],
        )
