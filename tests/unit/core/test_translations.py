"""The Vietnamese catalog is complete, its placeholders are right, and the app uses it.

The messages are re-extracted from the source tree here, the way `make extract-messages` does
(same babel.cfg, same extra keywords), so a string marked for translation but never translated
fails this suite, even if nobody ran the extraction. See docs/translations.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
TRANSLATIONS = ROOT / "marketplace" / "translations"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
VI_MO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.mo"
# The Makefile's `pybabel extract -k _l -k lazy_gettext`: Babel's default keywords plus these.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# %(name)s, %(n)d, %s, %d, %% …: what Python's %-formatting (and Jinja's newstyle gettext) reads.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def _extract() -> dict[tuple[str, str | None], set[tuple[str, int]]]:
    """Every (msgid, context) marked in marketplace/**.py and templates/**.html, with where."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, filename=str(ROOT / "babel.cfg"))
    found: dict[tuple[str, str | None], set[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault((msgid, context), set()).add((filename, lineno))
    return found


@pytest.fixture(scope="module")
def extracted() -> dict[tuple[str, str | None], set[tuple[str, int]]]:
    return _extract()


@pytest.fixture(scope="module")
def catalog():
    assert VI_PO.exists(), f"{VI_PO.relative_to(ROOT)} is missing: see docs/translations.md"
    with open(VI_PO, "rb") as f:
        return read_po(f, locale="vi")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(s and s.strip() for s in strings)


def test_extraction_finds_the_source_strings(extracted):
    # Guards the guard: a broken method map or keyword list would make every check below pass.
    msgids = {msgid for msgid, _ in extracted}
    assert "Sign in" in msgids  # templates (jinja2, `_()`)
    assert "Farmer club" in msgids  # Python, `lazy_gettext()`
    assert "E-mail or phone number" in msgids  # Python, `_l()`
    assert len(msgids) > 100


def test_every_source_string_has_a_vietnamese_translation(extracted, catalog):
    missing = []
    for (msgid, context), where in sorted(extracted.items(), key=lambda item: item[0][0]):
        message = catalog.get(msgid, context)
        if message is None or not _translated(message):
            state = "not in the .po" if message is None else ("fuzzy" if message.fuzzy else "empty")
            places = ", ".join(f"{name}:{line}" for name, line in sorted(where))
            missing.append(f"  {msgid!r} ({state}; {places})")
    assert not missing, (
        f"{len(missing)} string(s) without a Vietnamese translation in {VI_PO.relative_to(ROOT)} "
        "(run `make extract-messages`, translate, then `make translations`):\n" + "\n".join(missing)
    )


def test_no_fuzzy_entries(catalog):
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"


def test_placeholders_match(catalog):
    wrong = []
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = sorted(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and sorted(PLACEHOLDER.findall(string)) != expected:
                wrong.append(f"  {message.id!r} → {string!r}")
    assert not wrong, "placeholders differ between msgid and msgstr:\n" + "\n".join(wrong)


def _forms(string):
    return tuple(string) if isinstance(string, list | tuple) else string


def test_compiled_catalog_matches_the_po(catalog):
    assert VI_MO.exists(), "messages.mo is missing: run `make translations`"
    with open(VI_MO, "rb") as f:
        compiled = read_mo(f)
    stale = []
    for message in catalog:
        if not message.id or not _translated(message):
            continue
        got = compiled.get(message.id, message.context)
        # Plural forms come back from the .mo as a list and from the .po as a tuple.
        if got is None or _forms(got.string) != _forms(message.string):
            stale.append(f"  {message.id!r}")
    assert not stale, "messages.mo is older than the .po: run `make translations`\n" + "\n".join(stale)
