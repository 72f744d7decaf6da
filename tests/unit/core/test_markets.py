"""Export markets read from what people type, stored as codes, named in both languages."""

from __future__ import annotations

import pytest

from marketplace.markets import MAIN_MARKETS, codes, market_choices, market_name, read_market, read_markets


@pytest.mark.parametrize(("typed", "code"), [
    ("Trung Quoc", "CN"), ("trung quốc", "CN"), ("TRUNG QUOC", "CN"), ("TQ", "CN"), ("China", "CN"), ("cn", "CN"),
    ("Mỹ", "US"), ("my", "US"), ("Hoa Kỳ", "US"), ("USA", "US"), ("United States", "US"),
    ("Nhật Bản", "JP"), ("nhat", "JP"), ("Han Quoc", "KR"), ("South Korea", "KR"),
    ("EU", "EU"), ("Châu Âu", "EU"), ("Liên minh châu Âu", "EU"), ("European Union", "EU"),
    ("Úc", "AU"), ("Australia", "AU"), ("Đài Loan", "TW"), ("Thái Lan", "TH"), ("Anh", "GB"),
    ("  thị trường Trung Quốc ", "CN"), ("Campuchia", "KH"), ("Hà Lan", "NL"), ("MY", "MY"), ("Malaysia", "MY"),
])
def test_a_market_is_read_as_people_write_it(typed, code):
    assert read_market(typed) == code


@pytest.mark.parametrize("typed", ["", "   ", None, "Sao Hoả", "ZZ", "XX", "chợ Sa Đéc"])
def test_text_that_names_no_market_reads_as_none(typed):
    assert read_market(typed) is None


def test_several_markets_in_one_field_keep_their_order_without_repeats_and_report_the_rest():
    assert read_markets("Trung Quoc; My, EU / trung quốc") == (["CN", "US", "EU"], [])
    assert read_markets("CN US EU") == (["CN", "US", "EU"], [])
    assert read_markets("Nhật Bản; Sao Hoả") == (["JP"], ["Sao Hoả"])
    assert read_markets("") == ([], [])


def test_names_come_in_the_readers_language_and_unknown_codes_stay_as_they_are():
    assert market_name("CN", "vi") == "Trung Quốc" and market_name("CN", "en") == "China"
    assert market_name("EU", "en") == "European Union"
    assert market_name("Q9", "vi") == "Q9"


def test_the_picker_lists_the_main_markets_first_then_every_other_once():
    choices = market_choices("vi")
    assert tuple(code for code, _ in choices[:len(MAIN_MARKETS)]) == MAIN_MARKETS
    assert sorted(code for code, _ in choices) == sorted(codes())
    assert {"ZZ", "UN", "EZ"}.isdisjoint(codes()) and {"VN", "CN", "EU"} <= codes()


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_name_the_picker_offers_reads_back_as_its_code(locale):
    """The demand form's country list puts a name in the field: it must be read as that country,
    and fit the field (40 characters)."""
    from marketplace.markets import market_options

    options = market_options(locale)
    assert len(options) == len(market_choices(locale))
    for (value, label), (code, _name) in zip(options, market_choices(locale), strict=True):
        assert read_market(value) == code, value
        assert label.endswith(f"· {code}") and len(value) <= 40
