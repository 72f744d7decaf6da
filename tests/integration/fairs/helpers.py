"""Builders for the fairs tests: a published fair with booth kinds, exhibitors that apply, staff."""

from __future__ import annotations

from datetime import timedelta

from marketplace import db
from marketplace.dates import today_in_vietnam
from marketplace.fairs import applications as booths
from marketplace.fairs import editing
from marketplace.fairs.models import BoothApplication, Fair
from marketplace.forms import as_typed_date
from marketplace.orders.payments.bank_accounts import save_bank_account
from tests.clients import app_session
from tests.factories import make_org, make_user

STANDARD_FEE = 1_500_000


def make_fair(*, standard: int = 20, free: int = 4, fee: int = STANDARD_FEE, publish: bool = True,
              organiser=None, name: str = "Hội chợ Trái cây Đồng Tháp thử", days_ahead: int = 60,
              apply_by=None) -> Fair:
    """A committed fair `days_ahead` from today: `standard` booths A-01… with a fee and `free` booths F-01…"""
    today = today_in_vietnam()
    starts = today + timedelta(days=days_ahead)
    rows = [editing.BoothKindRow(name="Gian tiêu chuẩn 3×3 m", name_en="Standard booth", count=str(standard),
                                 fee_vnd=str(fee), number_prefix="A-")]
    if free:
        rows.append(editing.BoothKindRow(name="Gian miễn phí cho hội quán", count=str(free), fee_vnd="0",
                                         number_prefix="F-"))
    fair = editing.save_fair(db.session, editing.FairInput(
        name=name, name_en="Dong Thap Fruit Fair (test)", starts_on=as_typed_date(starts),
        ends_on=as_typed_date(starts + timedelta(days=2)), venue="Quảng trường Sa Đéc", commune_code="30244",
        organiser_name="Trung tâm Xúc tiến Thương mại", organiser_org_id=organiser.id if organiser else None,
        apply_by=as_typed_date(apply_by) if apply_by else "", description="Trái cây và sản phẩm OCOP.",
        booths=rows), None)
    if publish:
        editing.publish(db.session, fair)
    db.session.commit()
    return fair


def make_organiser():
    """The agency that receives booth fees, with a bank account."""
    org = make_org("agency", name="Trung tâm Xúc tiến Thương mại thử")
    save_bank_account(db.session, org, bank_bin="970405", account_number="1234567890123",
                      account_holder="TRUNG TAM XUC TIEN")
    db.session.commit()
    return org


def make_staff():
    return make_user("staff")


def make_exhibitor(n: int = 0, kind: str = "club"):
    org = make_org(kind, name=f"Hội quán Triển lãm {n}")
    return org, make_user("seller" if kind != "business" else "buyer", org, name=f"Chủ nhiệm {n}")


def apply_for(fair: Fair, org, user, *, kind_index: int = 0, text: str = "Xoài cát Chu") -> BoothApplication:
    fair = db.session.get(Fair, fair.id)
    application = booths.apply(db.session, fair, db.session.merge(org), db.session.merge(user), booths.ApplicationInput(
        booth_kind_id=fair.booth_kinds[kind_index].id, products_text=text, contact_name="Chị Lan",
        contact_phone="0912345678"), today_in_vietnam())
    db.session.commit()
    return application


def reload(app, model, row_id):
    with app_session(app) as session:
        row = session.get(model, row_id)
        session.refresh(row)
        return row
