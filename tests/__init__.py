# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import test_access_matrix
from . import test_accounting_mode
from . import test_accounting_portal
from . import test_add_serial_wizard
from . import test_external_api
from . import test_multi_company
from . import test_physical_mode
from . import test_serial_access
from . import test_serial_entry_wizard
from . import test_serial_files
from . import test_serial_format
from . import test_serial_history
from . import test_serial_numbering
from . import test_serial_text
from . import test_serial_uniqueness
from . import test_tracking_mode
from . import test_translated_labels
from . import test_sale_delivered_serials
from . import test_manufacturing
from . import test_ui_tours
from . import test_warranty
from . import test_quant_batching
from . import test_stock_flows
from . import test_warranty_claims
from . import test_repair_claims
from . import test_portal_serials
