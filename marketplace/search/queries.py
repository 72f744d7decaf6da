"""The Whoosh queries a search stands for: the words of the box (query.py reads them), read
accent-aware and typo-tolerant, and each filter as its own query so that its documents can be
cached apart. Pure: nothing here opens an index."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from whoosh import query as Q

from marketplace.search.analysis import Word
from marketplace.search.documents import CERTIFICATE_TYPES, NO_PRICE
from marketplace.search.query import SearchRequest
from marketplace.search.schema import EXACT_FIELDS, TEXT_FIELDS, WEIGHTS
from marketplace.vietnamese import fold

# The word as typed, accents and all, counts twice a folded match: "xoài" found as "Xoài" above
# "xoai" in text written without accents.
EXACT_WEIGHT = 2.0
TYPO_WEIGHT = 2.0
# One edit is allowed in a word that occurs in no document: from five letters on its own
# ("montong"), from three when another word of the query occurs ("xoai cat chuu"). A word that
# occurs is never stretched: "cat" must not also find cao, cam and chat.
TYPO_MIN_LENGTH = 5
SHORT_TYPO_MIN_LENGTH = 3


def _exact_parts(word: Word) -> list[Q.Query]:
    """A word typed with accents, in the accented fields: as typed, or as text written without
    any accents stores it ("dứa" finds "dua xiem" typed plainly, never "dừa")."""
    plain = fold(word.accented)
    parts = []
    for name, exact in EXACT_FIELDS.items():
        parts.append(Q.Term(exact, word.accented, boost=WEIGHTS[name] * EXACT_WEIGHT))
        parts.append(Q.Term(exact, plain, boost=WEIGHTS[name]))
    return parts


def _swaps(word: str) -> list[str]:
    """The word with two neighbouring letters swapped, the first letter kept (as FuzzyTerm's
    prefix keeps it)."""
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
    return sorted(swapped - {word})


def word_query(word: Word, *, known: bool = True, settled: bool = False, marks_found: bool = True) -> Q.Query:
    """One word of the box. `known`: the word occurs in some document (no edit is allowed then);
    `settled`: another word of the query occurs, so a short unknown word may be read with one
    edit; `marks_found`: a word typed with accents occurs so written somewhere — when it does not
    ("xoại", a slip of the tone mark), it is also read without its accents, below every exact
    match. Each reading of residue ("cats": cát, and cats) is looked up."""
    parts: list[Q.Query] = []
    for reading in word.readings():
        if reading.exact:
            parts += _exact_parts(reading)
            if not marks_found:
                parts += [Q.Term(name, reading.folded, boost=TYPO_WEIGHT) for name in TEXT_FIELDS]
        else:
            parts += [Q.Term(name, reading.folded, boost=WEIGHTS[name]) for name in TEXT_FIELDS]
        length = len(reading.folded)
        if not known and (length >= TYPO_MIN_LENGTH or (settled and length >= SHORT_TYPO_MIN_LENGTH)):
            # Below any exact match: a typo's reading ranks after the words typed right.
            parts.append(Q.FuzzyTerm("name", reading.folded, boost=TYPO_WEIGHT, maxdist=1, prefixlength=1))
            # Whoosh counts two neighbours swapped ("xoia") as two edits; people make it as one.
            parts += [Q.Term("name", swapped, boost=TYPO_WEIGHT) for swapped in _swaps(reading.folded)]
    unique = list({repr(part): part for part in parts}.values())
    return unique[0] if len(unique) == 1 else Q.Or(unique)


def phrase_query(words: list[Word]) -> Q.Query:
    folded = [w.folded for w in words]
    phrase = Q.Or([Q.Phrase(name, folded, boost=WEIGHTS[name]) for name in TEXT_FIELDS])
    exact = [w for w in words if w.exact]
    if not exact:
        return phrase
    # The order comes from the folded phrase (positions are not kept for the accented fields);
    # each word typed with accents must also match as written, and adds its score as a word does.
    return Q.And([phrase] + [Q.Or(_exact_parts(w)) for w in exact])


def text_query(request: SearchRequest, known: Callable[[str], bool] | None = None) -> Q.Query:
    """The words and phrases of the box, all required. `known(folded)` says whether a folded
    word occurs in any document; without it every word counts as unknown and only long words
    are read with one edit (what the query alone can tell)."""
    parsed = request.parsed
    occurs = [bool(known) and any(known(r.folded) for r in w.readings()) for w in parsed.words]
    in_phrases = bool(known) and any(known(w.folded) for p in parsed.phrases for w in p)
    parts = []
    for i, word in enumerate(parsed.words):
        settled = in_phrases or any(o for j, o in enumerate(occurs) if j != i)
        marks_found = not known or not word.exact or known(word.accented)
        parts.append(word_query(word, known=occurs[i], settled=settled, marks_found=marks_found))
    parts += [phrase_query(p) for p in parsed.phrases]
    if not parts:
        return Q.Every()
    return parts[0] if len(parts) == 1 else Q.And(parts)


def _from(field_name: str, day: int) -> Q.Query:
    return Q.NumericRange(field_name, day, None)


def filter_parts(request: SearchRequest, today: date) -> list[Q.Query]:
    """Each filter as its own query, so that each one's documents can be cached apart."""
    day = today.toordinal()
    parts: list[Q.Query] = [Q.Term("state", "live"), _from("live_until", day)]
    if request.type:
        parts.append(Q.Term("type", request.type))
    if request.category:
        parts.append(Q.Term("category", request.category))
    if request.commune:
        parts.append(Q.Term("commune_code", request.commune))
    for certificate in request.certificates:
        parts.append(_from(f"{certificate}_until", day))
    if request.min_ocop:
        parts.append(_from(f"ocop{max(3, request.min_ocop)}_until", day))
    if request.has_planting_code:
        parts.append(_from("code_until", day))
    if request.available_to:
        parts.append(Q.NumericRange("window_from", None, request.available_to.toordinal()))
    if request.available_from:
        parts.append(_from("window_to", request.available_from.toordinal()))
    if request.price_min is not None or request.price_max is not None:
        high = request.price_max if request.price_max is not None else NO_PRICE - 1
        parts.append(Q.NumericRange("price", request.price_min, high))
    return parts


def credential_facets(today: date) -> dict[str, Q.Query]:
    day = today.toordinal()
    facets = {c: _from(f"{c}_until", day) for c in CERTIFICATE_TYPES}
    facets |= {f"ocop{n}": _from(f"ocop{n}_until", day) for n in (3, 4, 5)}
    facets["planting_code"] = _from("code_until", day)
    return facets


SORT_FIELDS = {"price": ("price", False), "newest": ("published", True), "harvest": ("window_from", False)}
