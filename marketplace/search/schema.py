"""The Whoosh schema of the index: its fields, the text fields and their accented twins, how much
a match in each counts, and the format number an index built with this schema records."""

from __future__ import annotations

from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from marketplace.search.analysis import accented_analyzer, folded_analyzer
from marketplace.search.documents import CERTIFICATE_TYPES, SNIPPET_CHARS

# Bump when the schema or an analyzer changes: `exists()` then says no for an index built
# before, and the next sync rebuilds it (searches keep reading the old one until the swap).
# 2: accented twins of org, place and body; tone marks placed one way (hòa, not hoà).
# 3: numbers indexed at one precision, accented twins without positions (issue #21).
INDEX_FORMAT = "3"

# How much a match in each field counts. Product and variety names decide; where and who come
# next; the free description last.
WEIGHTS = {"name": 4.0, "org": 1.5, "place": 1.5, "body": 1.0}
TEXT_FIELDS = tuple(WEIGHTS)
# Each text field's accented twin: a word typed with accents is looked up there only.
EXACT_FIELDS = {name: f"{name}_exact" for name in TEXT_FIELDS}


def _number(bits: int, **options) -> NUMERIC:
    """A number indexed at its full precision only. Whoosh's default also indexes each number at
    several coarser precisions (8 terms for 32 bits, 16 for 64), which only speeds up ranges over
    many distinct values; ours are days (a few thousand distinct at most) and prices, whose range
    sets the fast reader reads once per searcher. Most of the build's postings were these terms.
    The documents a range matches are the same either way."""
    return NUMERIC(bits=bits, shift_step=0, **options)


def make_schema() -> Schema:
    folded, accented = folded_analyzer(), accented_analyzer()
    # Phrases are matched on the folded fields only (queries.phrase_query), so the accented twins
    # keep no word positions: the same scores, fewer bytes to write.
    schema = Schema(
        doc_id=ID(stored=True, unique=True),
        type=ID(stored=True, sortable=True),
        object_id=STORED(),
        ref=STORED(),
        org_id=ID(stored=True),
        org_name=STORED(),
        kind=STORED(),
        title=STORED(),
        name=TEXT(analyzer=folded, spelling=True),
        name_exact=TEXT(analyzer=accented, phrase=False),
        org=TEXT(analyzer=folded),
        org_exact=TEXT(analyzer=accented, phrase=False),
        place=TEXT(analyzer=folded),
        place_exact=TEXT(analyzer=accented, phrase=False),
        body=TEXT(analyzer=folded, stored=True),
        body_exact=TEXT(analyzer=accented, phrase=False),
        category=ID(stored=True, sortable=True),
        commune_code=ID(stored=True, sortable=True),
        province_code=ID(stored=True),
        state=ID(),
        live_until=_number(32),
        window_from=_number(32, sortable=True),
        window_to=_number(32),
        price=_number(64, sortable=True, stored=True),
        published=_number(64, sortable=True),
        quantity=STORED(),
        unit=STORED(),
        fingerprint=STORED(),
    )
    for name in [f"{c}_until" for c in CERTIFICATE_TYPES] + ["ocop3_until", "ocop4_until", "ocop5_until",
                                                              "code_until"]:
        schema.add(name, _number(32))
    return schema


def index_fields(document: dict) -> dict:
    """A document (documents.py) as the schema's fields: the body cut to what a snippet can show,
    each text field copied into its accented twin."""
    fields = {k: v for k, v in document.items() if v is not None}
    fields["body"] = document["body"][:SNIPPET_CHARS * 4]
    for name, exact in EXACT_FIELDS.items():
        fields[exact] = fields.get(name) or ""
    return fields
