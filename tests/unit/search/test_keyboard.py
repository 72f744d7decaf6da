"""Telex and VNI residue read back as Vietnamese, and one place for the tone mark."""

import unicodedata

import pytest

from marketplace.keyboard import place_tone, read_typing_residue
from marketplace.vietnamese import fold


@pytest.mark.parametrize("typed, word", [
    # Tone key at the end of the word.
    ("xoaif", "xoài"), ("cats", "cát"), ("quyts", "quýt"), ("hoongf", "hồng"), ("khoms", "khóm"),
    ("thoomf", "thồm"), ("nhaxn", "nhãn"), ("dduwaf", "đừa"), ("tieengs", "tiếng"), ("vieetj", "việt"),
    ("ddoongf", "đồng"), ("thaps", "tháp"), ("sauf", "sàu"), ("saauf", "sầu"), ("rieeng", None),
    ("gaoj", "gạo"), ("luas", "lúa"), ("nepf", None), ("chuoois", "chuối"), ("buwowir", "bưởi"),
    # Tone key right after the vowel, before the rest of the word.
    ("xoafi", "xoài"), ("casts", "cát"), ("nhaxn", "nhãn"), ("dduwsa", "đứa"), ("quysbt", None),
    ("thowmf", "thờm"), ("khosm", "khóm"), ("vieejt", "việt"), ("bwowri", "bưởi"),
    # w: ư alone, ă after a, ơ after o, ươ after uo, also typed after the final.
    ("nhw", "như"), ("mwa", "mưa"), ("sawn", "săn"), ("trawngs", "trắng"), ("thowm", "thơm"),
    ("nguowif", "người"), ("nguoiwf", "người"), ("dduwowngf", "đường"), ("truwowngf", "trường"),
    ("duongw", "dương"), ("trangw", "trăng"), ("huwux", "hữu"), ("cow", "cơ"), ("giuwxa", "giữa"),
    # đ, gi and qu onsets, the tone on the right vowel.
    ("dduaf", "đùa"), ("ddaaus", "đấu"), ("gias", "giá"), ("gif", "gì"), ("gifn", "gìn"),
    ("quas", "quá"), ("quoocs", "quốc"), ("thuyr", "thủy"), ("hoaf", "hòa"), ("khoer", "khỏe"),
    ("muaf", "mùa"), ("xoays", "xoáy"), ("tuooir", "tuổi"), ("thuowr", "thuở"),
    # z clears the tone typed before it.
    ("xoaisz", "xoai"),
    # VNI: 1-5 tones, 6 circumflex, 7 horn, 8 breve, 9 đ; anywhere after the letter.
    ("xoai2", "xoài"), ("xoa2i", "xoài"), ("cat1", "cát"), ("quy1t", "quýt"), ("ho6ng2", "hồng"),
    ("d9u7a1", "đứa"), ("du7a1", "dứa"), ("d9ua2", "đùa"), ("nguo7i2", "người"), ("nguoi72", None),  # "72": a number, conservatively
    ("d9u7o7ng2", "đường"), ("tie6ng1", "tiếng"), ("vie6t5", "việt"), ("sa8n", "săn"), ("kho6ng", "không"),
    ("mu7a", "mưa"), ("mua7", "mưa"), ("kho1m", "khóm"), ("sa6u2", "sầu"), ("rie6ng", "riêng"),
    # Capitals are read the same; the reading is lower case.
    ("XOAIF", "xoài"), ("Quyts", "quýt"), ("Xoai2", "xoài"), ("DDoongf", "đồng"),
])
def test_residue_reads_as_the_word_it_spells(typed, word):
    assert read_typing_residue(typed) == word
    if word is not None:
        assert unicodedata.is_normalized("NFC", word)


@pytest.mark.parametrize("word", [
    # Vietnamese typed without accents: nothing to read.
    "xoai", "chu", "sen", "cat", "dua", "quyt", "hong", "sau", "rieng", "thom", "khom", "nhan", "ido",
    "chuu", "xoia", "khoong",  # a doubled vowel alone is no proof: could be "xoong" or a typo
    # English words, names and brands.
    "mango", "mangoes", "pineapple", "pineapples", "durian", "coconut", "lotus", "rice", "queen", "moon",
    "see", "tree", "good", "free", "is", "as", "of", "dry", "sweet", "fresh", "apples", "jazz", "vietgap",
    "globalgap", "ocop", "organic", "monthong", "taiwan",
    # Variety codes, grades and numbers.
    "Ri6", "ri6", "MD2", "md2", "ST25", "st24", "OM", "5451", "OM5451", "IR", "50404", "IR50404", "DT8",
    "OM18", "A1", "a1", "u7", "10kg", "kg10", "4x4", "2024", "3sao", "a10", "xoai12", "xoai0",
    # Already accented, or not a word.
    "xoài", "dứa", "xoàif", "", "xoai-f", "x" * 20,
    # Keys a syllable cannot take: a stop final with the grave tone, a horn on i, two tones.
    "catf", "catr", "xoaiss", "xoai21", "xi7", "xoai2s", "tuoir", "chuaws",
])
def test_words_that_are_not_residue_are_left_alone(word):
    assert read_typing_residue(word) is None


def test_residue_of_a_whole_query():
    spelled = [read_typing_residue(w) or w for w in "xoaif cats chu".split()]
    assert spelled == ["xoài", "cát", "chu"]
    assert [fold(read_typing_residue(w) or w) for w in "quyts hoongf".split()] == ["quyt", "hong"]
    assert fold(read_typing_residue("dduwsa")) == "dua"


@pytest.mark.parametrize("written, placed", [
    ("hoà", "hòa"), ("hòa", "hòa"), ("Hoà", "Hòa"), ("HOÀ", "HÒA"), ("thuý", "thúy"), ("khoẻ", "khỏe"),
    ("qúa", "quá"), ("quá", "quá"), ("giá", "giá"), ("gìn", "gìn"), ("tiêńg", "tiếng"),
    ("người", "người"), ("xóai", "xoái"), ("Xoài", "Xoài"), ("hoàng", "hoàng"),
    ("quýt", "quýt"), ("thủy", "thủy"), ("mía", "mía"), ("múa", "múa"), ("mứa", "mứa"),
    ("Đồng", "Đồng"), ("ĐỒNG", "ĐỒNG"),
])
def test_the_tone_goes_where_the_older_style_writes_it(written, placed):
    assert place_tone(written) == placed
    assert place_tone(unicodedata.normalize("NFD", written)) == placed


@pytest.mark.parametrize("word", ["café", "xoai", "Lộc", "hội", "naïve", "ÀÀ", "mangoé", "xoàixoài", "ư"])
def test_what_is_not_one_syllable_with_one_tone_is_left_as_written(word):
    assert place_tone(word) == unicodedata.normalize("NFC", word)
