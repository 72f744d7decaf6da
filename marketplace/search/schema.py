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
# 4: the text and id fields are our own classes (FoldedText, AccentedText, Identifier below), which
#    Whoosh pickles into the saved schema by import path: code from before them could not open
#    such an index, and it reads format "3" as its own. With "4" it rebuilds instead.
INDEX_FORMAT = "4"

# How much a match in each field counts. Product and variety names decide; where and who come
# next; the free description last.
WEIGHTS = {"name": 4.0, "org": 1.5, "place": 1.5, "body": 1.0}
TEXT_FIELDS = tuple(WEIGHTS)
# Each text field's accented twin: a word typed with accents is looked up there only.
EXACT_FIELDS = {name: f"{name}_exact" for name in TEXT_FIELDS}


# The postings of recent field values, by (kind of field, its format's class and field boost,
# value): many documents share a value
# (a product's names, an organisation's name and place, a unit, a category), and analysing it
# again for each of them was a third of an intake's time. Bounded: emptied when full.
_POSTINGS: dict[tuple[str, type, float, str], tuple] = {}
POSTINGS_REMEMBERED = 20_000
REMEMBERED_CHARS = 200  # longer values (descriptions) rarely repeat: analysed each time, not kept


class _RememberedPostings:
    """A field that analyses each distinct value once: `index` returns the same postings (word,
    frequency, weight, encoded positions) as Whoosh's, from a cache keyed by the field's
    `analysis` (make_schema checks that the fields of one analysis have the same analyzer and
    format), the format's class and field boost (which the postings' weights carry), and the value."""

    analysis = ""

    def index(self, value, **kwargs):
        if kwargs or not isinstance(value, str) or len(value) > REMEMBERED_CHARS:
            return super().index(value, **kwargs)
        key = (self.analysis, type(self.format), self.format.field_boost, value)
        postings = _POSTINGS.get(key)
        if postings is None:
            if len(_POSTINGS) >= POSTINGS_REMEMBERED:
                _POSTINGS.clear()
            postings = _POSTINGS[key] = tuple(super().index(value))
        return postings


# These classes' import path (marketplace.search.schema.FoldedText, ...) is part of the on-disk
# format: Whoosh pickles them into every index's schema. Moving or renaming one means bumping
# INDEX_FORMAT (or leaving an alias here), else an index built before cannot be opened.
class FoldedText(_RememberedPostings, TEXT):
    analysis = "folded-positions"


class AccentedText(_RememberedPostings, TEXT):
    analysis = "accented-frequency"


class Identifier(_RememberedPostings, ID):
    analysis = "id"


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
        doc_id=ID(stored=True, unique=True),  # one value per document: nothing to remember
        type=Identifier(stored=True, sortable=True),
        object_id=STORED(),
        ref=STORED(),
        org_id=Identifier(stored=True),
        org_name=STORED(),
        kind=STORED(),
        title=STORED(),
        name=FoldedText(analyzer=folded, spelling=True),
        name_exact=AccentedText(analyzer=accented, phrase=False),
        org=FoldedText(analyzer=folded),
        org_exact=AccentedText(analyzer=accented, phrase=False),
        place=FoldedText(analyzer=folded),
        place_exact=AccentedText(analyzer=accented, phrase=False),
        body=FoldedText(analyzer=folded, stored=True),
        body_exact=AccentedText(analyzer=accented, phrase=False),
        category=Identifier(stored=True, sortable=True),
        commune_code=Identifier(stored=True, sortable=True),
        province_code=Identifier(stored=True),
        state=Identifier(),
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
    _check_shared_analyses(schema)
    return schema


def _check_shared_analyses(schema: Schema) -> None:
    """Fields remembering postings under one `analysis` name must analyse a value identically:
    the same analyzer and the same format (its field boost aside, which is in the cache key)."""
    seen: dict[str, tuple] = {}
    for name, field in schema.items():
        if not isinstance(field, _RememberedPostings):
            continue
        format_options = {k: v for k, v in vars(field.format).items() if k != "field_boost"}
        analysis = (field.analyzer, type(field.format), format_options)
        first = seen.setdefault(field.analysis, (name, analysis))
        if first[1] != analysis:
            raise ValueError(f"fields {first[0]} and {name} share the analysis {field.analysis!r} "
                             "but not their analyzer or format")


def index_fields(document: dict) -> dict:
    """A document (documents.py) as the schema's fields: the body cut to what a snippet can show,
    each text field copied into its accented twin."""
    fields = {k: v for k, v in document.items() if v is not None}
    fields["body"] = document["body"][:SNIPPET_CHARS * 4]
    for name, exact in EXACT_FIELDS.items():
        fields[exact] = fields.get(name) or ""
    return fields
