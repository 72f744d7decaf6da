"""Vietnamese text analysis for the index, and reading what a person typed into the search box.

Two analyses of the same text: *folded* (NFC, lower case, accents removed, đ→d, regional word
synonyms unified) so that "dua" finds dứa, dừa and dưa; and *accented* (NFC, lower case, the
tone mark where keyboard.place_tone writes it, so "hoà" is "hòa") so that "dứa" finds
pineapple and not coconut or melon. A word typed with accents is looked up in the accented
analysis only, as written or as text written without accents stores it ("dua"); a word typed
without accents in the folded one. No stemming: Vietnamese words are not inflected.
Normalisation happens before the tokenizer splits, or combining marks would split words.

Words typed with the input method off ("xoaif", "xoai2") are read as the word they spell
(keyboard.read_typing_residue), keeping what was typed as a second reading.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import dropwhile

from whoosh.analysis import Filter, LowercaseFilter, NormalizingRegexTokenizer

from marketplace.keyboard import place_tone, read_typing_residue
from marketplace.products.taxonomy import NOISE_WORDS, WORD_SYNONYMS
from marketplace.vietnamese import fold, nfc, within_one_edit

WORD = r"\w+"

# Words in the box that name a certification: they become the (valid-only) certificate filter
# rather than text, so "xoai vietgap" never finds a mango whose VietGAP has lapsed.
CERTIFICATE_WORDS: dict[str, str] = {
    "vietgap": "vietgap", "globalgap": "globalgap", "global gap": "globalgap", "viet gap": "vietgap",
    "huu co": "organic", "organic": "organic",
}
OCOP_WORD = "ocop"


class FoldAccentsFilter(Filter):
    """Strip diacritics from each token and map đ to d."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text.replace("đ", "d").replace("Đ", "D")
            decomposed = unicodedata.normalize("NFD", text)
            token.text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
            yield token


class WordSynonymFilter(Filter):
    """Regional words that mean the same thing read as one: quả → trái, bông → hoa."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = WORD_SYNONYMS.get(token.text, token.text)
            yield token


class ToneFilter(Filter):
    """One place for the tone mark: "hoà" and "hòa", "thuý" and "thúy" are one word."""

    def __call__(self, tokens):
        for token in tokens:
            token.text = place_tone(token.text)
            yield token


def accented_analyzer():
    return NormalizingRegexTokenizer("NFC", expression=WORD) | LowercaseFilter() | ToneFilter()


def folded_analyzer():
    # Without the ToneFilter: folding erases the tone wherever it sits.
    return NormalizingRegexTokenizer("NFC", expression=WORD) | LowercaseFilter() | FoldAccentsFilter() \
        | WordSynonymFilter()


def folded_word(word: str) -> str:
    folded = fold(word).replace(" ", "")
    return WORD_SYNONYMS.get(folded, folded)


# The regional words of taxonomy.WORD_SYNONYMS as written with their marks: typed so, they still
# read through the synonym (quả is trái), which only the folded analysis knows.
REGIONAL_WORDS = frozenset({"quả", "trái", "bông"})


@dataclass(frozen=True)
class Word:
    folded: str
    accented: str  # lower case, NFC, tone placed; equal to folded when typed without marks
    typed: str = ""  # as typed (lower case), when that differs from `accented`
    residue: bool = False  # read from Telex/VNI residue: `typed` is the keys, `accented` what they spell

    @property
    def has_marks(self) -> bool:
        """Typed with accents (not merely a regional synonym: "qua" reads as "trai")."""
        return fold(self.accented) != self.accented

    @property
    def exact(self) -> bool:
        """Looked up as written: typed with accents by a person who meant them. Residue is not:
        a slip in the keys (dd for d) is as common as the residue itself, so "dduwsa" reads as
        "dua" does; nor a regional word, which only the folded analysis unifies."""
        return self.has_marks and not self.residue and self.accented not in REGIONAL_WORDS

    def readings(self) -> list[Word]:
        """The ways to look the word up: residue also as the keys typed ("cats" is a word too)."""
        if not self.residue:
            return [self]
        return [self, Word(folded_word(self.typed), self.typed, self.typed)]


@dataclass
class ParsedQuery:
    """The search box, read: loose words, quoted phrases, and filters spelled out as words."""

    words: list[Word] = field(default_factory=list)
    phrases: list[list[Word]] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    ocop_stars: int | None = None  # "ocop" → 3 (any certified rating); "ocop 4 sao" → 4

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)

    def all_words(self) -> list[Word]:
        return self.words + [w for phrase in self.phrases for w in phrase]


_QUOTED = re.compile(r"[\"“”„«»]([^\"“”„«»]*)[\"“”„«»]?")


def read_words(text: str) -> list[Word]:
    # NFKC also turns full-width letters from some phone keyboards (ｘｏａｉ) into plain ones.
    words = []
    for raw in re.findall(WORD, unicodedata.normalize("NFKC", text).lower()):
        spelled = read_typing_residue(raw)
        if spelled is not None:
            words.append(Word(folded_word(spelled), spelled, raw, residue=True))
            continue
        folded = folded_word(raw)
        if folded:
            accented = place_tone(raw)
            words.append(Word(folded, accented, raw if raw != accented else ""))
    return words


def parse_query(text: str | None) -> ParsedQuery:
    """Read a query as typed: "xoai cat chu vietgap", "\"cát chu\" ocop", "trái thơm".

    Leading noise words (trái, quả, cây…) are dropped unless nothing else is left; certificate
    names (even with one typo) and "ocop" (with its stars: "ocop 4 sao") become filters; text in
    quotes is a phrase.
    """
    parsed = ParsedQuery()
    text = nfc(text or "")[:200]
    for match in _QUOTED.finditer(text):
        phrase = read_words(match.group(1))
        if len(phrase) > 1:
            parsed.phrases.append(phrase)
        else:
            parsed.words.extend(phrase)
    loose = read_words(_QUOTED.sub(" ", text))
    folded = " ".join(w.folded for w in loose)
    for spelled, certificate in CERTIFICATE_WORDS.items():
        if re.search(rf"\b{spelled}\b", folded):
            if certificate not in parsed.certificates:
                parsed.certificates.append(certificate)
            drop = spelled.split()
            loose = _remove_sequence(loose, drop)
            folded = " ".join(w.folded for w in loose)
    for word in list(loose):  # "vietgpa", "globalgab": a typo in a certificate name is still one
        certificate = _misspelled_certificate(word.folded)
        if certificate:
            if certificate not in parsed.certificates:
                parsed.certificates.append(certificate)
            loose.remove(word)
    loose = _read_ocop(loose, parsed)
    kept = list(dropwhile(_is_noise, loose))
    parsed.words = (kept or loose) + parsed.words
    return parsed


# The noise words as written with their marks: "hòa" (in Hòa Lộc) is not "hoa" (flower).
ACCENTED_NOISE_WORDS = frozenset({"trái", "quả", "cây", "con", "bông", "hoa"})


def _is_noise(word: Word) -> bool:
    return word.accented in ACCENTED_NOISE_WORDS if word.has_marks else word.folded in NOISE_WORDS


def _read_ocop(words: list[Word], parsed: ParsedQuery) -> list[Word]:
    """"ocop", "ocop 4 sao", "4 sao ocop", "ocop 5*": the OCOP filter, with its stars if given."""
    folded = [w.folded for w in words]
    if OCOP_WORD not in folded:
        return words
    drop = set()
    stars = 3
    for i, word in enumerate(folded):
        if word == OCOP_WORD:
            drop.add(i)
        elif word in {"3", "4", "5"} and any(folded[j] in (OCOP_WORD, "sao") for j in (i - 1, i + 1)
                                              if 0 <= j < len(folded)):
            stars = int(word)
            drop.add(i)
            if i + 1 < len(folded) and folded[i + 1] == "sao":
                drop.add(i + 1)
    parsed.ocop_stars = max(parsed.ocop_stars or 0, stars)
    return [w for i, w in enumerate(words) if i not in drop]


def _misspelled_certificate(word: str) -> str | None:
    if len(word) < 6 or word in CERTIFICATE_WORDS:
        return None
    for spelled, certificate in CERTIFICATE_WORDS.items():
        if " " not in spelled and within_one_edit(word, spelled):
            return certificate
    return None


def _remove_sequence(words: list[Word], sequence: list[str]) -> list[Word]:
    n = len(sequence)
    for i in range(len(words) - n + 1):
        if [w.folded for w in words[i:i + n]] == sequence:
            return words[:i] + words[i + n:]
    return words
