"""Marking the words that matched, in the text as it was written (accents and case kept)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from marketplace.search.analysis import Word, folded_word
from marketplace.vietnamese import nfc

_TOKEN = re.compile(r"\w+")


def highlight(text: str, words: list[Word], *, around: int | None = None) -> Markup:
    """Escaped text with each matching word in <mark>; with `around`, a window of about that many
    characters starting a little before the first match (or the start, if none matched)."""
    text = nfc(text or "")
    wanted = {w.folded for w in words}
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text) if folded_word(m.group()) in wanted]
    start, end = 0, len(text)
    if around is not None and len(text) > around:
        first = spans[0][0] if spans else 0
        start = max(0, text.rfind(" ", 0, max(0, first - around // 4)) + 1) if first > around // 4 else 0
        end = min(len(text), start + around)
        cut = text.rfind(" ", start, end)
        if end < len(text) and cut > start:
            end = cut
    out = [Markup("…") if start > 0 else Markup("")]
    position = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[position:s]))
        out.append(Markup("<mark>%s</mark>") % text[s:e])
        position = e
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)
