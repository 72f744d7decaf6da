"""Vietnamese text analysis for the index.

Two analyses of the same text: *folded* (NFC, lower case, accents removed, đ→d) so that
"dua" finds dứa, dừa and dưa; and *accented* (NFC, lower case) so that "dứa" can rank
pineapple above coconut and melon. No stemming: Vietnamese words are not inflected.
Normalisation happens before the tokenizer splits, or combining marks would split words.
"""

from __future__ import annotations

import unicodedata

from whoosh.analysis import Filter, LowercaseFilter, NormalizingRegexTokenizer

WORD = r"\w+"


class FoldAccentsFilter(Filter):
    """Strip diacritics from each token and map đ to d."""

    def __call__(self, tokens):
        for token in tokens:
            text = token.text.replace("đ", "d").replace("Đ", "D")
            decomposed = unicodedata.normalize("NFD", text)
            token.text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
            yield token


def accented_analyzer():
    return NormalizingRegexTokenizer("NFC", expression=WORD) | LowercaseFilter()


def folded_analyzer():
    return accented_analyzer() | FoldAccentsFilter()
