"""Vietnamese text normalisation shared by places, products and (later) search.

People type Vietnamese with accents, without them, and with combining marks from old
keyboards. Everything that compares names goes through these functions, so "phu huu",
"Phú Hựu" and "Phu\u0301 Hư\u0323u" all meet.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)
# Control characters, and the invisible ones that reorder or hide text: direction overrides and
# isolates (a name shown reversed in pages and mail subjects) and zero-width spaces and joiners.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def nfc(text: str) -> str:
    """Compose combining marks first; folding decomposed text otherwise loses letters."""
    return unicodedata.normalize("NFC", text)


class _WithoutMarks(dict):
    """A str.translate table that drops combining marks (category Mn), filled as characters
    are met: translate runs in C, where a per-character Python loop was the cost of folding
    every description that matching reads."""

    def __missing__(self, codepoint: int):
        value = None if unicodedata.category(chr(codepoint)) == "Mn" else codepoint
        self[codepoint] = value
        return value


_WITHOUT_MARKS = _WithoutMarks()


def fold(text: str) -> str:
    """Lower case, accents removed, đ→d, punctuation to spaces, spaces collapsed."""
    text = nfc(text).lower().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = decomposed.translate(_WITHOUT_MARKS)
    stripped = _NOT_WORD.sub(" ", stripped)
    return _SPACES.sub(" ", stripped).strip()


def clean(text: str | None) -> str:
    """NFC, trimmed, inner white space collapsed, control characters dropped (PostgreSQL
    refuses NUL): how one-line free text is stored."""
    if text is None:
        return ""
    return _SPACES.sub(" ", _CONTROL.sub("", nfc(text))).strip()




def clean_message(text: str | None) -> str:
    """Free text a person wrote (a message, a note, a reason): control characters other than
    newline and tab dropped (PostgreSQL refuses NUL in text; the others only hide things), CRLF as
    LF, trimmed; lines and spaces kept as typed."""
    return _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()


def slugify(text: str) -> str:
    return fold(text).replace(" ", "-")


def within_one_edit(a: str, b: str) -> bool:
    """One letter added, removed, changed, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1:]
