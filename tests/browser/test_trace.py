"""Issue #18's trace page in a browser: a buyer scans a lot's label on a 360-px phone (the URL
decoded from the label's PNG QR code) and sees the orchard's growing-area code and the packing
date; nothing overflows, and axe finds nothing serious."""

from __future__ import annotations

import io
import itertools
import os
from datetime import timedelta
from urllib.parse import urlsplit

import zxingcpp
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from PIL import Image
from playwright.sync_api import Page, expect

from marketplace.dates import today_in_vietnam
from tests.integration.traceability.trace_scene import make_scene

PHONE_WIDTH = 360
_serial = itertools.count(1)


def _serious(page: Page) -> list[str]:
    return [f"{v['impact']} {v['id']}" for v in Axe().run(page).response["violations"]
            if v.get("impact") in {"serious", "critical"}]


def test_a_buyer_scans_a_label_on_a_phone(phone_page: Page, live_app: Flask) -> None:
    stamp = f"{os.getpid() % 1000:03d}{next(_serial)}"
    with live_app.app_context():
        scene = make_scene(prefix=f"B{stamp}", number=stamp, chair_phone=f"079{int(stamp):05d}22")
        code, orchard = scene.lots["s1"].code, scene.codes[0].code
    packed_on = (today_in_vietnam() - timedelta(days=1)).strftime("%d/%m/%Y")  # the scene's packing step
    page = phone_page
    png = page.request.get(f"/t/{code}/qr.png")
    assert png.ok
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())))
    address = urlsplit(decoded.text)
    assert address.path == f"/t/{code}" and address.query == "s=1"
    page.goto(f"{address.path}?{address.query}")
    assert urlsplit(page.url).path == f"/t/{code}" and not urlsplit(page.url).query  # the clean address
    expect(page.get_by_test_id("lot-code")).to_have_text(code)
    expect(page.get_by_test_id("growing-area").first).to_be_visible()
    expect(page.get_by_text(orchard)).to_be_visible()
    expect(page.get_by_test_id("packing-date")).to_have_text(packed_on)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert _serious(page) == []
