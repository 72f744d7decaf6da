"""What a code was worth on a past harvest day, read through save_planting_code and staff's
verification as the pages do them: its entry is not taken back, and a renewal does not hide an expiry."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace import db
from marketplace.credentials import history
from marketplace.credentials import services as credentials
from marketplace.credentials.models import CredentialEvent
from marketplace.dates import today_in_vietnam
from tests.factories import make_org, make_user


def _code_input(code: str, **fields) -> credentials.PlantingCodeInput:
    return credentials.PlantingCodeInput(code=code, kind="growing_area", crop="xoài", **fields)


def test_a_code_entered_and_verified_today_counts_for_a_harvest_before(session) -> None:
    today = today_in_vietnam()
    club = make_org("club")
    chair, staff = make_user("seller", club), make_user("staff")
    code = credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8801", issued_on=today - timedelta(days=400), valid_until=today + timedelta(days=300)), chair)
    credentials.change_status(db.session, code, "verify", staff)
    db.session.flush()
    assert history.validity_on(db.session, code, today - timedelta(days=10)).state == "active"
    assert history.validity_on(db.session, code, today - timedelta(days=401)).state == "not_issued"


def test_a_renewal_does_not_hide_that_the_code_had_expired_on_the_harvest_day(session) -> None:
    today = today_in_vietnam()
    club = make_org("club")
    code = credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8802", issued_on=today - timedelta(days=400), valid_until=today - timedelta(days=30),
        status="active"), None)
    harvest = today - timedelta(days=10)
    assert history.validity_on(db.session, code, harvest).state == "expired"
    renewed = credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8802", issued_on=today - timedelta(days=400), valid_until=today + timedelta(days=700),
        status="active"), None, existing=code)
    assert renewed.valid_until == today + timedelta(days=700)
    assert history.validity_on(db.session, renewed, harvest).state == "expired"
    assert history.validity_on(db.session, renewed, today).state == "active"
    dates = list(db.session.scalars(select(CredentialEvent).where(CredentialEvent.planting_code_id == code.id,
                                                                  CredentialEvent.action == history.DATES)))
    assert [(e.valid_until_before, e.from_status, e.to_status) for e in dates] == [
        (today - timedelta(days=30), "active", "active")]
    # the same code saved again with the same dates records no date change
    credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8802", issued_on=today - timedelta(days=400), valid_until=today + timedelta(days=700),
        status="active"), None, existing=code)
    assert db.session.scalar(select(CredentialEvent.id).where(CredentialEvent.planting_code_id == code.id,
                                                              CredentialEvent.action == history.DATES)
                             .order_by(CredentialEvent.id.desc())) == dates[0].id


def test_a_renewal_with_a_new_issue_date_does_not_make_a_past_harvest_not_issued(session) -> None:
    """Issued 700 days ago, valid until 30 days ago; renewed today with a new paper issued today:
    a harvest of 100 days ago stays valid, one of 10 days ago expired (between the two papers)."""
    today = today_in_vietnam()
    club = make_org("club")
    code = credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8803", issued_on=today - timedelta(days=700), valid_until=today - timedelta(days=30),
        status="active"), None)
    renewed = credentials.save_planting_code(db.session, club, _code_input(
        "VN-DTOR-8803", issued_on=today, valid_until=today + timedelta(days=730), status="active"), None,
        existing=code)
    assert renewed.issued_on == today
    assert history.validity_on(db.session, renewed, today - timedelta(days=100)).state == "active"
    assert history.validity_on(db.session, renewed, today - timedelta(days=10)).state == "expired"
    assert history.validity_on(db.session, renewed, today - timedelta(days=701)).state == "not_issued"
    assert history.validity_on(db.session, renewed, today).state == "active"
    [event] = db.session.scalars(select(CredentialEvent).where(CredentialEvent.planting_code_id == code.id,
                                                               CredentialEvent.action == history.DATES))
    assert (event.issued_on_before, event.valid_until_before) == (today - timedelta(days=700),
                                                                  today - timedelta(days=30))
