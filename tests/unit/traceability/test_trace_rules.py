"""The trace address's pure rules: GS1 GTINs with their check digit, lot codes as read from a label,
the GS1 form matching lot and GTIN, and how many labels a sheet may hold."""

from __future__ import annotations

import pytest

from marketplace.traceability import trace_rules as rules


@pytest.mark.parametrize(("text", "expected"), [
    ("8934563138165", "08934563138165"),  # a real Vietnamese GTIN-13 (893 prefix)
    (" 8934563138165 ", "08934563138165"),
    ("08934563138165", "08934563138165"),
    ("96385074", "00000096385074"),  # GTIN-8
    ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
    ("10614141000415", "10614141000415"),  # GTIN-14
])
def test_a_gtin_is_written_as_its_14_digits(text, expected) -> None:
    assert rules.normalize_gtin(text) == expected


@pytest.mark.parametrize("forged", [
    "8934563138166",  # wrong check digit
    "8934563138156",  # two digits swapped
    "893456313816",  # a digit short: 12 digits whose check digit fails
    "89345631381650",  # 14 digits, wrong check digit
    "893456313816a", "", None, "123456789", "８９３４５６３１３８１６５", "8934563138165 1",
])
def test_a_forged_gtin_is_none(forged) -> None:
    assert rules.normalize_gtin(forged) is None


def test_the_check_digit() -> None:
    assert rules.gtin_check_digit("893456313816") == 5
    assert rules.gtin_check_digit("1061414100041") == 5


@pytest.mark.parametrize(("text", "expected"), [
    ("HQ-2026-0001", "HQ-2026-0001"), (" hq-2026-0001 ", "HQ-2026-0001"), ("hq%2D2026%2D0001", "HQ-2026-0001"),
    ("lot.7_a", "LOT.7_A"),
])
def test_a_lot_code_is_trimmed_upper_case_and_percent_decoded(text, expected) -> None:
    assert rules.normalize_lot_code(text) == expected


@pytest.mark.parametrize("bad", ["", "   ", None, "A" * 41, "HQ 01", "HQ/01", "<script>", "HQ%00", "---", "Mã-lô"])
def test_what_cannot_be_a_lot_code_is_none(bad) -> None:
    assert rules.normalize_lot_code(bad) is None


def test_the_gs1_form_must_name_the_lots_own_gtin() -> None:
    assert rules.gs1_matches("08934563138165", "8934563138165")
    assert rules.gs1_matches("08934563138165", "08934563138165")
    assert not rules.gs1_matches("08934563138165", "8934563138166")  # forged
    assert not rules.gs1_matches("08934563138165", "96385074")  # another product's GTIN
    assert not rules.gs1_matches("", "8934563138165")  # the lot has no GTIN: no GS1 address
    assert not rules.gs1_matches("", "")


@pytest.mark.parametrize(("text", "expected"), [
    (None, rules.DEFAULT_LABELS), ("", rules.DEFAULT_LABELS), ("5", 5), ("0", 1), ("100000", rules.MAX_LABELS),
    ("-3", rules.DEFAULT_LABELS), ("abc", rules.DEFAULT_LABELS), ("2.5", rules.DEFAULT_LABELS),
])
def test_label_count_is_bounded(text, expected) -> None:
    assert rules.label_count(text) == expected
