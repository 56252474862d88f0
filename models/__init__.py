from . import res_company
from . import res_config_settings
from . import product_template
from . import serial_tracking_counter
from . import stock_lot_history
from . import stock_lot
from . import stock_move_line
