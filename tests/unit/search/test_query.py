"""Reading a search request from a query string: whatever is typed into the address bar or sent
to the API, a value that cannot be read is left out and reported under its parameter; nothing
raises."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from marketplace.search.query import MAX_PAGE, PER_PAGE, SearchRequest, read_request


def read(**args):
    return read_request(args)


def test_nothing_asked_is_the_default_request():
    request, problems = read_request({})
    assert problems == {}
    assert request == SearchRequest()
    assert (request.page, request.per_page, request.sort) == (1, PER_PAGE, "relevance")
    assert request.effective_sort == "newest"  # an empty box: the freshest first


def test_a_full_request_is_read():
    request, problems = read_request(MultiDict({
        "q": " xoài cát Chu ", "type": "listing", "category": "fruit", "commune": "30076",
        "certificate": "vietgap", "min_ocop": "4", "has_planting_code": "1",
        "available_from": "01/06/2027", "available_to": "2027-06-30", "price_min": "30k",
        "price_max": "45.000đ", "sort": "price", "page": "2"}))
    assert problems == {}
    assert request.q == "xoài cát Chu"
    assert (request.type, request.category, request.commune) == ("listing", "fruit", "30076")
    assert request.certificates == ("vietgap",)
    assert (request.min_ocop, request.has_planting_code) == (4, True)
    assert (request.available_from, request.available_to) == (date(2027, 6, 1), date(2027, 6, 30))
    assert (request.price_min, request.price_max) == (30_000, 45_000)
    assert (request.sort, request.effective_sort, request.page) == ("price", "price", 2)
    assert [w.folded for w in request.parsed.words] == ["xoai", "cat", "chu"]


@pytest.mark.parametrize("value, problem", [
    ("abc", "number"), ("2.0", "number"), ("1e3", "number"), ("", None), (" 3 ", None),
    ("0", "range"), ("-1", "range"), (str(MAX_PAGE + 1), "range"), ("9" * 40, "range"), (str(MAX_PAGE), None),
])
def test_bad_page(value, problem):
    request, problems = read(page=value)
    assert problems.get("page") == problem
    assert 1 <= request.page <= MAX_PAGE
    if problem:
        assert request.page == 1


@pytest.mark.parametrize("args, problems", [
    ({"available_from": "31/02/2027"}, {"available_from": "date"}),
    ({"available_to": "hôm qua"}, {"available_to": "date"}),
    ({"available_from": "0001-01-01"}, {"available_from": "date"}),
    ({"available_to": "31/12/9999"}, {"available_to": "date"}),
    ({"available_from": "99999-01-01"}, {"available_from": "date"}),
    ({"available_from": "2027-08-31", "available_to": "2027-08-01"}, {"available_to": "order"}),
    ({"available_from": "bad", "available_to": "also bad"}, {"available_from": "date", "available_to": "date"}),
])
def test_bad_dates(args, problems):
    request, found = read_request(args)
    assert found == problems
    assert request.available_to is None
    if "available_from" in problems:
        assert request.available_from is None


def test_reversed_dates_keep_the_start():
    request, problems = read(available_from="2027-08-31", available_to="2027-08-01")
    assert problems == {"available_to": "order"}
    assert request.available_from == date(2027, 8, 31)


@pytest.mark.parametrize("args, problems, low, high", [
    ({"price_min": "50k", "price_max": "10k"}, {"price_max": "order"}, 50_000, None),
    ({"price_min": "abc"}, {"price_min": "price"}, None, None),
    ({"price_min": "inf"}, {"price_min": "price"}, None, None),
    ({"price_max": "nan"}, {"price_max": "price"}, None, None),
    ({"price_min": "-5"}, {"price_min": "range"}, None, None),
    ({"price_min": "9" * 40}, {"price_min": "range"}, None, None),
    ({"price_max": "1e30"}, {"price_max": "range"}, None, None),
    ({"price_min": "0", "price_max": "1,2tr"}, {}, 0, 1_200_000),
    ({"price_min": "38.000đ", "price_max": "38000"}, {}, 38_000, 38_000),
])
def test_bad_and_odd_prices(args, problems, low, high):
    request, found = read_request(args)
    assert found == problems
    assert (request.price_min, request.price_max) == (low, high)


@pytest.mark.parametrize("name, value", [
    ("type", "shop"), ("type", "Listing"), ("sort", "cheapest"), ("sort", "PRICE"),
    ("min_ocop", "7"), ("min_ocop", "0"), ("min_ocop", "x"), ("commune", "abc"), ("commune", "3007"),
    ("commune", "300766"), ("commune", "3007\uff16"), ("commune", "3007\u0666"), ("certificate", "iso9001"),
])
def test_unknown_choices_are_reported_and_left_out(name, value):
    request, problems = read(**{name: value})
    assert set(problems) == {name}
    assert request == SearchRequest()


def test_a_known_certificate_is_kept_beside_an_unknown_one():
    request, problems = read(certificate="vietgap,iso9001")
    assert problems == {"certificate": "choice"}
    assert request.certificates == ("vietgap",)


def test_certificates_from_repeated_and_separated_values():
    args = MultiDict([("certificate", "VietGAP ; organic"), ("certificate", "vietgap"), ("certificate", "")])
    request, problems = read_request(args)
    assert problems == {}
    assert request.certificates == ("vietgap", "organic")


def test_ocop_as_a_certificate_is_not_a_problem_but_not_a_certificate():
    request, problems = read(certificate="ocop")
    assert problems == {}
    assert request.certificates == ()


def test_words_in_the_box_add_filters():
    request, problems = read(q="xoai vietgap ocop", certificate="organic")
    assert problems == {}
    assert request.certificates == ("organic", "vietgap")
    assert request.min_ocop == 3
    assert read(q="xoai ocop", min_ocop="5")[0].min_ocop == 5


def test_categories_are_checked_when_known():
    request, problems = read_request({"category": "weapons"}, categories={"fruit", "flower"})
    assert problems == {"category": "choice"}
    assert request.category is None
    assert read_request({"category": "fruit"}, categories={"fruit"})[0].category == "fruit"


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("có", True), ("on", True),
                                             ("0", False), ("nope", False), ("", False)])
def test_has_planting_code(value, expected):
    request, problems = read(has_planting_code=value)
    assert problems == {}
    assert request.has_planting_code is expected


@pytest.mark.parametrize("text", ["\x00\x01 xoai", "xoai \ud800", "🥭 xoai 🥭", "xoai\u200b", "xoai\n\t"])
def test_odd_unicode_in_the_box(text):
    request, problems = read(q=text)
    assert problems == {}
    assert [w.folded for w in request.parsed.words] == ["xoai"]


def test_decomposed_input_reads_as_composed():
    composed = read(q="Xoài cát Chu")[0]
    decomposed = read(q=unicodedata.normalize("NFD", "Xoài cát Chu"))[0]
    assert [(w.folded, w.accented) for w in decomposed.parsed.words] == [
        (w.folded, w.accented) for w in composed.parsed.words]


def test_a_huge_query_is_cut():
    request, problems = read(q="xoài " * 10_000)
    assert problems == {}
    assert len(request.q) <= 200


def test_values_that_are_not_strings_do_not_break_it():
    request, problems = read_request({"q": None, "page": None, "type": ["listing"], "min_ocop": 4})
    assert problems == {"type": "choice"}
    assert (request.q, request.page, request.min_ocop) == ("", 1, 4)


def test_every_problem_is_reported_at_once():
    _request, problems = read(page="x", sort="y", type="z", available_from="a", price_min="b", min_ocop="c",
                              commune="d", certificate="e")
    assert set(problems) == {"page", "sort", "type", "available_from", "price_min", "min_ocop", "commune",
                             "certificate"}


def test_active_filters_count_each_narrowing_once():
    request, _ = read_request({"q": "xoai vietgap", "category": "fruit", "available_from": "01/12/2026",
                               "available_to": "31/12/2026", "price_max": "40k"})
    assert request.active_filters == 4  # category, VietGAP (typed), the dates, the price range
    assert read_request({"q": "xoai"})[0].active_filters == 0
