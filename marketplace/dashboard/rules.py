"""Pure rules for the role homes (which orders wait for whom is the orders' rule: orders.rules.WAITING_ON)."""

SHOWN = 5  # items per section of a home: enough to act on, short enough for a phone screen
