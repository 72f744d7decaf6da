"""How the words of the box become a Whoosh query: which fields each word is looked up in, and
when a typo is forgiven."""

from __future__ import annotations

from whoosh import query as Q

from marketplace.search.queries import text_query
from marketplace.search.query import SearchRequest


def query_of(text: str, known_words=()) -> Q.Query:
    request = SearchRequest(q=text).with_parsed()
    return text_query(request, lambda folded: folded in known_words)


def terms(query: Q.Query) -> set[tuple[str, str]]:
    return {(q.fieldname, q.text) for q in query.leaves() if type(q) is Q.Term}


def fuzzy(query: Q.Query) -> set[str]:
    return {q.text for q in query.leaves() if isinstance(q, Q.FuzzyTerm)}


def test_a_word_typed_with_accents_is_looked_up_in_the_accented_fields_only():
    found = terms(query_of("dứa", {"dua", "dứa"}))
    assert found == {(f"{name}_exact", text) for name in ("name", "org", "place", "body") for text in ("dứa", "dua")}


def test_a_slip_of_the_tone_mark_is_also_read_without_accents():
    # "xoại" is written nowhere: below the exact parts, it is read as "xoai".
    found = terms(query_of("xoại", {"xoai", "xoài"}))
    assert ("name_exact", "xoại") in found and ("name", "xoai") in found


def test_a_word_typed_without_accents_is_looked_up_folded():
    assert terms(query_of("dua", {"dua"})) == {(name, "dua") for name in ("name", "org", "place", "body")}


def test_a_regional_word_with_accents_reads_through_its_synonym():
    assert ("name", "trai") in terms(query_of("xoài quả", {"xoai", "trai"}))


def test_residue_is_looked_up_as_spelled_and_as_typed():
    found = terms(query_of("cats", {"cat"}))
    assert ("name", "cat") in found and ("body", "cats") in found
    assert not any(field.endswith("_exact") for field, _text in found)


def test_a_known_word_is_never_read_with_an_edit():
    assert fuzzy(query_of("xoai cat chu", {"xoai", "cat", "chu"})) == set()
    assert fuzzy(query_of("monthong", {"monthong"})) == set()


def test_an_unknown_long_word_gets_one_edit_on_its_own():
    assert fuzzy(query_of("montong")) == {"montong"}


def test_an_unknown_short_word_gets_one_edit_only_when_another_word_occurs():
    assert fuzzy(query_of("xoai cat chuu", {"xoai", "cat"})) == {"chuu"}
    assert fuzzy(query_of("chuu")) == set()
    assert fuzzy(query_of("xoai chuu")) == set()  # nothing else occurs either: nothing settles it
    assert fuzzy(query_of("xo chuu", {"chuu"})) == set()  # two letters: too short to guess


def test_a_swap_of_neighbours_counts_as_one_edit():
    found = terms(query_of("xoia cat", {"cat"}))
    assert ("name", "xoai") in found  # Whoosh's fuzzy term would count two
    assert ("name", "oxia") not in found  # the first letter is kept


def test_a_phrase_with_accents_needs_its_accented_words_as_written():
    query = query_of('"cát hòa lộc"', {"cat", "hoa", "loc"})
    assert isinstance(query, Q.And)
    assert isinstance(query.subqueries[0], Q.Or) and all(isinstance(q, Q.Phrase) for q in query.subqueries[0])
    assert ("name_exact", "hòa") in terms(query)
    assert isinstance(query_of('"cat hoa loc"', {"cat"}), Q.Or)  # no marks: the folded phrase alone


def test_no_words_is_every_document():
    assert isinstance(query_of(""), Q.Every)
