import unicodedata

import pytest

from marketplace.search.analysis import accented_analyzer, folded_analyzer


def tokens(analyzer, text):
    return [t.text for t in analyzer(text)]


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_folding_gives_the_same_tokens_for_composed_and_decomposed_text(form):
    text = unicodedata.normalize(form, "Hội quán Xoài Đồng Tháp")
    assert tokens(folded_analyzer(), text) == ["hoi", "quan", "xoai", "dong", "thap"]


def test_accented_analysis_keeps_the_marks_that_tell_dua_apart():
    assert tokens(accented_analyzer(), "Dứa dừa DƯA") == ["dứa", "dừa", "dưa"]
    assert tokens(folded_analyzer(), "Dứa dừa DƯA") == ["dua", "dua", "dua"]


def test_no_stemming_on_vietnamese_or_english_words():
    assert tokens(folded_analyzer(), "mangoes trái") == ["mangoes", "trai"]
