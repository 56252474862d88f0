# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import serial_entry_target
from . import res_company
from . import res_config_settings
from . import product_template
from . import serial_tracking_counter
from . import ir_sequence
from . import stock_lot_history
from . import stock_location
from . import stock_lot
from . import serial_warranty_claim
from . import serial_count
from . import serial_count_line
from . import serial_lookup_throttle
from . import stock_move_line
from . import stock_quant
from . import serial_background_work
from . import account_move_line
from . import account_move
from . import stock_move
from . import stock_picking
from . import serial_point_of_sale
from . import serial_tracking_demo
