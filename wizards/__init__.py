from . import serial_add_wizard
from . import serial_entry_wizard
