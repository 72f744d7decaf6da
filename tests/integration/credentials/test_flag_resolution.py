"""Staff resolve a code-borrowing flag with a note (issue #19): "borrowing confirmed" suspends the
holder's code through the credentials service (its listings re-indexed, as suspending does), "a
mistake" clears it; resolved flags leave the open list and stay in its history; resolving twice
tells the second staff member it is done."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.changes.models import SearchOutbox
from marketplace.credentials import services as credentials
from marketplace.credentials.models import CodeClaimFlag, CredentialEvent, PlantingCode
from marketplace.errors import ValidationError
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_club, make_listing, make_org, make_planting_code, make_user


@pytest.fixture
def flagged(app):
    """The cooperative holds VN-DTOR-0017 (on a listing); a club tried to enter it as its own."""
    with app_session(app) as session:
        holder = make_org("cooperative", name="HTX Xoài Tịnh Thới")
        code = make_planting_code(holder, "VN-DTOR-0017", status="active", crop="xoài")
        listing = make_listing(holder, planting_codes=[code])
        claimant, chair = make_club("Hội quán Mượn Mã")
        staff = make_user("staff", name="Lý Thị Thu")
        flag = CodeClaimFlag(code="VN-DTOR-0017", holder_id=holder.id, claimant_id=claimant.id, claimed_by_id=chair.id)
        session.add(flag)
        session.commit()
        return {"flag": flag.id, "code": code.id, "listing": listing.id, "holder": holder.id, "staff": staff}


def resolve(client, flag_id: int, resolution: str, note: str):
    return post(client, f"/staff/credentials/flags/{flag_id}", {"resolution": resolution, "note": note})


def test_borrowing_confirmed_suspends_the_holders_code_with_the_note(app, flagged):
    staff = signed_in(app, flagged["staff"])
    with app_session(app) as session:
        outbox_before = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1)) or 0
    response = resolve(staff, flagged["flag"], "confirmed", "  HTX cho hội quán mượn mã, đã xác nhận qua điện thoại ")
    assert response.status_code == 302
    with app_session(app) as session:
        flag = session.get(CodeClaimFlag, flagged["flag"])
        assert (flag.resolution, flag.resolved_by_id, flag.note) == (
            "confirmed", flagged["staff"].id, "HTX cho hội quán mượn mã, đã xác nhận qua điện thoại")
        assert flag.resolved_at is not None
        code = session.get(PlantingCode, flagged["code"])
        assert (code.status, code.status_reason) == ("suspended", "HTX cho hội quán mượn mã, đã xác nhận qua điện thoại")
        event = session.scalars(select(CredentialEvent).where(CredentialEvent.planting_code_id == code.id)
                                .order_by(CredentialEvent.id.desc())).first()
        assert (event.action, event.actor_id) == ("suspend", flagged["staff"].id)
        # Suspending is recorded for the search index: the holder's page and listings are re-read.
        changed = set(session.execute(select(SearchOutbox.entity, SearchOutbox.entity_id)
                                      .where(SearchOutbox.id > outbox_before)).all())
        assert ("org", flagged["holder"]) in changed
    queue = text_of(staff.get("/staff/credentials"))
    assert f'data-testid="flag-{flagged["flag"]}"' not in queue  # no longer open
    assert "đúng là mượn mã" in queue and "đã xác nhận qua điện thoại" in queue  # in the history


def test_a_mistake_clears_the_flag_and_leaves_the_code(app, flagged):
    staff = signed_in(app, flagged["staff"])
    assert resolve(staff, flagged["flag"], "cleared", "Gõ nhầm mã").status_code == 302
    with app_session(app) as session:
        flag = session.get(CodeClaimFlag, flagged["flag"])
        assert (flag.resolution, flag.note) == ("cleared", "Gõ nhầm mã")
        assert session.get(PlantingCode, flagged["code"]).status == "active"


def test_a_note_is_required_and_nothing_is_stored_without_it(app, flagged):
    staff = signed_in(app, flagged["staff"])
    response = resolve(staff, flagged["flag"], "confirmed", "   ")
    assert response.status_code == 302
    assert "Ghi chú lý do" in text_of(staff.get("/staff/credentials"))
    resolve(staff, flagged["flag"], "maybe", "ghi chú")
    with app_session(app) as session:
        assert session.get(CodeClaimFlag, flagged["flag"]).resolved_at is None
        assert session.get(PlantingCode, flagged["code"]).status == "active"


def test_resolving_twice_tells_the_second_it_is_done(app, flagged):
    staff = signed_in(app, flagged["staff"])
    resolve(staff, flagged["flag"], "cleared", "Nhầm")
    resolve(staff, flagged["flag"], "confirmed", "Mượn mã")
    assert "đã được một cán bộ khác xử lý" in text_of(staff.get("/staff/credentials"))
    with app_session(app) as session:
        assert session.get(CodeClaimFlag, flagged["flag"]).resolution == "cleared"
        assert session.get(PlantingCode, flagged["code"]).status == "active"
        with pytest.raises(ValidationError):
            credentials.resolve_flag(session, session.get(CodeClaimFlag, flagged["flag"]), "confirmed", "x",
                                     flagged["staff"])


def test_only_staff_resolve_flags(app, flagged):
    with app_session(app):
        _club, chair = make_club()
    assert resolve(signed_in(app, chair), flagged["flag"], "cleared", "x").status_code == 403
    assert resolve(signed_in(app, flagged["staff"]), 999999, "cleared", "x").status_code == 404
