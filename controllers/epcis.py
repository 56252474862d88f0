# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The download of an EPCIS export (serial.epcis.export)."""

import tempfile

from werkzeug.utils import send_file

from odoo import http
from odoo.http import request


class SerialEpcis(http.Controller):
    @http.route(
        "/serial_tracking/epcis/<int:export_id>",
        type="http",
        auth="user",
        readonly=True,
    )
    def epcis_download(self, export_id, **kw):
        """The document is written batch by batch into a temporary file (on
        disk, not in memory), which is then sent and deleted. Only the user
        who asked for the export reads it (transient records are their
        creator's)."""
        export = request.env["serial.epcis.export"].search(
            [("id", "=", export_id)], limit=1
        )
        if not export:
            raise request.not_found()
        spool = tempfile.TemporaryFile()
        export._epcis_write(spool)
        spool.seek(0)
        return send_file(
            spool,
            request.httprequest.environ,
            mimetype=export._epcis_media_type(),
            as_attachment=True,
            download_name=export._epcis_filename(),
        )
