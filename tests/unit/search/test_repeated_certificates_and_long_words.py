"""A certificate named twice in one query is one filter; a snippet of one long unbroken word is
cut at the window's length (there is no space to cut at)."""

from __future__ import annotations

from marketplace.search.analysis import parse_query, read_words
from marketplace.search.highlight import highlight


def test_a_certificate_spelled_two_ways_is_one_filter():
    parsed = parse_query("xoai vietgap viet gap")
    assert parsed.certificates == ["vietgap"]
    assert [w.folded for w in parsed.words] == ["xoai"]


def test_a_certificate_and_its_typo_are_one_filter():
    parsed = parse_query("xoai globalgap globalgab")
    assert parsed.certificates == ["globalgap"]
    assert [w.folded for w in parsed.words] == ["xoai"]


def test_a_snippet_of_one_long_word_is_cut_at_the_window():
    text = "x" * 300 + " xoài"
    snippet = highlight(text, read_words("xoai"), around=100)
    assert str(snippet) == "x" * 100 + "…"
