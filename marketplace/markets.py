"""Export markets: ISO 3166 country codes (and EU, a market of its own for growing-area codes),
named in Vietnamese and English from Babel's CLDR data, and read from what people type — "Trung
Quoc", "TQ", "china", "cn", "Mỹ" — so that a requirement can be compared with a code's markets.

Stored as codes ("CN"); shown as names in the reader's language; a text that names no market is
kept by the caller and reported, never guessed."""

from __future__ import annotations

import re
from functools import cache

from babel import Locale

from marketplace.vietnamese import fold

# CLDR territories that are not markets one exports to: unknown region, pseudo-locales, the
# outlying parts of Oceania, the euro area and the United Nations.
_NOT_MARKETS = frozenset({"ZZ", "XA", "XB", "QO", "EZ", "UN"})
# Listed first in a picker: where Đồng Tháp's fruit goes most (then every other market by name).
MAIN_MARKETS = ("CN", "US", "EU", "JP", "KR", "AU", "TW", "NZ", "TH", "SG", "GB", "AE")
# Short and everyday names people write that CLDR does not give (folded, whole text only).
_ALIASES = {
    "tq": "CN", "trung hoa": "CN", "trung quoc dai luc": "CN",
    "my": "US", "usa": "US", "hoa ky": "US", "america": "US", "united states of america": "US",
    "nhat": "JP", "han": "KR", "korea": "KR", "nam han": "KR",
    "chau au": "EU", "lien minh chau au": "EU", "europe": "EU",
    "anh": "GB", "uk": "GB", "britain": "GB", "great britain": "GB",
    "uc": "AU", "thai": "TH", "hong kong": "HK", "hongkong": "HK", "uae": "AE", "dubai": "AE",
    "campuchia": "KH", "cambodia": "KH", "lao": "LA", "ha lan": "NL", "holland": "NL",
}
_SEPARATORS = re.compile(r"[;,/\n|+]+")


@cache
def codes() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories
                     if len(code) == 2 and code.isalpha() and code not in _NOT_MARKETS)


def market_name(code: str, locale: str = "vi") -> str:
    """"CN" → "Trung Quốc" (vi) or "China" (en); a code nobody knows is shown as it is."""
    return Locale.parse(locale).territories.get(code, code) if code in codes() else code


def market_choices(locale: str = "vi") -> list[tuple[str, str]]:
    """(code, name) for a picker: the main export markets first, then the rest by name."""
    rest = sorted((c for c in codes() if c not in MAIN_MARKETS), key=lambda c: fold(market_name(c, locale)))
    return [(code, market_name(code, locale)) for code in (*MAIN_MARKETS, *rest)]


def market_options(locale: str = "vi") -> list[tuple[str, str]]:
    """(value, label) for a type-ahead list: each market named in the reader's language (what
    read_market reads back), labelled with its name in the other language and its code."""
    other = "en" if locale == "vi" else "vi"
    return [(name, f"{market_name(code, other)} · {code}") for code, name in market_choices(locale)]


def market_names(code: str) -> dict[str, str] | None:
    """{"vi": "Trung Quốc", "en": "China"} for a code, None for no market (the API's names)."""
    return {"vi": market_name(code, "vi"), "en": market_name(code, "en")} if code else None


@cache
def _names() -> dict[str, str]:
    """Folded names in both languages (and the aliases) → code."""
    names: dict[str, str] = {}
    for locale in ("en", "vi"):
        territories = Locale(locale).territories
        for code in codes():
            names.setdefault(fold(territories[code]), code)
    names.update(_ALIASES)
    return names


def read_market(text: str | None) -> str | None:
    """The market one text names: a code ("CN", or "cn" when no name reads so), a name with or
    without accents in Vietnamese or English ("Trung Quoc", "china"), or an everyday short name
    ("TQ", "Mỹ"); None when it names none."""
    stripped = (text or "").strip()
    folded = fold(stripped)
    if not folded:
        return None
    if len(stripped) == 2 and stripped.isupper() and stripped in codes():
        return stripped  # "MY" is Malaysia's code, while "my" or "My" is how Mỹ is typed unaccented
    named = _names().get(folded) or _names().get(folded.removeprefix("thi truong ").strip())
    if named is None and len(folded) == 2 and folded.upper() in codes():
        return folded.upper()
    return named


def read_markets(text: str | None) -> tuple[list[str], list[str]]:
    """Several markets written in one cell or field ("Trung Quoc; My, EU"): the codes read, in
    order and without repeats, and the parts that named no market (kept for the caller to report).
    Spaces do not separate, since names have them; "CN US EU" is read as codes when every word is one."""
    found: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in _SEPARATORS.split(text or "")):
        if not part:
            continue
        words = part.split()
        if len(words) > 1 and read_market(part) is None and all(read_market(w) and len(w) == 2 for w in words):
            readings = [read_market(w) for w in words]
        else:
            readings = [read_market(part)]
        for code in readings:
            if code is None:
                unknown.append(part)
            elif code not in found:
                found.append(code)
    return found, unknown
