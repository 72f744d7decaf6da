"""QR codes of catalog links (segno): an SVG for the page, a PNG for the printed catalog."""

from __future__ import annotations

import io

import segno


def svg(url: str, *, scale: int = 4) -> str:
    """The QR code as an SVG document, black on white, with its quiet zone."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=scale, border=4,
                                                 title=url, xmldecl=False, svgclass="qr")
    return out.getvalue().decode("utf-8")


def png(url: str, *, scale: int = 4) -> bytes:
    """The QR code as a small black-and-white PNG (a few hundred bytes), for ReportLab."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
