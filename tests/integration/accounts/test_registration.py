"""Sign-up: with an e-mail, a phone, a club; and errors shown beside the fields, nothing stored.
Sign-up signs nobody in (it must not tell whether the address had an account: see
test_registration_secrecy.py); the new account signs in with the sign-in form.

Data is set up and inspected in app_session blocks and requests are made outside them, so that
every request has its own app context (see tests.clients.app_session).
"""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from marketplace.accounts.models import Membership, Organization, User
from tests.clients import app_session, post
from tests.factories import PASSWORD


def register(client, path: str = "/register", **fields):
    data = {"name": "Nguyễn Thị Lan", "password": PASSWORD, "password_again": PASSWORD, **fields}
    return post(client, path, data)


def counts(app) -> tuple[int, int, int]:
    with app_session(app) as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (User, Organization, Membership))


def refused(app, client, path: str = "/register", **fields) -> str:
    """The page answering a sign-up that is refused (422), once checked that nothing was stored:
    sign-up is all or nothing, not even the user is kept."""
    before = counts(app)
    response = register(client, path, **fields)
    assert response.status_code == 422
    assert counts(app) == before
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str:
    """The text of the error paragraph tied to a field (id="<field>-error")."""
    start = page.index(f'id="{field_id}-error"')
    return html.unescape(page[page.index(">", start) + 1:page.index("</p>", start)])


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def signs_in(client, identifier: str) -> bool:
    """After a sign-up (which signs nobody in), the account signs in with what was typed."""
    assert not is_signed_in(client)
    return post(client, "/login", {"identifier": identifier, "password": PASSWORD}).status_code == 302 \
        and is_signed_in(client)


def test_sign_up_with_email_then_sign_in(app, client):
    response = register(client, email="Lan.Nguyen@Example.VN")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.email == "lan.nguyen@example.vn"))
        assert user is not None
        assert user.name == "Nguyễn Thị Lan"
        assert user.phone is None
        assert user.locale == "vi"
        assert PASSWORD not in user.password_hash
        assert user.memberships == []
    assert signs_in(client, "Lan.Nguyen@Example.VN")
    page = client.get("/account").get_data(as_text=True)
    assert "Nguyễn Thị Lan" in page
    assert "lan.nguyen@example.vn" in page


def test_sign_up_with_phone_only(app, client):
    response = register(client, phone="+84 912 000 111")
    assert response.status_code == 302
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.phone == "0912000111"))
        assert user is not None
        assert user.email is None
    assert signs_in(client, "+84 912 000 111")


def test_sign_up_in_english_keeps_the_locale(app, client):
    response = register(client, "/register?lang=en", email="lan.en@example.vn")
    assert response.status_code == 302
    with app_session(app) as session:
        assert session.scalar(select(User.locale).where(User.email == "lan.en@example.vn")) == "en"


def test_sign_up_with_a_club_picked_from_the_list(app, client):
    response = register(client, phone="0912000222", org_kind="club", org_name="Hội quán Nhãn Thử",
                        commune_code="30244", commune_query="Xã Phú Hựu, Đồng Tháp")
    assert response.status_code == 302
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.phone == "0912000222"))
        membership = session.scalars(select(Membership).where(Membership.user_id == user.id)).one()
        assert membership.role == "seller"
        org = membership.organization
        assert org.kind == "club"
        assert org.name == "Hội quán Nhãn Thử"
        assert org.commune_code == "30244"
        assert org.ref == "hoi-quan-nhan-thu"
        assert org.is_demo is False
    assert signs_in(client, "0912000222")
    assert "Hội quán Nhãn Thử" in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(("typed", "code"), [
    ("phu huu dong thap", "30244"),
    ("xa ngu hiep", "28516"),
    ("phuong cao lanh", "29869"),
    ("Phuong Sa Dec", "29905"),
    ("Xã Mỹ Thọ", "30076"),
])
def test_sign_up_with_a_commune_typed_without_the_picker(app, client, typed, code):
    email = f"club-{code}@example.vn"
    response = register(client, email=email, org_kind="cooperative", org_name="HTX Thử", commune_query=typed)
    assert response.status_code == 302
    with app_session(app) as session:
        org = session.scalar(select(Organization).join(Membership).join(User).where(User.email == email))
        assert org.commune_code == code
        assert org.memberships[0].role == "seller"


@pytest.mark.parametrize(("kind", "role"), [("supermarket", "buyer"), ("exporter", "buyer"),
                                            ("trader", "buyer"), ("coop_group", "seller")])
def test_role_follows_the_kind_of_organisation(app, client, kind, role):
    response = register(client, email=f"{kind}@example.vn", org_kind=kind, org_name="Tổ chức thử")
    assert response.status_code == 302
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.email == f"{kind}@example.vn"))
        assert [(m.role, m.organization.kind) for m in user.memberships] == [(role, kind)]


def test_validation_errors_are_shown_beside_the_fields_and_nothing_is_stored(app, client):
    page = refused(app, client, name="Trần Văn Bảy", email="bay@", phone="12345",
                   password="short", password_again="short", org_kind="club",  # noqa: S106
                   org_name="Hội quán Bảy")
    assert field_error(page, "email") == "Đây không phải địa chỉ email."
    assert field_error(page, "phone") == "Nhập số điện thoại Việt Nam, ví dụ 0912 345 678."
    assert "Dùng ít nhất 10 ký tự." in field_error(page, "password")
    assert 'aria-invalid="true"' in page
    assert "Một số ô chưa đúng" in page
    # What was typed comes back, except passwords.
    assert 'value="Trần Văn Bảy"' in page
    assert 'value="bay@"' in page
    assert 'value="12345"' in page
    assert 'value="Hội quán Bảy"' in page
    assert '<option selected value="club">' in page
    assert 'value="short"' not in page
    assert not is_signed_in(client)


def test_mismatched_passwords(app, client):
    page = refused(app, client, email="mismatch@example.vn", password_again="another-password-1")  # noqa: S106
    assert field_error(page, "password_again") == "Hai mật khẩu không giống nhau."


def test_missing_name(app, client):
    page = refused(app, client, name="", email="noname-person@example.vn")
    assert field_error(page, "name") == "Vui lòng điền ô này."


def test_neither_email_nor_phone(app, client):
    page = refused(app, client)
    assert field_error(page, "email") == "Hãy nhập email hoặc số điện thoại."


def test_messages_in_english(app, client):
    page = refused(app, client, "/register?lang=en", email="bay@")
    assert field_error(page, "email") == "This is not an e-mail address."
    assert 'lang="en"' in page


def test_password_containing_the_phone_number_is_refused(app, client):
    weak = "pw0912000333!"
    page = refused(app, client, phone="0912000333", password=weak, password_again=weak)
    assert field_error(page, "password") == (
        "Đừng dùng email hay số điện thoại trong mật khẩu.")


def test_commune_that_names_nothing_is_an_error_and_nothing_is_stored(app, client):
    page = refused(app, client, email="nocommune@example.vn", org_kind="club", org_name="Hội quán X",
                   commune_query="khong co xa nay")
    assert field_error(page, "commune_query") == "Chọn xã/phường trong danh sách."
    assert 'value="khong co xa nay"' in page
    assert not is_signed_in(client)


def test_ambiguous_commune_text_is_not_guessed(app, client):
    refused(app, client, email="ambiguous@example.vn", org_kind="club", org_name="Hội quán Y",
            commune_query="phu huu")  # Đồng Tháp, An Giang and Cần Thơ all have one


def test_unknown_commune_code_is_an_error(app, client):
    refused(app, client, email="badcode@example.vn", org_kind="club", org_name="Hội quán Z",
            commune_code="99999")


def test_organisation_name_required_when_kind_chosen(app, client):
    page = refused(app, client, email="noname@example.vn", org_kind="club")
    assert field_error(page, "org_name") == "Nhập tên tổ chức."


@pytest.mark.parametrize("kind", ["agency", "farm"])
def test_kinds_not_offered_at_sign_up_are_refused(app, client, kind):
    page = refused(app, client, email=f"{kind}-kind@example.vn", org_kind=kind, org_name="Cơ quan thử")
    assert field_error(page, "org_kind")


def test_signed_in_person_is_sent_home_from_sign_up(app, client):
    assert register(client, email="already@example.vn").status_code == 302
    assert signs_in(client, "already@example.vn")
    response = client.get("/register")
    assert response.status_code == 302
