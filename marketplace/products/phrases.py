"""Reading a product phrase as people write it: "Xoài cát Chu loại 1" → product, variety, grade.

Pure (no Flask, no database). Clubs and buyers put the variety into the product ("Xoài cát
Chu", "Gạo ST25", "dua xiem"), a grade anywhere ("xoài cát Chu xuất khẩu"), type without accents
or with Telex residue ("xoaif"), and use regional words (thơm = khóm = dứa). The reader compares
word by word:

- a word typed *with* accents matches only that accented word ("dứa" is never "dừa"); a word
  typed without accents matches any accents ("dua" is dứa, dừa or dưa until something settles it);
- leading noise words (trái, quả, cây, con, bông, hoa) are dropped, on both sides;
- a product name at the start, followed by a variety (or anything: kept as the variety text),
  or a variety followed by the product name at the end; a variety name alone that belongs to
  one product names that product;
- several products fit (an accent-free "dua xiem"): the one whose variety fits wins;
- grade phrases ("loại 1", "xuất khẩu", "chậu lớn") are taken out wherever they are;
- a one-letter typo is forgiven only in words of five letters or more, and only when nothing
  matched exactly.

Whatever cannot be settled is not guessed: the reading has no product, and the caller keeps the
phrase as typed for staff to map.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from marketplace.keyboard import place_tone, read_typing_residue
from marketplace.products.taxonomy import GRADE_PHRASES, NOISE_WORDS, WORD_SYNONYMS
from marketplace.vietnamese import fold, nfc, within_one_edit

# The noise words as written with their marks: "hòa" (in Hòa Lộc) is not "hoa" (flower).
ACCENTED_NOISE_WORDS = frozenset({"trái", "quả", "cây", "con", "bông", "hoa"})
MIN_TYPO_LENGTH = 5
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Word:
    """One word as typed (lower case, NFC) and folded (no accents, regional word unified)."""

    typed: str
    folded: str
    shown: str = ""  # as written, case kept (Telex residue read as the word it spells)
    # Read from Telex/VNI residue: its marks are a guess ("dduwsa" spells đứa, meant dứa), so it
    # compares like a word typed without accents — and as typed, since the guess may be wrong
    # ("Thorn" spells "thỏn"): `plain` is the word as typed, folded.
    guessed: bool = False
    plain: str = ""

    @property
    def marked(self) -> bool:
        return fold(self.typed) != self.typed


def words_of(text: str | None, *, repair: bool = True) -> list[Word]:
    """The words of text; Telex/VNI residue ("xoaif", "xoai2") read as the word it spells."""
    words = []
    for written in _WORD.findall(unicodedata.normalize("NFKC", nfc(text or ""))):
        raw = place_tone(written.lower())  # "hoà" and "hòa" are one word written two ways
        repaired = read_typing_residue(raw) if repair else None
        typed = repaired or raw
        folded = fold(typed).replace(" ", "")
        # What is stored and shown is what was written: the residue reading only compares.
        words.append(Word(typed, WORD_SYNONYMS.get(folded, folded), written, repaired is not None,
                          fold(raw) if repaired else ""))
    return words


def _same(typed: Word, name: Word, *, typo: bool = False) -> bool:
    if typed.guessed and typed.plain == name.folded:
        return True
    if typed.folded != name.folded:
        return typo and len(name.folded) >= MIN_TYPO_LENGTH and within_one_edit(typed.folded, name.folded)
    if not typed.marked or typed.guessed or typed.folded != fold(typed.typed):
        return True  # typed without accents (or a regional word such as quả for trái): any accents
    return typed.typed == name.typed or not name.marked


def _same_words(typed: Sequence[Word], name: Sequence[Word], *, typo: bool = False) -> bool:
    return len(typed) == len(name) and all(_same(t, n, typo=typo) for t, n in zip(typed, name, strict=True))


def _is_noise(word: Word) -> bool:
    return word.typed in ACCENTED_NOISE_WORDS if word.marked else word.folded in NOISE_WORDS


def without_noise(words: list[Word]) -> list[Word]:
    """Noise words in front dropped, unless nothing else is left."""
    start = 0
    while start < len(words) and _is_noise(words[start]):
        start += 1
    return words[start:] or words


# The catalogue, read once ------------------------------------------------------------------

@dataclass(frozen=True)
class VarietyEntry:
    variety_id: int
    name: str
    names: tuple[tuple[Word, ...], ...]  # each name and synonym, as words
    # The names that say which product on their own ("ST25", "cát Hòa Lộc", "Monthong"); a plain
    # lower-case word ("lê", "keo", "giống") names a variety only after its product.
    alone: tuple[tuple[Word, ...], ...] = ()


def _stands_alone(words: tuple[Word, ...]) -> bool:
    return len(words) > 1 or any(c.isdigit() for w in words for c in w.typed) or any(
        w.shown[:1].isupper() for w in words)


@dataclass(frozen=True)
class ProductEntry:
    product_id: int
    category: str
    names: tuple[tuple[Word, ...], ...]  # name_vi, name_en, synonyms, noise words dropped
    varieties: tuple[VarietyEntry, ...]
    in_catalogue: bool = True
    # Noise words its own names start with ("hoa" for Bông điên điển, a vegetable): typed in
    # front, they say nothing against it.
    named_with: frozenset[str] = frozenset()


def product_entry(product_id: int, category: str, names: Iterable[str],
                  varieties: Iterable[tuple[int, str, Iterable[str]]] = (), *,
                  in_catalogue: bool = True) -> ProductEntry:
    """A product's names as the reader compares them; varieties as (id, name, synonyms) or
    (id, name, synonyms, staff synonyms) — names staff mapped to it, which stand alone."""
    names = tuple(names)
    return ProductEntry(
        product_id, category, _names(names),
        tuple(_variety_entry(*variety) for variety in varieties),
        in_catalogue, frozenset(w.folded for n in names for w in _leading_noise(words_of(n, repair=False))))


def _leading_noise(words: list[Word]) -> list[Word]:
    return words[:len(words) - len(without_noise(words))]


def _variety_entry(variety_id: int, name: str, synonyms: Iterable[str], mapped: Iterable[str] = ()) -> VarietyEntry:
    names = _names([name, *synonyms], noise=False)
    mapped_names = _names(mapped, noise=False)
    return VarietyEntry(variety_id, name, names + tuple(n for n in mapped_names if n not in names),
                        tuple(n for n in names if _stands_alone(n)) + mapped_names)


def _names(names: Iterable[str], *, noise: bool = True) -> tuple[tuple[Word, ...], ...]:
    seen: list[tuple[Word, ...]] = []
    for name in names:
        words = words_of(name, repair=False)
        words = without_noise(words) if noise else words
        if words and tuple(words) not in seen:
            seen.append(tuple(words))
    return tuple(seen)


@dataclass(frozen=True)
class Catalogue:
    """Every product and variety name, split into words once (not once per row of an import)."""

    products: tuple[ProductEntry, ...]
    grades: tuple[tuple[Word, ...], ...] = field(default_factory=lambda: _GRADES)
    # (phrase, variety cell) → its Reading: a sheet names the same few goods on thousands of rows,
    # and a reading depends on nothing but the phrase and this (immutable) catalogue.
    readings: dict[tuple[str | None, str | None], Reading] = field(
        default_factory=dict, compare=False, hash=False, repr=False)

    def category_of(self, product_id: int) -> str | None:
        return next((p.category for p in self.products if p.product_id == product_id), None)


_GRADES: tuple[tuple[Word, ...], ...] = tuple(
    sorted((tuple(words_of(g, repair=False)) for g in GRADE_PHRASES), key=len, reverse=True))


# Reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Reading:
    """What a phrase (and a variety cell) says. product_id None: not settled, keep as typed."""

    product_id: int | None
    variety_id: int | None
    name: str  # the phrase without its grade, as typed: what is kept when nothing matched
    variety_text: str  # the variety as typed (the cell, or the words after the product name)
    grade: str  # grade phrases found, as typed, joined with ", "


@dataclass(frozen=True)
class _Candidate:
    product: ProductEntry
    variety: VarietyEntry | None
    rest: tuple[Word, ...]  # words besides the product name (the variety as typed)
    name_length: int
    exact: bool
    in_catalogue: bool


def read_phrase(text: str | None, catalogue: Catalogue, *, variety_text: str | None = None) -> Reading:
    """Product, variety and grade named by a phrase and an optional variety cell (which wins
    when it names a variety of the product). Read once per catalogue (see Catalogue.readings)."""
    key = (text, variety_text)
    reading = catalogue.readings.get(key)
    if reading is None:
        if len(catalogue.readings) >= _READINGS_KEPT:
            catalogue.readings.clear()
        reading = catalogue.readings[key] = _read_phrase(text, catalogue, variety_text=variety_text)
    return reading


_READINGS_KEPT = 20_000


def _read_phrase(text: str | None, catalogue: Catalogue, *, variety_text: str | None = None) -> Reading:
    words, grades = _take_grades(words_of(text), catalogue.grades)
    cell, cell_grades = _take_grades(words_of(variety_text), catalogue.grades)
    grade = ", ".join(dict.fromkeys(_shown(g) for g in grades + cell_grades))
    # Kept as written (punctuation too) unless a grade was taken out of it.
    name = _shown(words) if grades else " ".join((text or "").split())
    dropped = _leading_noise(words)
    fits = _category_hint(dropped)
    words = without_noise(words)
    if not words:
        return Reading(None, None, name, _shown(cell), grade)
    for typo in (False, True):
        candidates = [c for c in _candidates(words, cell, catalogue, typo=typo)
                      if fits(c.product.category) or {w.folded for w in dropped} <= c.product.named_with]
        best = _best(candidates)
        if best is not None:
            variety = best.variety
            if variety is None and (best.rest or cell):  # "sầu riêng monthon": a typo in the variety
                variety = _variety(best.product, cell, best.rest, typo=True)
            variety_words = cell or list(best.rest)
            return Reading(best.product.product_id, variety.variety_id if variety else None,
                           name, _shown(variety_words), grade)
        if candidates:
            break  # several products fit equally: an exact tie is not settled by a typo reading
    return Reading(None, None, name, _shown(cell), grade)


def _category_hint(dropped: list[Word]):
    """What a noise word in front still says: "trái"/"quả" is not a flower ("trái hồng" is a
    persimmon, not a rose), "hoa"/"bông" is one."""
    folded = {w.folded for w in dropped}
    if "hoa" in folded:
        return lambda category: category == "flower"
    if "trai" in folded:
        return lambda category: category != "flower"
    return lambda category: True


def _shown(words: Sequence[Word]) -> str:
    return " ".join(w.shown or w.typed for w in words)


def _take_grades(words: list[Word], grades: tuple[tuple[Word, ...], ...]) -> tuple[list[Word], list[list[Word]]]:
    found: list[list[Word]] = []
    i = 0
    kept: list[Word] = []
    while i < len(words):
        grade = next((g for g in grades if _same_words(words[i:i + len(g)], g)), None)
        if grade is not None:
            found.append(list(grade))  # as the catalogue writes it: "loai 1" reads "loại 1"
            i += len(grade)
        else:
            kept.append(words[i])
            i += 1
    return kept, found


def _candidates(words: list[Word], cell: list[Word], catalogue: Catalogue, *, typo: bool) -> list[_Candidate]:
    found: list[_Candidate] = []
    for product in catalogue.products:
        for name in product.names:
            n = len(name)
            if n > len(words):
                continue
            if not product.in_catalogue and n != len(words):
                continue  # a name kept as typed answers to itself only, not to "Cá" + anything
            if _same_words(words[:n], name, typo=typo):  # product first: "Xoài cát Chu"
                rest = tuple(words[n:])
                variety = _variety(product, cell, rest, typo=typo)
                found.append(_Candidate(product, variety, rest, n, not typo, product.in_catalogue))
            elif n < len(words) and _same_words(words[-n:], name, typo=typo):
                # Variety first ("cát Chu xoài") only when those words do name a variety.
                rest = tuple(words[:-n])
                variety = _variety(product, cell, rest, typo=typo)
                if variety is not None:
                    found.append(_Candidate(product, variety, rest, n, not typo, product.in_catalogue))
        if not any(c.product is product for c in found):
            # A variety alone ("ST25", "cát Hòa Lộc", "quýt hồng"): a variety synonym may
            # carry the product's name too.
            variety = _variety(product, [], tuple(words), typo=typo, whole_only=True)
            if variety is not None:
                found.append(_Candidate(product, variety, (), 0, not typo, product.in_catalogue))
    return found


def _variety(product: ProductEntry, cell: list[Word], rest: tuple[Word, ...], *, typo: bool,
             whole_only: bool = False) -> VarietyEntry | None:
    """The variety the cell names (it wins), else the one the rest of the phrase names: the
    whole rest, else the longest variety the rest starts with, else the one variety the rest
    abbreviates ("quýt hồng" for hồng Lai Vung)."""
    if cell:
        chosen = _one(v for v in product.varieties if any(_same_words(cell, n, typo=typo) for n in v.names))
        if chosen is not None:
            return chosen
    if not rest:
        return None
    whole = _one(v for v in product.varieties
                 if any(_same_words(rest, n, typo=typo) for n in (v.alone if whole_only else v.names)))
    if whole is not None or whole_only:
        return whole
    starts = [(len(n), v) for v in product.varieties for n in v.names
              if len(n) < len(rest) and _same_words(rest[:len(n)], n, typo=typo)]
    if starts:
        longest = max(length for length, _v in starts)
        return _one(v for length, v in starts if length == longest)
    return _one(v for v in product.varieties for n in v.names
                if len(rest) < len(n) and _same_words(rest, n[:len(rest)], typo=typo))


def _one(varieties: Iterable[VarietyEntry]) -> VarietyEntry | None:
    distinct = {v.variety_id: v for v in varieties}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


def _best(candidates: list[_Candidate]) -> _Candidate | None:
    """The one candidate that fits best: a fitting variety, then nothing left over, then the
    longest product name, then the catalogue's own product over a name kept as typed."""
    if not candidates:
        return None

    def rank(c: _Candidate) -> tuple:
        return (c.variety is not None, not c.rest, c.name_length, c.in_catalogue)

    top = max(rank(c) for c in candidates)
    products = {c.product.product_id for c in candidates if rank(c) == top}
    if len(products) != 1:
        return None
    return next(c for c in candidates if rank(c) == top)


# Where a name the catalogue lacks belongs ---------------------------------------------------

def guess_category(name: str, catalogue: Catalogue, default: str) -> str:
    """The category of the catalogue's products whose name starts with the same word ("Trà
    tim sen" with the trà products, "Cá rô" with the fish), when they agree; else default."""
    words = without_noise(words_of(name))
    if not words:
        return default
    head = words[0]
    categories = {p.category for p in catalogue.products if p.in_catalogue
                  for n in p.names if n and _same(head, n[0])}
    return categories.pop() if len(categories) == 1 else default
