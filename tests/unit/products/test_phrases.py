"""products.phrases.read_phrase: product, variety and grade from a phrase as people write it."""

from __future__ import annotations

import unicodedata

import pytest

from marketplace.products.phrases import Catalogue, guess_category, product_entry, read_phrase

PINEAPPLE, COCONUT, WATERMELON, MANGO, PANGASIUS, SNAKEHEAD, LOTUS, MANDARIN, RICE, PADDY = range(1, 11)
CAT_CHU, HOA_LOC, QUEEN, XIEM, HONG_LAI_VUNG, ST25_RICE, ST25_PADDY, OM18 = range(101, 109)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    """A small catalogue with the traps of the real one: dứa / dừa / dưa all fold to "dua";
    ST25 is a rice and a paddy variety; "hòa" (Hòa Lộc) folds like "hoa" (a noise word)."""
    return Catalogue((
        product_entry(PINEAPPLE, "fruit", ("Dứa", "Pineapple", "thơm", "khóm", "trái thơm", "trái khóm"),
                      [(QUEEN, "Queen", ["khóm Tắc Cậu"])]),
        product_entry(COCONUT, "fruit", ("Dừa", "Coconut", "trái dừa", "dừa tươi"),
                      [(XIEM, "xiêm xanh", ["xiêm"])]),
        product_entry(WATERMELON, "fruit", ("Dưa hấu", "Watermelon")),
        product_entry(MANGO, "fruit", ("Xoài", "Mango", "trái xoài", "quả xoài"),
                      [(CAT_CHU, "cát Chu", ["cat chu"]), (HOA_LOC, "cát Hòa Lộc", ["hoa loc"])]),
        product_entry(PANGASIUS, "aquatic", ("Cá tra", "Pangasius")),
        product_entry(SNAKEHEAD, "aquatic", ("Cá lóc", "Snakehead fish", "cá quả")),
        product_entry(LOTUS, "flower", ("Hoa sen", "Lotus flower", "bông sen")),
        product_entry(MANDARIN, "fruit", ("Quýt", "Mandarin"), [(HONG_LAI_VUNG, "hồng Lai Vung", ["quýt hồng"])]),
        product_entry(RICE, "rice", ("Gạo", "Milled rice"), [(ST25_RICE, "ST25", [])]),
        product_entry(PADDY, "rice", ("Lúa", "Paddy rice"), [(ST25_PADDY, "ST25", []), (OM18, "OM 18", [])]),
    ))


def read(catalogue, text, variety=None):
    reading = read_phrase(text, catalogue, variety_text=variety)
    return reading.product_id, reading.variety_id


@pytest.mark.parametrize("typed", [
    "dứa", "Dứa", "DỨA", "  dứa ", "thơm", "Thơm", "khóm", "trái khóm", "Trái Thơm", "quả dứa",
    "pineapple", "Pineapple", "thom", "khom", "trai khom",
])
def test_pineapple_by_every_regional_name(catalogue, typed):
    assert read(catalogue, typed) == (PINEAPPLE, None)


@pytest.mark.parametrize("typed", ["dừa", "Dừa", "trái dừa", "dừa tươi", "coconut"])
def test_coconut_is_not_pineapple(catalogue, typed):
    assert read(catalogue, typed) == (COCONUT, None)


@pytest.mark.parametrize(("typed", "expected"), [
    ("Xoài cát Chu", (MANGO, CAT_CHU)), ("xoai cat chu", (MANGO, CAT_CHU)), ("XOÀI CÁT CHU", (MANGO, CAT_CHU)),
    ("trái xoài cát Chu", (MANGO, CAT_CHU)), ("xoai cat hoa loc", (MANGO, HOA_LOC)),
    ("Xoài cát Hòa Lộc", (MANGO, HOA_LOC)), ("xoài hoa loc", (MANGO, HOA_LOC)),
    ("cát Chu xoài", (MANGO, CAT_CHU)),  # variety first
    ("cát Hòa Lộc", (MANGO, HOA_LOC)),  # a variety alone names its product
    ("Quýt hồng", (MANDARIN, HONG_LAI_VUNG)), ("Quýt hồng Lai Vung", (MANDARIN, HONG_LAI_VUNG)),
    ("quyt hong", (MANDARIN, HONG_LAI_VUNG)),
    ("dua xiem", (COCONUT, XIEM)), ("Dừa xiêm xanh", (COCONUT, XIEM)), ("dua xiem xanh", (COCONUT, XIEM)),
    ("Dứa Queen", (PINEAPPLE, QUEEN)), ("dua queen", (PINEAPPLE, QUEEN)),
    ("Gạo ST25", (RICE, ST25_RICE)), ("lúa OM 18", (PADDY, OM18)),
])
def test_product_and_variety_in_one_phrase(catalogue, typed, expected):
    assert read(catalogue, typed) == expected


def test_accents_typed_are_exact(catalogue):
    # "dứa xiêm": pineapple typed with its accents; xiêm is a coconut variety, so no variety.
    assert read(catalogue, "dứa xiêm") == (PINEAPPLE, None)
    assert read(catalogue, "xoài cát chu") == (MANGO, CAT_CHU)  # an unmarked word matches any accents


@pytest.mark.parametrize("typed", ["dua", "Dua", "trai dua", "dua abc"])
def test_unaccented_dua_alone_is_not_settled(catalogue, typed):
    assert read(catalogue, typed) == (None, None)


def test_st25_alone_is_rice_or_paddy(catalogue):
    assert read(catalogue, "ST25") == (None, None)


def test_the_variety_cell_wins(catalogue):
    assert read(catalogue, "Xoài cát Chu", "cát Hòa Lộc") == (MANGO, HOA_LOC)
    assert read(catalogue, "Xoài", "cat chu") == (MANGO, CAT_CHU)
    # A cell that names no variety keeps the phrase's variety and is the text shown.
    reading = read_phrase("Xoài cát Chu", catalogue, variety_text="vườn ông Tư")
    assert (reading.variety_id, reading.variety_text) == (CAT_CHU, "vườn ông Tư")


@pytest.mark.parametrize(("typed", "grade"), [
    ("Xoài cát Chu loại 1", "loại 1"), ("xoai cat chu xuat khau", "xuất khẩu"), ("XOAI CAT CHU LOAI 1", "loại 1"),
    ("Xoài loại 1 cát Chu", "loại 1"), ("loại 1 xoài cát Chu", "loại 1"),
])
def test_grades_are_not_varieties(catalogue, typed, grade):
    reading = read_phrase(typed, catalogue)
    assert (reading.product_id, reading.variety_id, reading.grade) == (MANGO, CAT_CHU, grade)


def test_a_grade_in_the_variety_cell(catalogue):
    reading = read_phrase("Xoài cát Chu", catalogue, variety_text="loại 1")
    assert (reading.variety_id, reading.grade, reading.variety_text) == (CAT_CHU, "loại 1", "cát Chu")


@pytest.mark.parametrize(("typed", "expected"), [
    ("xoaif cats chu", (MANGO, CAT_CHU)),  # Telex residue, input method off
    ("xoai2 cat1 chu", (MANGO, CAT_CHU)),  # VNI residue
    ("quyts hoongf", (MANDARIN, HONG_LAI_VUNG)),
    ("dduwsa queen", (PINEAPPLE, QUEEN)),  # spells "đứa": a guessed mark compares without accents
    ("Xoài cát Hoà Lộc", (MANGO, HOA_LOC)),  # the tone written on the other vowel
])
def test_typing_residue(catalogue, typed, expected):
    assert read(catalogue, typed) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("pineaple", (PINEAPPLE, None)), ("watermelom", (WATERMELON, None)),
    ("Xoài cát Hòa Lôc", (MANGO, HOA_LOC)),  # one wrong mark: a typo in a long word? no, a short one
])
def test_one_letter_typos_in_long_words(catalogue, typed, expected):
    if typed == "Xoài cát Hòa Lôc":
        # "lôc" is three letters: no typo allowed, and accents typed are exact; the product still reads.
        assert read(catalogue, typed) == (MANGO, None)
    else:
        assert read(catalogue, typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "sầu riêng", "durian", "xyz", "trái", "quả", "dựa", "cá", "ca",
                                   "Trà tim sen"])
def test_unknown_is_not_guessed(catalogue, typed):
    assert read(catalogue, typed) == (None, None)


def test_unknown_keeps_the_name_without_its_grade(catalogue):
    reading = read_phrase("Trà tim sen loại 1", catalogue)
    assert (reading.product_id, reading.name, reading.grade) == (None, "Trà tim sen", "loại 1")


@pytest.mark.parametrize(("typed", "expected"), [("cá quả", SNAKEHEAD), ("ca qua", SNAKEHEAD),
                                                 ("cá lóc", SNAKEHEAD), ("cá tra", PANGASIUS)])
def test_fish_by_full_name(catalogue, typed, expected):
    assert read(catalogue, typed) == (expected, None)


@pytest.mark.parametrize("typed", ["hoa sen", "bông sen", "Lotus flower"])
def test_flower_words_in_front_are_noise(catalogue, typed):
    assert read(catalogue, typed) == (LOTUS, None)


@pytest.mark.parametrize("typed", ["dứa", "trái khóm", "dừa", "quả xoài", "Xoài cát Hòa Lộc"])
def test_decomposed_accents_read_like_composed(catalogue, typed):
    assert read(catalogue, unicodedata.normalize("NFD", typed)) == read(catalogue, typed)


def test_no_catalogue_means_no_product():
    assert read(Catalogue(()), "dứa") == (None, None)


def test_a_name_kept_as_typed_loses_to_the_catalogue():
    kept = product_entry(99, "fruit", ("xoài",), in_catalogue=False)
    real = product_entry(MANGO, "fruit", ("Xoài",))
    assert read(Catalogue((kept, real)), "xoài") == (MANGO, None)


@pytest.mark.parametrize(("name", "category"), [
    ("Cá rô đồng", "aquatic"), ("gạo lứt", "rice"), ("Xoài Úc", "fruit"), ("Bánh pía", "other"),
])
def test_guess_category(catalogue, name, category):
    assert guess_category(name, catalogue, "other") == category


def test_a_plain_word_variety_needs_its_product():
    guava = product_entry(20, "fruit", ("Ổi", "Guava"), [(201, "lê", ["ổi lê"]), (202, "Đài Loan", [])])
    catalogue = Catalogue((guava,))
    assert read(catalogue, "lê") == (None, None)  # a pear, or nothing: not guessed
    assert read(catalogue, "ổi lê") == (20, 201)
    assert read(catalogue, "Đài Loan") == (20, 202)  # a proper name stands alone


def test_a_name_kept_as_typed_answers_to_itself_only():
    kept = product_entry(99, "other", ("Cá",), in_catalogue=False)
    catalogue = Catalogue((kept,))
    assert read(catalogue, "cá") == (99, None)
    assert read(catalogue, "Cá bống tượng") == (None, None)


def test_a_fruit_word_in_front_is_not_a_flower_and_a_flower_word_is():
    rose = product_entry(30, "flower", ("Hoa hồng", "Rose"))
    persimmon = product_entry(31, "fruit", ("Hồng xiêm", "Sapodilla"))
    catalogue = Catalogue((rose, persimmon))
    assert read(catalogue, "hoa hồng") == (30, None)
    assert read(catalogue, "trái hồng") == (None, None)  # not a rose: kept as typed
    assert read(catalogue, "quả hồng xiêm") == (31, None)


def test_what_was_written_is_kept_even_when_it_looks_like_telex():
    durian = product_entry(40, "fruit", ("Sầu riêng",), [(401, "Black Thorn", [])])
    reading = read_phrase("Sầu riêng Black Thorn", Catalogue((durian,)))
    assert (reading.product_id, reading.variety_id, reading.variety_text) == (40, 401, "Black Thorn")
    reading = read_phrase("Xoài Mex", Catalogue((product_entry(MANGO, "fruit", ("Xoài",)),)))
    assert reading.variety_text == "Mex"
