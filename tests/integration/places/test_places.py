"""Administrative units as loaded from vietnamadminunits, and how forms and the picker find them."""

from __future__ import annotations

import unicodedata

import pytest
from sqlalchemy import func, select

from marketplace.places.models import Commune, PlaceSource, Province
from marketplace.places.services import resolve_commune, search_communes

# The examples in docs/product.md: post-2025 official codes in the new Đồng Tháp (82).
PRODUCT_MD_COMMUNES = {
    "29869": "Phường Cao Lãnh",
    "30244": "Xã Phú Hựu",
    "29905": "Phường Sa Đéc",
    "30235": "Xã Phong Hòa",
    "30037": "Xã Tháp Mười",
    "28516": "Xã Ngũ Hiệp",
    "30076": "Xã Mỹ Thọ",
}


def test_there_are_34_provinces(session):
    assert session.scalar(select(func.count()).select_from(Province)) == 34


def test_there_are_3321_communes(session):
    assert session.scalar(select(func.count()).select_from(Commune)) == 3321


def test_dong_thap_has_102_communes_and_wards(session):
    province = session.get(Province, "82")
    assert province is not None
    assert province.short_name == "Đồng Tháp"
    count = session.scalar(select(func.count()).select_from(Commune).where(Commune.province_code == "82"))
    assert count == 102


@pytest.mark.parametrize(("code", "name"), sorted(PRODUCT_MD_COMMUNES.items()))
def test_product_md_communes_have_their_codes(session, code, name):
    commune = session.get(Commune, code)
    assert commune is not None
    assert commune.name == name
    assert commune.province_code == "82"
    assert commune.label == f"{name}, Đồng Tháp"


def test_every_commune_has_a_folded_search_key(session):
    missing = session.scalar(select(func.count()).select_from(Commune).where(
        (Commune.search_key == "") | Commune.search_key.is_(None)))
    assert missing == 0
    assert session.get(Commune, "30244").search_key == "xa phu huu dong thap"


def test_place_source_names_the_package(session):
    source = session.scalars(select(PlaceSource)).one()
    assert source.package == "vietnamadminunits"
    assert source.licence == "MIT"
    assert source.version
    assert (source.provinces, source.communes) == (34, 3321)
    assert source.loaded_at is not None


@pytest.mark.parametrize("query", ["phu huu", "Phú Hựu", "PHU HUU", "xa phu huu", "phú hựu đồng tháp"])
def test_search_finds_phu_huu_first(session, query):
    results = search_communes(session, query)
    assert results
    assert results[0].code == "30244"


def test_search_prefers_the_home_province(session):
    results = search_communes(session, "phu", limit=50)
    provinces = [c.province_code for c in results]
    assert provinces[0] == "82"
    # Đồng Tháp first, then the rest: once another province appears, 82 does not come back.
    first_other = next(i for i, p in enumerate(provinces) if p != "82")
    assert "82" not in provinces[first_other:]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "zzzz qqqq"])
def test_search_with_nothing_useful_finds_nothing(session, query):
    assert search_communes(session, query) == []


def test_search_respects_the_limit(session):
    assert len(search_communes(session, "xa", limit=3)) == 3


@pytest.mark.parametrize(("code", "text", "expected"), [
    ("30244", None, "30244"),
    ("30244", "something else", "30244"),  # the picker's code wins over the typed text
    (" 30244 ", None, "30244"),
    ("9999", None, None),
    ("", "Xã Phú Hựu, Đồng Tháp", "30244"),
    (None, "Xã Phú Hựu", "30244"),
    (None, "xã phú hựu", "30244"),
    (None, "Xã Phú Hữu, An Giang", "30352"),
    (None, "Xã Phú Hữu", None),  # Cần Thơ has one too
    (None, "phu huu dong thap", "30244"),
    (None, "xa phu huu dong thap", "30244"),
    (None, "phu huu", None),  # Phú Hựu (Đồng Tháp) or Phú Hữu (An Giang, Cần Thơ): do not guess
    (None, "xa phu huu", None),
    (None, "Phuong Cao Lanh", "29869"),
    (None, "xa my tho dong thap", "30076"),
    ("abc", "xa ngu hiep", "28516"),
    (None, "zzzz", None),
    (None, None, None),
    ("", "", None),
])
def test_resolve_commune(session, code, text, expected):
    found = resolve_commune(session, code, text)
    assert (found.code if found else None) == expected


def test_resolve_commune_does_not_guess_between_several(session):
    # "xa" names hundreds of communes: no single answer.
    assert resolve_commune(session, None, "xa") is None


def test_picker_endpoint_returns_phu_huu_first(client):
    response = client.get("/places/communes?q=phu huu")
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results[0] == {"code": "30244", "name": "Xã Phú Hựu", "province": "Đồng Tháp",
                          "label": "Xã Phú Hựu, Đồng Tháp"}
    assert "public" in response.headers["Cache-Control"]


def test_picker_endpoint_without_query_is_empty(client):
    assert client.get("/places/communes").get_json() == {"results": []}


def test_picker_endpoint_returns_at_most_ten(client):
    assert len(client.get("/places/communes?q=xa").get_json()["results"]) == 10


def test_resolve_commune_from_decomposed_text(session):
    typed = unicodedata.normalize("NFD", "Xã Phú Hựu")
    assert resolve_commune(session, None, typed).code == "30244"
    assert search_communes(session, typed)[0].code == "30244"
