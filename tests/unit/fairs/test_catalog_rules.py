"""Pure catalog rules: an entry's state from its listing's facts, which credentials count on a
day, reading the filters, matching them, sources of a listing link, the content hash, slugs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.fairs import catalog_rules as rules

TODAY = date.today()


@pytest.mark.parametrize(("status", "until", "left", "state"), [
    ("published", TODAY + timedelta(days=5), 100, "on_sale"),
    ("published", TODAY + timedelta(days=5), 0, "sold_out"),
    ("sold_out", TODAY + timedelta(days=5), 100, "sold_out"),
    ("paused", TODAY + timedelta(days=5), 100, "paused"),
    ("published", TODAY - timedelta(days=1), 100, "expired"),
    ("paused", TODAY - timedelta(days=1), 100, "expired"),
    ("draft", TODAY + timedelta(days=5), 100, "withdrawn"),
    ("published", TODAY, 1, "on_sale"),  # the last day still counts
])
def test_entry_state_from_the_listing_as_it_is_today(status, until, left, state):
    assert rules.entry_state(status, until, left, TODAY) == state


def test_an_entry_without_a_listing_is_the_organisation_alone():
    assert rules.entry_state(None, None, None, TODAY) == "organisation"


@pytest.mark.parametrize(("status", "until", "kwargs", "valid"), [
    ("active", TODAY + timedelta(days=1), {}, True),
    ("active", TODAY, {}, True),
    ("active", TODAY - timedelta(days=1), {}, False),  # expired yesterday
    ("active", None, {}, True),
    ("pending", TODAY + timedelta(days=300), {}, False),  # not verified by staff
    ("suspended", TODAY + timedelta(days=300), {}, False),
    ("revoked", None, {}, False),
    ("active", None, {"stars": 4, "cert_type": "ocop"}, True),
    ("active", None, {"stars": 2, "cert_type": "ocop"}, False),  # below three stars is no rating
])
def test_which_credentials_count_on_a_day(status, until, kwargs, valid):
    assert rules.credential_counts(status, until, TODAY, **kwargs) is valid


def test_reading_the_filters_keeps_only_the_catalogs_own_choices():
    args = MultiDict([("section", "12"), ("ocop", "4"), ("cert", "vietgap"), ("cert", "globalgap"),
                      ("cert", "made-up"), ("code", "1"), ("commune", "30244")])
    chosen = rules.read_filter(args, sections=[12, 13], communes=["30244"])
    assert chosen == rules.CatalogFilter(section=12, ocop=4, certificates=("vietgap", "globalgap"),
                                         growing_area=True, commune="30244")
    assert chosen.active
    stale = rules.read_filter(MultiDict([("section", "99"), ("ocop", "7"), ("commune", "00000"),
                                         ("section", "x")]), sections=[12], communes=["30244"])
    assert stale == rules.CatalogFilter() and not stale.active
    assert rules.read_filter({"ocop": "３"}, [], []).ocop is None  # only ASCII digits


def test_matching_each_filter():
    mango = rules.EntryFacts(section_id=1, commune_code="30244", ocop_stars=4,
                             certificate_types=frozenset({"vietgap", "ocop", "growing_area"}), growing_area=True)
    plain = rules.EntryFacts(section_id=2, commune_code="30235", ocop_stars=None)
    assert rules.matches(mango, rules.CatalogFilter()) and rules.matches(plain, rules.CatalogFilter())
    assert rules.matches(mango, rules.CatalogFilter(ocop=4)) and not rules.matches(mango, rules.CatalogFilter(ocop=5))
    assert not rules.matches(plain, rules.CatalogFilter(ocop=3))
    assert rules.matches(mango, rules.CatalogFilter(certificates=("vietgap",)))
    assert not rules.matches(mango, rules.CatalogFilter(certificates=("vietgap", "globalgap")))
    assert rules.matches(mango, rules.CatalogFilter(growing_area=True))
    assert not rules.matches(plain, rules.CatalogFilter(growing_area=True))
    assert rules.matches(plain, rules.CatalogFilter(section=2, commune="30235"))
    assert not rules.matches(plain, rules.CatalogFilter(section=1))


@pytest.mark.parametrize(("text", "read"), [
    ("fair-12", ("fair", 12)), ("catalog-3", ("catalog", 3)), (" fair-7 ", ("fair", 7)),
    ("fair-0", None), ("fair-", None), ("fair-1x", None), ("shop-1", None), ("", None), (None, None),
    ("fair-12345678901", None),
])
def test_reading_the_source_of_a_listing_link(text, read):
    assert rules.read_source(text) == read


def test_a_fair_catalog_links_with_the_fair_a_standing_one_with_itself():
    assert rules.source_of(3, 12) == "fair-12" and rules.source_of(3, None) == "catalog-3"


def test_the_content_hash_is_stable_and_changes_with_any_content():
    base = ("vi", 1, [("Xoài", date(2027, 6, 1), {"b": 1, "a": [1, 2]}, frozenset({"x", "y"}))])
    same = ("vi", 1, [("Xoài", date(2027, 6, 1), {"a": [1, 2], "b": 1}, frozenset({"y", "x"}))])
    assert rules.content_hash(*base) == rules.content_hash(*same)
    assert len(rules.content_hash(*base)) == 24
    assert rules.content_hash(*base) != rules.content_hash("en", *base[1:])
    assert rules.content_hash("vi", 1, ["Xoài"]) != rules.content_hash("vi", 1, ["Xoai"])  # a diacritic counts
    facts = rules.EntryFacts(section_id=1, commune_code=None, ocop_stars=4)
    assert rules.content_hash(facts) != rules.content_hash(rules.EntryFacts(1, None, 5))


def test_slugs_from_titles_made_unique():
    assert rules.catalog_slug("Sản phẩm OCOP Đồng Tháp", []) == "san-pham-ocop-dong-thap"
    assert rules.catalog_slug("Sản phẩm OCOP Đồng Tháp", ["san-pham-ocop-dong-thap"]) == "san-pham-ocop-dong-thap-2"
    assert rules.catalog_slug("!!!", []) == "catalog"
    assert len(rules.catalog_slug("Xoài " * 60, [])) <= 100


def test_text_search_with_accents_optional():
    assert rules.text_matches("xoai cat hoa loc", "Xoài cát Hòa Lộc", "Hội quán Mỹ Xương")
    assert rules.text_matches("Mỹ Xương xoài", "Xoài cát Hòa Lộc", "Hội quán Mỹ Xương")
    assert rules.text_matches("dong thap", "Sản phẩm Đồng Tháp")
    assert not rules.text_matches("buoi", "Xoài cát Hòa Lộc")


def test_moving_one_place():
    assert rules.moved([1, 2, 3], 2, -1) == [2, 1, 3]
    assert rules.moved([1, 2, 3], 2, 1) == [1, 3, 2]
    assert rules.moved([1, 2, 3], 1, -1) == [1, 2, 3] and rules.moved([1, 2, 3], 3, 1) == [1, 2, 3]
    assert rules.moved([1, 2, 3], 9, 1) == [1, 2, 3]


def test_checking_texts():
    assert rules.check_texts({"title": " ", "note": "x" * 1001, "title_en": "ok"}) == {
        "title": "required", "note": "too_long"}
    assert rules.check_texts({"title": "Sen", "cover_text": "x" * 4000}) == {}
