# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a point-of-sale till may sell of Track Serials products, as plain
rules over (product id, serial) pairs: a unit sold must be in the till's stock
and not sold on another order of the session already."""

# why a serial typed at the till is refused
NOT_IN_STOCK = "not_in_stock"
SOLD_IN_SESSION = "sold_in_session"
TWICE_ON_ORDER = "twice_on_order"


def sold_in_session(session_lines):
    """The (product id, serial) pairs the session's paid orders hold sold:
    ``session_lines`` gives (product id, serial, quantity) of their lines, a
    refund's quantity negative; a unit sold then refunded is back."""
    net = {}
    for product_id, serial, quantity in session_lines:
        key = (product_id, serial)
        net[key] = net.get(key, 0) + (1 if quantity > 0 else -1)
    return {key for key, count in net.items() if count > 0}


def till_refusals(sold, in_stock, sold_before):
    """The units of an order a till must refuse, in the order's order, as
    ((product id, serial), reason): ``sold`` lists the (product id, serial)
    pairs the order sells, ``in_stock`` holds those in the till's stock and
    ``sold_before`` those other orders of the session sold already."""
    refusals, seen = [], set()
    for key in sold:
        if key in seen:
            refusals.append((key, TWICE_ON_ORDER))
        elif key in sold_before:
            refusals.append((key, SOLD_IN_SESSION))
        elif key not in in_stock:
            refusals.append((key, NOT_IN_STOCK))
        seen.add(key)
    return refusals
