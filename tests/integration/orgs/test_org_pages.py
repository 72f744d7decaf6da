"""The organisation page (what a buyer reads before calling) and its edit page (for the owner)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.dates import today_in_vietnam
from tests.clients import app_session, post, signed_in, text_of
from tests.factories import make_certificate, make_listing, make_org, make_planting_code, make_user
from tests.pages import refused_beside, verified_badges


def members_shown(text: str, words: str = "thành viên") -> str | None:
    """The members count as the page states it (in the fact whose label or value names members)."""
    for label, value in re.findall(r"<dt>([^<]*)</dt>\s*<dd>([^<]*)</dd>", text):
        if words in label.lower() or words in value.lower():
            return re.search(r"\d[\d.,]*", value).group(0)
    return None


def section(text: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by heading_id, or "" when the page has none."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', text, re.S)
    return match.group(1) if match else ""


@pytest.fixture
def coop(app):
    """A club that became a cooperative; the cooperative's director; its credentials and listings."""
    today = today_in_vietnam()
    with app_session(app) as session:
        club = make_org("club", name="Hội quán Xoài Mỹ Xương", members_count=45)
        cooperative = make_org("cooperative", name="HTX Xoài Mỹ Xương", founded_from=club,
                               founded_on=date(2021, 3, 15), members_count=120, tourism=True,
                               tourism_offer="Tham quan vườn xoài, hái xoài tại vườn", phone="0912345678")
        director = make_user(None, name="Lê Văn Giám")
        accounts.add_member(session, cooperative, director, "seller", "Giám đốc")
        member = make_user("seller", cooperative, name="Trần Thị Thành Viên")  # no title: not listed as leader
        session.commit()
        make_certificate(cooperative, "vietgap", "VietGAP-TT-13-09-68-0096", status="active")
        make_certificate(cooperative, "globalgap", "4063061000555", status="pending")
        make_certificate(cooperative, "organic", "TCVN-11041-0001", status="active",
                         issued_on=today - timedelta(days=400), expires_on=today - timedelta(days=1))
        make_certificate(cooperative, "ocop", "55/QD-UBND", stars=4, status="active")
        make_planting_code(cooperative, "VN-DTOR-0017", status="active", markets="CN")
        make_planting_code(cooperative, "VN-DTOR-0018", status="suspended")
        on_sale = make_listing(cooperative, "xoài", variety="cát Chu")
        draft = make_listing(cooperative, "khóm", publish=False)
        past = make_listing(cooperative, "quýt")
        session.get(type(past), past.id).available_to = today - timedelta(days=1)
        session.commit()
    return {"club": club, "coop": cooperative, "director": director, "member": member,
            "on_sale": on_sale, "draft": draft, "past": past}


def test_the_org_page_shows_what_a_buyer_needs(app, coop):
    text = text_of(app.test_client().get(f"/orgs/{coop['coop'].id}"))
    assert "<h1>HTX Xoài Mỹ Xương</h1>" in text
    assert members_shown(text) == "120"
    assert "Lê Văn Giám (Giám đốc)" in text
    assert "Trần Thị Thành Viên" not in text

    badges = verified_badges(text)
    assert "✓ VietGAP" in badges
    assert "✓ Mã số vùng trồng" in badges
    assert "OCOP ★★★★" in badges
    assert not any("GlobalGAP" in b for b in badges)  # pending
    assert not any("Hữu cơ" in b for b in badges)  # expired
    trust = section(text, "trust-heading")
    assert "4063061000555" in trust and "status-pending" in trust
    assert "TCVN-11041-0001" in trust and "status-expired" in trust
    assert "VN-DTOR-0018" in trust and "status-suspended" in trust

    on_sale = section(text, "listings-heading")
    assert f'/listings/{coop["on_sale"].id}"' in on_sale
    assert "Xoài cát Chu" in on_sale
    assert f'/listings/{coop["draft"].id}"' not in text
    assert f'/listings/{coop["past"].id}"' not in text

    tourism = section(text, "tourism-heading")
    assert "Tham quan vườn xoài, hái xoài tại vườn" in tourism

    assert "Thành lập từ" in text
    assert f'<a href="/orgs/{coop["club"].id}">Hội quán Xoài Mỹ Xương</a>' in text


def test_the_club_links_to_the_cooperative_it_became(app, coop):
    text = text_of(app.test_client().get(f"/orgs/{coop['club'].id}"))
    assert "Đã phát triển thành" in text
    assert f'<a href="/orgs/{coop["coop"].id}">HTX Xoài Mỹ Xương</a>' in text
    assert "Thành lập từ" not in text
    assert members_shown(text) == "45"
    assert not section(text, "tourism-heading")  # this club does not offer visits
    assert not section(text, "listings-heading")
    assert not verified_badges(text)


def test_the_page_is_in_english_on_request(app, coop):
    text = text_of(app.test_client().get(f"/orgs/{coop['coop'].id}?lang=en"))
    assert members_shown(text, "member") == "120"
    assert "Founded from" in text
    assert "Visit us" in text


def test_contact_details_are_for_signed_in_visitors(app, coop):
    anonymous = text_of(app.test_client().get(f"/orgs/{coop['coop'].id}"))
    assert "0912345678" not in anonymous
    with app_session(app):
        buyer = make_user("buyer")
    assert "tel:0912345678" in text_of(signed_in(app, buyer).get(f"/orgs/{coop['coop'].id}"))


def test_an_unknown_org_is_404(client):
    assert client.get("/orgs/999999").status_code == 404
    assert client.get("/api/v1/orgs/999999").status_code == 404


def test_the_owner_sees_edit_links_others_do_not(app, coop):
    org_id = coop["coop"].id
    owner_page = text_of(signed_in(app, coop["director"]).get(f"/orgs/{org_id}"))
    assert f"/orgs/{org_id}/edit" in owner_page
    assert f"/orgs/{org_id}/credentials" in owner_page
    assert f"/orgs/{org_id}/listings" in owner_page
    visitor_page = text_of(app.test_client().get(f"/orgs/{org_id}"))
    assert f"/orgs/{org_id}/edit" not in visitor_page
    assert f"/orgs/{org_id}/credentials" not in visitor_page


# Editing -------------------------------------------------------------------------------------

def profile(**overrides) -> dict:
    data = {"name": "HTX Xoài Mỹ Xương", "description": "Xoài cát Chu đạt chuẩn xuất khẩu.",
            "grows": "xoài cát Chu, xoài cát Hòa Lộc", "members_count": "130", "address": "Ấp 3, Mỹ Xương",
            "phone": "0912 345 678", "zalo": "", "email": "htx@example.test", "website": "",
            "tourism": "y", "tourism_offer": "Hái xoài tại vườn"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def stored(app, org_id) -> Organization:
    with app_session(app) as session:
        return session.get(Organization, org_id)


def test_the_owner_edits_the_page(app, coop):
    org_id = coop["coop"].id
    owner = signed_in(app, coop["director"])
    form = text_of(owner.get(f"/orgs/{org_id}/edit"))
    assert 'value="HTX Xoài Mỹ Xương"' in form
    assert 'value="120"' in form

    response = post(owner, f"/orgs/{org_id}/edit", profile(commune_code="29869", commune_query="Phường Cao Lãnh"))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/orgs/{org_id}")
    org = stored(app, org_id)
    assert (org.members_count, org.phone, org.grows, org.commune_code, org.tourism_offer) == \
        (130, "0912345678", "xoài cát Chu, xoài cát Hòa Lộc", "29869", "Hái xoài tại vườn")
    text = text_of(owner.get(f"/orgs/{org_id}"))
    assert members_shown(text) == "130"
    assert "Hái xoài tại vườn" in section(text, "tourism-heading")


def test_turning_tourism_off_hides_the_offer(app, coop):
    org_id = coop["coop"].id
    owner = signed_in(app, coop["director"])
    assert post(owner, f"/orgs/{org_id}/edit", profile(tourism=None)).status_code == 302
    assert stored(app, org_id).tourism is False
    assert not section(text_of(app.test_client().get(f"/orgs/{org_id}")), "tourism-heading")


PHONE_REFUSED = "Nhập số điện thoại Việt Nam"
# Each field of the profile and what is refused in it: (typed, the message beside it; "" where any
# words of ours will do).
BAD_PROFILE_FIELDS = {
    "phone": [("12345", PHONE_REFUSED), ("0912 345 678 999", PHONE_REFUSED)],
    "zalo": [("abc", PHONE_REFUSED)],
    "email": [("not-an-email", "")],
    "members_count": [("nhiều", "")],
    "name": [("   ", "")],
    "commune_query": [("Xã Không Có Thật", "")],
}


@pytest.mark.parametrize(("field", "typed", "message"), [
    (field, typed, message) for field, refused in BAD_PROFILE_FIELDS.items() for typed, message in refused])
def test_bad_values_are_refused_beside_the_field_and_kept(app, coop, field, typed, message):
    org_id = coop["coop"].id
    before = stored(app, org_id)
    owner = signed_in(app, coop["director"])
    data = profile(**{field: typed})
    if field == "commune_query":
        data["commune_code"] = ""  # a commune typed, none picked from the list
    text = refused_beside(post(owner, f"/orgs/{org_id}/edit", data), field, message)
    if data[field].strip():
        assert f'value="{data[field]}"' in text  # what was typed stays in the field
    assert 'value="Ấp 3, Mỹ Xương"' in text  # and so does everything else
    after = stored(app, org_id)
    assert (after.name, after.phone, after.zalo, after.email, after.members_count, after.address,
            after.description) == (before.name, before.phone, before.zalo, before.email, before.members_count,
                                   before.address, before.description)


@pytest.mark.parametrize("who", ["other_seller", "other_buyer", "staff", "member_of_the_club"])
def test_members_of_other_orgs_cannot_edit(app, coop, who):
    org_id = coop["coop"].id
    with app_session(app):
        user = {
            "other_seller": lambda: make_user("seller", make_org("club")),
            "other_buyer": lambda: make_user("buyer"),
            "staff": lambda: make_user("staff"),
            "member_of_the_club": lambda: make_user("seller", coop["club"]),  # the club, not the cooperative
        }[who]()
    client = signed_in(app, user)
    assert client.get(f"/orgs/{org_id}/edit").status_code == 403
    assert post(client, f"/orgs/{org_id}/edit", profile(name="Đã bị sửa")).status_code == 403
    assert stored(app, org_id).name == "HTX Xoài Mỹ Xương"


def test_a_visitor_is_sent_to_sign_in(app, coop):
    org_id = coop["coop"].id
    client = app.test_client()
    response = client.get(f"/orgs/{org_id}/edit")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    response = post(client, f"/orgs/{org_id}/edit", profile(name="Đã bị sửa"))
    assert response.status_code == 302
    assert stored(app, org_id).name == "HTX Xoài Mỹ Xương"


def test_any_member_without_a_title_can_edit_too(app, coop):
    org_id = coop["coop"].id
    client = signed_in(app, coop["member"])
    assert post(client, f"/orgs/{org_id}/edit", profile(members_count="140")).status_code == 302
    assert stored(app, org_id).members_count == 140


def test_unusual_digits_for_member_households_are_a_message_not_a_crash(app, club):
    org, chair = club
    response = post(signed_in(app, chair), f"/orgs/{org.id}/edit", {"name": org.name, "members_count": "²"})
    assert response.status_code == 422
