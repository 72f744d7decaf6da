"""The pure rules of lots: codes generated and typed, GTINs, the order of events, corrections and
what a split or a packing may take from its sources."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from marketplace.traceability import lot_rules as rules
from marketplace.traceability.lot_rules import Corrected

TODAY = date.today()


def test_a_generated_code_is_short_printable_and_unambiguous():
    code = rules.generate_code("DT", date(2025, 12, 7), choose=lambda alphabet: alphabet[5])
    assert code == "DT-2512-" + rules.ALPHABET[5] * 5
    chooser = random.Random(18)
    for _ in range(200):
        code = rules.generate_code("dt", TODAY, chooser.choice)
        assert rules.GENERATED_PATTERN.fullmatch(code)
        assert not set(code.split("-")[2]) & set("0O1I")
        assert rules.check_code(code) is None


def test_the_rules_draw_no_random_of_their_own():
    assert not {"secrets", "random"} & set(vars(rules))  # the service passes the chooser in
    with pytest.raises(TypeError):
        rules.generate_code("DT", TODAY)  # type: ignore[call-arg]


@pytest.mark.parametrize(("text", "prefix"), [("DT", "DT"), ("Đồng Tháp", "NGTH"), ("", "LO"), ("12", "LO"),
                                              ("ab", "AB")])
def test_the_prefix_is_a_few_ascii_letters(text, prefix):
    assert rules.code_prefix(text) == prefix


@pytest.mark.parametrize("typed", [" lo-12 ", "LO-12", "lo-12"])
def test_a_typed_code_is_trimmed_and_upper_cased(typed):
    assert rules.normalise_code(typed) == "LO-12"
    assert rules.check_code(rules.normalise_code(typed)) is None


@pytest.mark.parametrize(("code", "problem"), [
    ("", "required"), ("LO 12", "code_spaces"), ("LO\t12", "code_spaces"), ("XOÀI-1", "code_characters"),
    ("LO#1", "code_characters"), ("---", "code_characters"), ("A" * 41, "too_long"),
    ("HTX/2026", "code_characters"), ("HTX-2026.A1_b".upper(), None), ("A" * 40, None)])
def test_a_clubs_own_code(code, problem):
    assert rules.check_code(code) == problem


@pytest.mark.parametrize(("typed", "stored"), [
    ("96385074", "00000096385074"), ("036000291452", "00036000291452"),
    ("8934588 01 2 343", None), ("4006381333931", "04006381333931"), ("10614141000415", "10614141000415"),
    ("", "")])
def test_gtins(typed, stored):
    gtin, problem = rules.read_gtin(typed)
    if stored is None:
        assert problem in {"gtin_check", "gtin_form"} and gtin == ""
    else:
        assert (gtin, problem) == (stored, None)


@pytest.mark.parametrize(("typed", "problem"), [("4006381333932", "gtin_check"), ("123", "gtin_form"),
                                                ("40063813339a1", "gtin_form"), ("٤٠٠٦٣٨١٣", "gtin_form")])
def test_bad_gtins(typed, problem):
    assert rules.read_gtin(typed) == ("", problem)


def test_who_records_which_kind():
    assert all(rules.may_record(k, buyer=False) for k in ("harvested", "sorted", "packed", "shipped"))
    assert not rules.may_record("received", buyer=False)
    assert rules.may_record("received", buyer=True)
    assert not rules.may_record("shipped", buyer=True)


def test_events_go_forward_may_repeat_or_skip_but_not_go_back():
    assert rules.check_event_order("harvested", []) is None
    assert rules.check_event_order("packed", ["harvested"]) is None  # sorted skipped
    assert rules.check_event_order("shipped", ["harvested", "shipped"]) is None  # a second shipment
    assert rules.check_event_order("harvested", ["harvested", "packed"]) == "kind_order"
    assert rules.check_event_order("eaten", []) == "kind_unknown"


def test_a_correction_names_an_event_of_the_same_lot_and_says_what_was_wrong():
    original = Corrected(lot_id=1, kind="packed", organization_id=7)
    assert not rules.check_correction(original, lot_id=1, kind="packed", organization_id=7, note="Sai số lượng")
    assert rules.check_correction(None, lot_id=1, kind="packed", organization_id=7, note="x").fields == {
        "corrects_event_id": ["correction_unknown"]}
    assert rules.check_correction(original, lot_id=2, kind="packed", organization_id=7, note="x").fields == {
        "corrects_event_id": ["correction_unknown"]}
    assert rules.check_correction(original, lot_id=1, kind="shipped", organization_id=8, note=" ").fields == {
        "corrects_event_id": ["correction_not_yours"], "kind": ["correction_kind"], "note": ["correction_note"]}


def test_quantities_compare_in_the_source_unit_or_through_kilograms_or_not_at_all():
    assert rules.in_source_unit(3, None, None, same_unit=True) == 3
    assert rules.in_source_unit(100, 10, 1000, same_unit=False) == 1  # 100 thùng 10 kg = 1 tấn
    assert rules.in_source_unit(100, None, 1, same_unit=False) is None  # trái into kg: cannot tell
    assert rules.fits([0.6, 0.4], 1)
    assert not rules.fits([0.6, 0.5], 1)
    assert rules.fits([None, 1], 1)


def test_quantity_and_dates():
    problems = rules.Problems()
    rules.check_quantity(problems, "quantity", None)
    rules.check_quantity(problems, "a", -1)
    rules.check_quantity(problems, "b", 1e12)
    rules.check_quantity(problems, "c", None, required=False)
    rules.check_dates(problems, TODAY + timedelta(days=1), TODAY, today=TODAY)
    assert problems.fields == {"quantity": ["required"], "a": ["positive"], "b": ["too_large"],
                               "harvested_on": ["harvest_future"], "best_before": ["best_before_order"]}


def test_a_lot_made_from_others_holds_at_most_what_was_taken():
    assert rules.made_within(2.0, [1.0, 1.0]) and rules.made_within(2.001, [1.0, 1.0])
    assert not rules.made_within(500.0, [1.0, 1.0])
    assert rules.made_within(500.0, [1.0, None])  # a source in trái cannot be compared: not checked
