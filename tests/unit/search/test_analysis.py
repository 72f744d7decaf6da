import unicodedata

import pytest

from marketplace.search.analysis import accented_analyzer, folded_analyzer, parse_query


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


# -- parse_query: what a person typed into the box ---------------------------------------------

def words(parsed):
    return [w.folded for w in parsed.words]


@pytest.mark.parametrize("text", ["xoai cat chu", "Xoài cát Chu", "XOÀI CÁT CHU",
                                  unicodedata.normalize("NFD", "Xoài cát Chu"), "  xoài   cát\tchu  "])
def test_words_are_folded_whatever_the_accents_case_or_composition(text):
    assert words(parse_query(text)) == ["xoai", "cat", "chu"]


def test_each_word_keeps_what_was_typed_for_the_accented_match():
    parsed = parse_query("Dứa dua")
    assert [(w.folded, w.accented, w.has_marks) for w in parsed.words] == [
        ("dua", "dứa", True), ("dua", "dua", False)]
    assert parse_query(unicodedata.normalize("NFD", "dứa")).words[0].accented == "dứa"


def test_d_with_stroke_folds_to_d():
    assert words(parse_query("Đồng Tháp")) == ["dong", "thap"]


@pytest.mark.parametrize("text, expected", [
    ("trái xoài", ["xoai"]),
    ("quả xoài", ["xoai"]),
    ("trai qua xoai", ["xoai"]),
    ("cây bông sen", ["sen"]),
    ("xoài trái", ["xoai", "trai"]),  # only in front
    ("xoài trái cây", ["xoai", "trai", "cay"]),
    ("trái", ["trai"]),  # nothing else left: the word is kept
    ("trái cây", ["trai", "cay"]),
    ("bông", ["hoa"]),  # bông reads as hoa
])
def test_noise_words_are_dropped_only_in_front(text, expected):
    assert words(parse_query(text)) == expected


@pytest.mark.parametrize("text, certificates, rest", [
    ("xoai cat chu vietgap", ["vietgap"], ["xoai", "cat", "chu"]),
    ("VietGAP xoài", ["vietgap"], ["xoai"]),
    ("xoài viet gap", ["vietgap"], ["xoai"]),
    ("xoài Việt GAP", ["vietgap"], ["xoai"]),
    ("sen hữu cơ", ["organic"], ["sen"]),
    ("sen huu co", ["organic"], ["sen"]),
    ("organic rice", ["organic"], ["rice"]),
    ("global gap xoai", ["globalgap"], ["xoai"]),
    ("GlobalGAP vietgap dứa", ["vietgap", "globalgap"], ["dua"]),
    ("vietgap", ["vietgap"], []),
    ("vietgapp xoai", ["vietgap"], ["xoai"]),  # one typo in a certificate name is forgiven
    ("vietgpa xoai", ["vietgap"], ["xoai"]),
    ("globalgab", ["globalgap"], []),
    ("vietnam xoai", [], ["vietnam", "xoai"]),  # but not a different word
])
def test_certificate_words_become_filters(text, certificates, rest):
    parsed = parse_query(text)
    assert sorted(parsed.certificates) == sorted(certificates)
    assert words(parsed) == rest


def test_a_certificate_word_in_quotes_stays_text():
    parsed = parse_query('"vietgap xoai"')
    assert parsed.certificates == []
    assert [[w.folded for w in p] for p in parsed.phrases] == [["vietgap", "xoai"]]


@pytest.mark.parametrize("text, rest", [("ocop", []), ("xoai OCOP", ["xoai"]), ("Ocop trà sen", ["tra", "sen"])])
def test_ocop_becomes_the_ocop_filter(text, rest):
    parsed = parse_query(text)
    assert parsed.ocop_stars == 3
    assert words(parsed) == rest
    assert parse_query("xoai").ocop_stars is None


@pytest.mark.parametrize("text, stars, rest", [
    ("tra sen ocop 4 sao", 4, ["tra", "sen"]),
    ("5 sao OCOP mật ong", 5, ["mat", "ong"]),
    ("ocop 4", 4, []),
    ("4 sao", None, ["4", "sao"]),  # stars without OCOP are just words
])
def test_ocop_with_stars_sets_the_minimum(text, stars, rest):
    parsed = parse_query(text)
    assert parsed.ocop_stars == stars
    assert words(parsed) == rest


def test_an_accented_word_is_not_taken_for_a_noise_word():
    assert words(parse_query("hòa lộc")) == ["hoa", "loc"]
    assert words(parse_query("hoa lộc")) == ["loc"]


def test_a_filter_only_query_is_empty_text():
    assert parse_query("vietgap ocop").empty
    assert parse_query("").empty and parse_query(None).empty
    assert not parse_query("xoai").empty


@pytest.mark.parametrize("text", ['"xoài cát chu"', "“xoài cát chu”", "«xoài cát chu»", '"xoài cát chu'])
def test_quoted_words_are_a_phrase(text):
    parsed = parse_query(text)
    assert [[w.folded for w in p] for p in parsed.phrases] == [["xoai", "cat", "chu"]]
    assert parsed.words == []


def test_a_phrase_beside_loose_words_and_a_one_word_phrase():
    parsed = parse_query('trái xoài "cát Hòa Lộc" "chu"')
    assert [[w.accented for w in p] for p in parsed.phrases] == [["cát", "hòa", "lộc"]]
    assert words(parsed) == ["xoai", "chu"]
    assert [w.folded for w in parsed.all_words()] == ["xoai", "chu", "cat", "hoa", "loc"]


def test_noise_words_inside_a_phrase_are_kept():
    parsed = parse_query('"trái xoài"')
    assert [[w.folded for w in p] for p in parsed.phrases] == [["trai", "xoai"]]


@pytest.mark.parametrize("text", ["!!!", "   ", "🍍🥭", '""', "\x00\x01", "\ud800"])
def test_punctuation_symbols_and_broken_text_give_no_words(text):
    parsed = parse_query(text)
    assert parsed.empty and parsed.certificates == [] and parsed.ocop_stars is None


def test_symbols_between_words_split_them():
    assert words(parse_query("xoài/cát-chu,🥭dứa")) == ["xoai", "cat", "chu", "dua"]


def test_a_very_long_query_is_cut():
    parsed = parse_query("xoai " * 1000)
    assert 0 < len(parsed.words) <= 40


# -- accents as typed, Telex and VNI residue -----------------------------------------------------

def test_the_accented_analysis_writes_each_tone_one_way():
    assert tokens(accented_analyzer(), "Xoài cát Hoà Lộc, hòa, THUÝ") == ["xoài", "cát", "hòa", "lộc", "hòa", "thúy"]
    assert tokens(folded_analyzer(), "Hoà hòa") == ["hoa", "hoa"]


def test_a_word_typed_with_accents_is_looked_up_as_written():
    dua, plain, hoa = parse_query("xoài dua Hoà").words
    assert (dua.accented, dua.exact) == ("xoài", True)
    assert (plain.accented, plain.exact) == ("dua", False)
    assert (hoa.folded, hoa.accented, hoa.typed, hoa.exact) == ("hoa", "hòa", "hoà", True)


@pytest.mark.parametrize("text", ["xoài quả", "xoài trái", "xoài bông"])
def test_a_regional_word_typed_with_accents_still_reads_through_its_synonym(text):
    word = parse_query(text).words[-1]
    assert word.has_marks and not word.exact
    assert word.folded in ("trai", "hoa")


@pytest.mark.parametrize("text, folded", [
    ("xoaif cats chu", ["xoai", "cat", "chu"]),
    ("xoafi cat chu", ["xoai", "cat", "chu"]),
    ("xoai2 cat chu", ["xoai", "cat", "chu"]),
    ("quyts hoongf", ["quyt", "hong"]),
    ("dduwsa", ["dua"]),
    ("trais xoaif", ["xoai"]),  # a leading noise word, read from its residue, is still noise
    ("huwux cow xoai", ["xoai"]),  # hữu cơ, the organic filter
    ("Ri6 MD2 ST25", ["ri6", "md2", "st25"]),  # codes are not residue
    ("mango pineapples", ["mango", "pineapples"]),
])
def test_telex_and_vni_residue_read_as_the_word_spelled(text, folded):
    assert words(parse_query(text)) == folded


def test_residue_keeps_what_was_typed_as_a_second_reading():
    word = parse_query("cats").words[0]
    assert (word.folded, word.accented, word.typed, word.residue) == ("cat", "cát", "cats", True)
    assert not word.exact  # read for its letters: "dduwsa" is dua, whatever dd meant
    assert [(r.folded, r.accented) for r in word.readings()] == [("cat", "cát"), ("cats", "cats")]
    plain = parse_query("cat").words[0]
    assert plain.readings() == [plain] and plain.typed == ""
