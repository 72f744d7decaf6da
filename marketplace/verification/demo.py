"""Demo verification, through the same service as staff's page (the badge is never set by data):
the cooperatives' founding decisions sent by their board and verified by the demo staff member,
the demo supermarket verified against its tax code, and Hội quán Xoài Mỹ Xương's decision sent
and still waiting for staff (the issue's story has staff verify it). Idempotent: an organisation
that already has a record is left as it stands."""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.credentials import evidence
from marketplace.verification import rules
from marketplace.verification import services as verification

# ref → (decision number, date, issuing commune, issuer, staff verify it in the demo)
DECISIONS = {
    "demo-hq-xoai-my-xuong": ("12/QĐ-UBND", date(2017, 4, 10), "30076", "UBND xã Mỹ Xương", False),
    "demo-htx-xoai-my-xuong": ("215/QĐ-UBND", date(2019, 8, 1), "30076", "UBND xã Mỹ Xương", True),
    "demo-htx-quyt-hong-lai-vung": ("31/QĐ-UBND", date(2020, 1, 15), None, "UBND xã (demo)", True),
}
# Buyers staff have checked against their tax code in the demo.
BUYERS = ("demo-sieu-thi-my-tho",)


def demo_decision_pdf() -> bytes:
    """A one-page A4 PDF standing in for the scan of a demo decision (reportlab, as the catalogs)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)  # the same bytes on every load
    page.drawString(72, 770, "Demo: quyet dinh thanh lap (ban quet mau)")
    page.showPage()
    page.save()
    return buffer.getvalue()


def _board_member(org: Organization) -> User | None:
    return next((m.user for m in org.memberships if m.board), None)


def load(db: Session, orgs: dict[str, Organization], staff: User | None, today: date) -> dict[str, int]:
    made = 0
    if staff is None:
        return {"verification_records": 0}
    for ref, (number, decided_on, commune_code, issuer, verify) in DECISIONS.items():
        org = orgs.get(ref)
        if org is None or verification.record_of(db, org) is not None:
            continue
        sender = _board_member(org) or staff
        checked = evidence.check_scan(demo_decision_pdf(), "quyet-dinh-demo.pdf", "application/pdf",
                                      evidence.scan_reader())
        scan = evidence.store_scan(db, evidence.scan_store(), checked, organization=org, user=sender)
        verification.submit_decision(db, org, rules.Decision(number, decided_on, commune_code or org.commune_code,
                                                             issuer), scan, sender, today=today)
        if verify:
            verification.decide(db, org, "verify", staff, "Demo: đã đối chiếu quyết định thành lập.")
        made += 1
    for ref in BUYERS:
        org = orgs.get(ref)
        if org is not None and verification.record_of(db, org) is None:
            verification.verify_buyer(db, org, staff, "Demo: đã kiểm tra mã số thuế.")
            made += 1
    return {"verification_records": made}
