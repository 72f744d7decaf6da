"""vietnamese.fold / clean / slugify: accents, composed and decomposed input, đ, punctuation."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.vietnamese import clean, fold, slugify


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize(("text", "folded"), [
    # Accents and case go.
    ("Phú Hựu", "phu huu"),
    ("phu huu", "phu huu"),
    ("PHÚ HỰU", "phu huu"),
    ("Đồng Tháp", "dong thap"),
    ("đường", "duong"),
    ("ĐƯỜNG", "duong"),
    ("Xoài cát Hòa Lộc", "xoai cat hoa loc"),
    ("Nguyễn Văn Tư", "nguyen van tu"),
    ("Sầu riêng Ri6", "sau rieng ri6"),
    # Punctuation and runs of white space become single spaces.
    ("Đồng-Tháp!!", "dong thap"),
    ("Xã Phú Hựu, Đồng Tháp.", "xa phu huu dong thap"),
    ("  Xã   Phú\tHựu\n", "xa phu huu"),
    ("(trái) khóm; thơm/dứa", "trai khom thom dua"),
    ("“Sen” Tháp Mười…", "sen thap muoi"),
    ("", ""),
    ("!!!", ""),
])
def test_fold_removes_accents_case_and_punctuation(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("text", ["Phú Hựu", "Đồng Tháp", "Xã Mỹ Thọ", "Quýt hồng Lai Vung", "khóm"])
def test_fold_gives_the_same_key_for_composed_and_decomposed_input(text):
    decomposed = nfd(text)
    assert decomposed != text  # the input really is decomposed
    assert fold(decomposed) == fold(text)


def test_fold_handles_decomposed_d_with_stroke_neighbours():
    # "Đ" has no decomposition; the vowels next to it do. Both spellings must meet.
    assert fold(nfd("Đắk Lắk")) == fold("Đắk Lắk") == "dak lak"


def test_fold_keeps_digits_and_underscores_as_word_characters():
    assert fold("OM 5451") == "om 5451"
    assert fold("IR_50404") == "ir_50404"


@pytest.mark.parametrize(("text", "cleaned"), [
    ("  Hội quán   Xoài  ", "Hội quán Xoài"),
    ("Phú\n\tHựu", "Phú Hựu"),
    ("Dứa!", "Dứa!"),  # clean keeps punctuation and accents: it is how text is stored
    ("", ""),
    (None, ""),
])
def test_clean_trims_and_collapses_white_space(text, cleaned):
    assert clean(text) == cleaned


@pytest.mark.parametrize("text", ["Phú Hựu", "Hội quán Xoài Mỹ Xương", "Đặng Văn Liên"])
def test_clean_composes_decomposed_input(text):
    cleaned = clean(nfd(text))
    assert cleaned == text
    assert unicodedata.is_normalized("NFC", cleaned)


@pytest.mark.parametrize(("text", "slug"), [
    ("Hội quán Xoài Mỹ Xương", "hoi-quan-xoai-my-xuong"),
    ("HTX Quýt hồng (Lai Vung)", "htx-quyt-hong-lai-vung"),
    ("Đặng  Văn   Liên", "dang-van-lien"),
])
def test_slugify_is_folded_with_dashes(text, slug):
    assert slugify(text) == slug
    assert slugify(nfd(text)) == slug
