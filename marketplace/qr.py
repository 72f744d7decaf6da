"""QR codes of public addresses (segno): an SVG for a page, a PNG for print (ReportLab). Used by
the fair catalogs and the lot labels of traceability."""

from __future__ import annotations

import io

import segno

MASK = 2  # a QR mask pattern (0–7) for the printed codes


def svg(url: str, *, scale: int = 4) -> str:
    """The QR code as an SVG document, black on white, with its quiet zone."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=4,
                                                 title=url, xmldecl=False, svgclass="qr")
    return out.getvalue().decode("utf-8")


def png(url: str, *, scale: int = 4) -> bytes:
    """The QR code as a small black-and-white PNG (a few hundred bytes), for ReportLab."""
    out = io.BytesIO()
    # One fixed mask: choosing the best of eight was most of the time per code, for a code that
    # reads as well from paper (tests decode every code of a printed catalog).
    segno.make(url, error="m", micro=False, mask=MASK).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
