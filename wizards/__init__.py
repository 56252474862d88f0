# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import serial_add_wizard
from . import serial_entry_wizard
from . import serial_recall_wizard
from . import serial_epcis_export
from . import serial_notice_import
