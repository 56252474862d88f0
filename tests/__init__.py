from . import test_add_serial_wizard
from . import test_multi_company
from . import test_serial_access
from . import test_serial_history
from . import test_serial_uniqueness
from . import test_tracking_mode
from . import test_ui_tours
from . import test_warranty
