"""The words of the /reports page (the page is in the reader's language; the documents are always
Vietnamese, see reports.document)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

TARGET_LABELS = {
    "cooperatives_from_clubs": _l("Cooperatives founded from clubs"),
    "growing_area_codes": _l("Growing-area codes of clubs linked to fruit cooperatives"),
    "traceable_chains": _l("Linked chains with codes and traceability"),
    "tourism_clubs": _l("Clubs with rural tourism"),
    "ocop_products": _l("OCOP products of clubs and cooperatives"),
}
FORMAT_LABELS = {"xlsx": _l("Excel (.xlsx)"), "pdf": _l("PDF"), "csv": _l("CSV")}


def period_name(key: str) -> str:
    """"2026-H1" → "First half of 2026" in the reader's language."""
    year, _, half = key.partition("-")
    if half == "H1":
        return str(_l("First half of %(year)s", year=year))
    if half == "H2":
        return str(_l("Second half of %(year)s", year=year))
    return str(_l("Year %(year)s", year=year))
