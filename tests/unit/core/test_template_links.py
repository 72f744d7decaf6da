"""Templates link through url_for, and a package's templates name only the endpoints of the
packages it may depend on: main's organisation page gets tourism's button through page_sections."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


def test_main_organization_page_names_no_tourism_endpoint() -> None:
    text = (TEMPLATES / "main" / "organization.html").read_text(encoding="utf-8")
    assert not re.search(r"url_for\(\s*['\"]tourism\.", text)


def test_chain_order_cells_link_lots_through_url_for() -> None:
    text = (TEMPLATES / "chains" / "_order_cells.html").read_text(encoding="utf-8")
    assert 'href="/t/' not in text
    assert "url_for('trace.show'" in text
