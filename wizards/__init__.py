from . import serial_add_wizard
