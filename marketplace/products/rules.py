"""Pure rules for naming products: how free text maps to a product of the taxonomy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import dropwhile

from marketplace.products.taxonomy import NOISE_WORDS, WORD_SYNONYMS
from marketplace.vietnamese import clean, fold


@dataclass(frozen=True)
class ProductNames:
    """Every name a product answers to, as typed in the taxonomy."""

    product_id: int
    names: tuple[str, ...]


def accented_key(text: str) -> str:
    """Lower-case, accents kept, noise words dropped: "Trái Dứa" → "dứa"."""
    words = clean(text).lower().split()
    # Only in front: in "cá quả" (snakehead) the "quả" is part of the name.
    kept = list(dropwhile(lambda w: fold(w) in NOISE_WORDS, words))
    return " ".join(kept or words)


def folded_key(text: str) -> str:
    """Accent-free, synonyms unified, noise words dropped: "trai khom" → "dua"."""
    words = [WORD_SYNONYMS.get(w, w) for w in fold(text).split()]
    kept = list(dropwhile(lambda w: w in NOISE_WORDS, words))
    return " ".join(kept or words)


def resolve_product(text: str, candidates: Iterable[ProductNames]) -> int | None:
    """The product a person meant by text, or None when unknown or ambiguous.

    Accented spelling decides first, so "dứa" is pineapple although "dua" would also fit
    coconut (dừa) and melon (dưa); only text typed without accents falls back to the folded
    form, and there an ambiguous answer is no answer.
    """
    if not clean(text):
        return None
    candidates = list(candidates)
    wanted = accented_key(text)
    by_accent = {c.product_id for c in candidates if wanted in {accented_key(n) for n in c.names}}
    if len(by_accent) == 1:
        return by_accent.pop()
    if wanted != fold(wanted):
        return None  # accents were typed and matched nothing (or too much): do not guess
    wanted_folded = folded_key(text)
    by_fold = {c.product_id for c in candidates if wanted_folded in {folded_key(n) for n in c.names}}
    if len(by_fold) == 1:
        return by_fold.pop()
    return None
