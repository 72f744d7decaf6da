"""Sign-up does not tell whether an e-mail address or phone number already has an account (issue
#14): the answer to a valid form is the same redirect, the same words and the same cost whether the
identifier was free (an account is made) or taken (nothing is made; an address's owner is told by
mail, a phone number's owner cannot be). Nobody is signed in either way.

Data is set up and inspected in app_session blocks and requests are made outside them (see
tests.clients.app_session).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from marketplace.accounts import services as account_services
from marketplace.accounts.models import Membership, Organization, User
from marketplace.accounts.views import SIGN_UP_MAIL_EVERY
from marketplace.notifications import delivery
from marketplace.notifications.models import OutgoingMail
from tests.clients import app_session, post, text_of
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "another-long-password-7"  # noqa: S105 - the one typed at sign-up, not the owner's


def sign_up(app, lang: str = "", **fields):
    """A new browser sends the sign-up form; (its client, the response to the POST)."""
    client = app.test_client()
    data = {"name": "Lê Văn Tám", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD,
            "org_kind": "club", "org_name": "Hội quán Tám", **fields}
    return client, post(client, f"/register{lang}", data)


def answer(app, identifier: str, lang: str = "", **fields) -> tuple[int, str, str]:
    """What the person sees after sending the form: the status, where it sends them, and the page
    there (its words, with the identifier typed and the session's CSRF token taken out)."""
    client, response = sign_up(app, lang, **fields)
    page = text_of(client.get(response.headers.get("Location", "/none")))
    page = re.sub(r'content="[^"]+"', 'content=""', page.replace(identifier.strip(), "«typed»"))
    page = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)
    return response.status_code, response.headers.get("Location", ""), page


def counts(app) -> tuple[int, int, int, int]:
    with app_session(app) as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (User, Organization, Membership, OutgoingMail))


def owner(app, **identifier) -> None:
    with app_session(app):
        make_user("seller", name="Chủ Tài Khoản", **identifier)


@pytest.mark.parametrize(("taken", "free", "field"), [
    ("0900 000 002", "0900 000 003", "phone"),
    ("+84900000002", "+84900000003", "phone"),
    ("0900.000.002", "0900.000.003", "phone"),
    ("OWNER@Example.VN", "NEWCOMER@Example.VN", "email"),
])
@pytest.mark.parametrize("lang", ["", "?lang=en"])
def test_a_taken_identifier_gets_the_same_answer_as_a_free_one(app, taken, free, field, lang):
    owner(app, phone="0900000002") if field == "phone" else owner(app, email="owner@example.vn")
    before = counts(app)
    taken_answer = answer(app, taken, lang, **{field: taken})
    assert counts(app)[:3] == before[:3], "a taken identifier made something"
    free_answer = answer(app, free, lang, **{field: free})
    assert counts(app)[:3] == (before[0] + 1, before[1] + 1, before[2] + 1)

    assert taken_answer == free_answer
    status, location, page = free_answer
    assert (status, location) == (302, "/login")
    words = ("Now sign in with «typed» and the password you have just chosen" if lang else
             "Bây giờ hãy đăng nhập bằng «typed» và mật khẩu bạn vừa đặt")
    assert words in page
    assert 'value="«typed»"' in page  # the sign-in form is filled in
    assert "already exists" not in page and "đã có tài khoản." not in page


def test_the_owner_of_a_taken_address_is_mailed_once_and_nothing_else_changes(app, outbox):
    with app_session(app):
        make_user("buyer", email="owner@example.vn", name="Chủ Tài Khoản")
    before = counts(app)
    sign_up(app, email="Owner@Example.VN")
    assert counts(app) == (*before[:3], before[3] + 1)
    sign_up(app, email="OWNER@example.vn", phone="0900000099")  # again, within the hour: no second mail
    assert counts(app) == (*before[:3], before[3] + 1)

    with app_session(app) as session:
        delivery.deliver_due(session, commit=session.commit)
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == "owner@example.vn"
    assert mail.subject == "Có người vừa thử đăng ký bằng địa chỉ email của bạn"
    assert "Chủ Tài Khoản" in mail.body
    assert "http://localhost/login" in mail.body and "http://localhost/password/forgot" in mail.body
    assert "mail-settings" not in mail.body  # a security notice, not one of the notices a person turns off
    # The owner keeps their account and password; the password typed at sign-up opens nothing.
    assert post(app.test_client(), "/login", {"identifier": "owner@example.vn", "password": NEW_PASSWORD}
                ).status_code == 422  # refused
    assert post(app.test_client(), "/login", {"identifier": "owner@example.vn", "password": PASSWORD}
                ).status_code == 302


def test_the_owner_is_mailed_in_their_own_language(app, outbox):
    with app_session(app) as session:
        user = make_user(None, email="english@example.vn")
        session.get(User, user.id).locale = "en"
        session.commit()
    sign_up(app, email="english@example.vn")  # sent from a Vietnamese page
    with app_session(app) as session:
        delivery.deliver_due(session, commit=session.commit)
    assert [mail.subject for mail in outbox] == ["Someone tried to sign up with your address"]


def test_the_owner_is_mailed_again_after_an_hour(app):
    owner(app, email="owner@example.vn")
    sign_up(app, email="owner@example.vn")
    with app_session(app) as session:
        mail = session.scalars(select(OutgoingMail)).one()
        mail.created_at -= SIGN_UP_MAIL_EVERY
        session.commit()
    sign_up(app, email="owner@example.vn")
    assert counts(app)[3] == 2


def test_a_taken_phone_number_sends_nothing_and_makes_nothing(app, outbox):
    owner(app, phone="0900000002")
    before = counts(app)
    sign_up(app, phone="+84 900 000 002", email="someone-new@example.vn")
    assert counts(app) == before  # not the account, nor its club, nor any mail
    with app_session(app) as session:
        assert session.scalar(select(User).where(User.email == "someone-new@example.vn")) is None
        delivery.deliver_due(session, commit=session.commit)
    assert outbox == []


def test_a_free_identifier_sends_no_mail_and_the_new_account_signs_in(app, outbox):
    client, response = sign_up(app, phone="0900 000 005")
    assert response.status_code == 302
    assert client.get("/account").status_code == 302  # not signed in by sign-up
    login_page = client.get("/login").get_data(as_text=True)
    assert 'value="0900 000 005"' in login_page  # the sign-in form waits with the number typed
    assert 'value="0900 000 005"' not in client.get("/login").get_data(as_text=True)  # once
    assert post(client, "/login", {"identifier": "+84900000005", "password": NEW_PASSWORD}).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "Lê Văn Tám" in page and "Hội quán Tám" in page
    assert counts(app)[3] == 0 and outbox == []


def test_other_problems_are_still_shown_with_a_taken_identifier(app):
    owner(app, email="owner@example.vn")
    before = counts(app)
    client, response = sign_up(app, email="OWNER@example.vn", password="short", password_again="short")  # noqa: S106
    assert response.status_code == 422
    page = text_of(response)
    assert "Dùng ít nhất 10 ký tự." in page
    assert 'value="OWNER@example.vn"' in page and 'value="Hội quán Tám"' in page
    assert "đã có tài khoản" not in page
    assert counts(app) == before  # and no mail: the form was not sent as valid


@pytest.mark.parametrize("taken", [True, False])
def test_both_ways_hash_the_password_once(app, monkeypatch, taken):
    owner(app, email="owner@example.vn")
    hashed: list[str] = []
    real = account_services.hash_password
    monkeypatch.setattr(account_services, "hash_password", lambda text: hashed.append(text) or real(text))
    _client, response = sign_up(app, email="owner@example.vn" if taken else "someone-else@example.vn")
    assert response.status_code == 302
    assert hashed == [NEW_PASSWORD]


def test_a_sign_up_that_loses_the_race_for_its_address_answers_like_a_taken_one(app, monkeypatch, outbox):
    """Two sign-ups with one address at the same moment (PostgreSQL lets both read it as free): the
    second's insert meets the unique key; it creates nothing, tells the owner, and answers like
    any other sign-up (no 500)."""
    owner(app, email="owner@example.vn")
    before = counts(app)
    real, reads = account_services._holder, []

    def read_before_the_other_committed(db, column, value):
        reads.append(value)
        return None if len(reads) <= 2 else real(db, column, value)  # both checks saw it free

    monkeypatch.setattr(account_services, "_holder", read_before_the_other_committed)
    status, location, _page = answer(app, "owner@example.vn", email="owner@example.vn")
    assert (status, location) == (302, "/login")
    assert len(reads) == 3  # the e-mail and phone checks, then the owner looked up after the refusal
    assert counts(app) == (*before[:3], before[3] + 1)  # nothing made; the owner's mail queued
