"""Marking matched words in titles and snippets: escaped, in the text as written, in a window."""

from __future__ import annotations

import unicodedata

from markupsafe import Markup

from marketplace.search.analysis import parse_query, read_words
from marketplace.search.highlight import highlight


def test_html_in_the_text_is_escaped():
    out = highlight('<script>alert("x")</script> Xoài & "rẻ"', read_words("xoai"))
    assert isinstance(out, Markup)
    assert "<script>" not in out
    assert str(out) == '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; <mark>Xoài</mark> &amp; &#34;rẻ&#34;'


def test_a_matched_word_that_looks_like_html_is_escaped_inside_the_mark():
    out = highlight("<b>bold</b>", read_words("b"))
    assert str(out) == "&lt;<mark>b</mark>&gt;bold&lt;/<mark>b</mark>&gt;"


def test_accented_words_are_marked_for_a_folded_query_keeping_case_and_marks():
    out = highlight("Xoài cát Chu Mỹ Xương", read_words("xoai cat chu"))
    assert str(out) == "<mark>Xoài</mark> <mark>cát</mark> <mark>Chu</mark> Mỹ Xương"


def test_only_whole_words_are_marked():
    assert str(highlight("Dừa xiêm, dưa hấu", read_words("dua"))) == "<mark>Dừa</mark> xiêm, <mark>dưa</mark> hấu"
    assert str(highlight("Xoài keo", read_words("xo"))) == "Xoài keo"


def test_regional_synonyms_are_marked_too():
    assert str(highlight("Quả xoài", read_words("trai"))) == "<mark>Quả</mark> xoài"
    assert str(highlight("Bông sen", read_words("hoa sen"))) == "<mark>Bông</mark> <mark>sen</mark>"


def test_decomposed_text_is_composed_first():
    out = highlight(unicodedata.normalize("NFD", "Dứa Queen"), read_words("dua"))
    assert str(out) == "<mark>Dứa</mark> Queen"


def test_phrase_words_are_marked():
    parsed = parse_query('"cát chu" xoài')
    assert str(highlight("Xoài cát Chu", parsed.all_words())) == "<mark>Xoài</mark> <mark>cát</mark> <mark>Chu</mark>"


def test_nothing_to_mark():
    assert str(highlight("Xoài cát Chu", [])) == "Xoài cát Chu"
    assert str(highlight("", read_words("xoai"))) == ""
    assert str(highlight(None, read_words("xoai"))) == ""


def test_a_window_starts_a_little_before_the_first_match():
    text = " ".join(["lorem"] * 60) + " xoài cát Chu " + " ".join(["ipsum"] * 60)
    out = str(highlight(text, read_words("xoai"), around=80))
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>xoài</mark> cát Chu" in out
    visible = out.replace("<mark>", "").replace("</mark>", "").strip("…")
    assert len(visible) <= 80
    assert visible.index("xoài") <= 30  # a little context before it, not the whole start
    assert not visible.startswith(" ") and not visible.endswith(" ")


def test_a_window_without_a_match_is_the_start():
    text = " ".join(["lorem"] * 60)
    out = str(highlight(text, read_words("xoai"), around=80))
    assert out.startswith("lorem") and out.endswith("…")
    assert len(out) <= 81


def test_a_short_text_is_not_cut():
    assert str(highlight("Xoài cát Chu", read_words("chu"), around=80)) == "Xoài cát <mark>Chu</mark>"


def test_a_match_at_the_very_start_gets_no_leading_ellipsis():
    text = "Xoài " + " ".join(["ipsum"] * 60)
    out = str(highlight(text, read_words("xoai"), around=40))
    assert out.startswith("<mark>Xoài</mark>") and out.endswith("…")


def test_marks_outside_the_window_are_not_emitted():
    text = "xoài " + " ".join(["ipsum"] * 40) + " xoài"
    out = str(highlight(text, read_words("xoai"), around=30))
    assert out.count("<mark>") == 1


def test_words_read_from_telex_or_vni_residue_are_marked_as_spelled():
    expected = "<mark>Xoài</mark> <mark>cát</mark> <mark>Chu</mark>"
    assert str(highlight("Xoài cát Chu", read_words("xoaif cats chu"))) == expected
    assert str(highlight("Xoài cát Chu", read_words("xoai2 cat1 chu"))) == expected
