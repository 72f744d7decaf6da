"""Pure rules of the public trace address: GS1 GTINs (8, 12, 13 or 14 digits with their check digit,
written as 14), lot codes as read from a label or typed (trimmed, upper-case, percent-decoded), and
the GS1 Digital Link form /01/<gtin>/10/<lot>, which must match the lot AND its GTIN.

Nothing here says WHICH part of an address was wrong: a forged code, a wrong GTIN and an unknown
lot all end in the same "not in the system" answer (trace_views.py)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from marketplace.traceability import lot_rules

SCAN_MARKER = "s"  # ?s=1 on a label's QR: one scan of that lot
MAX_LABELS, DEFAULT_LABELS = 60, 24  # a sheet is 3 × 8 labels; at most a few sheets at once
_DIGITS = re.compile(r"^[0-9]+$")

gtin_check_digit = lot_rules.gs1_check_digit


def normalize_gtin(text: str | None) -> str | None:
    """A GTIN-8/12/13/14 as its 14 digits ("8934563138165" → "08934563138165"), or None when it is
    not one (wrong length, not digits, wrong check digit): lot_rules.read_gtin, as a lot stores it."""
    gtin, _problem = lot_rules.read_gtin(text)
    return gtin or None


def normalize_lot_code(text: str | None) -> str | None:
    """A lot code as stored (lot_rules.normalise_code), after percent-decoding (a QR reader or a
    browser may leave %2D in it); None when it cannot be one (empty, too long, odd characters)."""
    value = unquote(text or "")
    if "\x00" in value:
        return None
    code = lot_rules.normalise_code(value)
    return None if lot_rules.check_code(code) else code


def gs1_matches(lot_gtin: str | None, asked_gtin: str | None) -> bool:
    """The GTIN in a GS1 address is the lot's own (both as 14 digits). A lot without a GTIN has no
    GS1 address."""
    asked = normalize_gtin(asked_gtin)
    return bool(lot_gtin) and asked is not None and asked == lot_gtin


def label_count(text: str | None) -> int:
    """How many labels to print (?count=): a whole number from 1 to MAX_LABELS, else the default."""
    value = (text or "").strip()
    if not _DIGITS.match(value):
        return DEFAULT_LABELS
    return max(1, min(int(value), MAX_LABELS))
