"""A field value is analysed once: the postings remembered are Whoosh's own, for every kind of field."""

from __future__ import annotations

import pytest
from whoosh.fields import ID, TEXT

from marketplace.search import schema
from marketplace.search.analysis import accented_analyzer, folded_analyzer

VALUES = ["Xoài cát Chu xoài xoai", "Hội quán Thử 3", "Hoà Lộc hòa lộc", "", "loại 1, giao tại vườn."]


def test_each_field_gives_whooshs_postings_the_first_time_and_after():
    pairs = [(schema.FoldedText(analyzer=folded_analyzer()), TEXT(analyzer=folded_analyzer())),
             (schema.AccentedText(analyzer=accented_analyzer(), phrase=False),
              TEXT(analyzer=accented_analyzer(), phrase=False)),
             (schema.Identifier(), ID())]
    for remembered, plain in pairs:
        for value in VALUES:
            expected = sorted(plain.index(value))
            assert sorted(remembered.index(value)) == expected
            assert sorted(remembered.index(value)) == expected  # from the cache


def test_the_cache_is_bounded(monkeypatch):
    monkeypatch.setattr(schema, "POSTINGS_REMEMBERED", 3)
    monkeypatch.setattr(schema, "_POSTINGS", {})
    field = schema.FoldedText(analyzer=folded_analyzer())
    for i in range(10):
        list(field.index(f"tên {i}"))
        assert len(schema._POSTINGS) <= 3
    assert sorted(field.index("tên 9")) == sorted(TEXT(analyzer=folded_analyzer()).index("tên 9"))


def test_long_values_are_analysed_each_time_and_not_kept(monkeypatch):
    monkeypatch.setattr(schema, "_POSTINGS", {})
    field = schema.FoldedText(analyzer=folded_analyzer())
    long_value = "giao tại vườn " * 30
    assert sorted(field.index(long_value)) == sorted(TEXT(analyzer=folded_analyzer()).index(long_value))
    list(field.index("xoài"))
    assert [key[0::3] for key in schema._POSTINGS] == [("folded-positions", "xoài")]


def test_fields_of_one_analysis_with_different_boosts_or_formats_keep_their_own_postings(monkeypatch):
    monkeypatch.setattr(schema, "_POSTINGS", {})
    value = "Xoài cát Chu xoài"
    fields = [schema.FoldedText(analyzer=folded_analyzer()),
              schema.FoldedText(analyzer=folded_analyzer(), field_boost=2.0),
              schema.FoldedText(analyzer=folded_analyzer(), phrase=False)]
    plain = [TEXT(analyzer=folded_analyzer()), TEXT(analyzer=folded_analyzer(), field_boost=2.0),
             TEXT(analyzer=folded_analyzer(), phrase=False)]
    for _ in range(2):  # the second time from the cache
        for remembered, whoosh_field in zip(fields, plain, strict=True):
            assert sorted(remembered.index(value)) == sorted(whoosh_field.index(value))


def test_the_schema_refuses_fields_sharing_an_analysis_name_but_not_their_analysis():
    built = schema.make_schema()
    schema._check_shared_analyses(built)  # ours agree
    built.add("other", schema.FoldedText(analyzer=accented_analyzer()))
    with pytest.raises(ValueError, match="folded-positions"):
        schema._check_shared_analyses(built)
    built = schema.make_schema()
    built.add("other", schema.FoldedText(analyzer=folded_analyzer(), phrase=False))
    with pytest.raises(ValueError, match="folded-positions"):
        schema._check_shared_analyses(built)
    built = schema.make_schema()
    built.add("other", schema.FoldedText(analyzer=folded_analyzer(), field_boost=3.0))
    schema._check_shared_analyses(built)  # a boost of its own is in the cache key
