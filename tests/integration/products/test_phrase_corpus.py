"""The product-phrase corpus (tests/data/product_phrases.tsv): phrases as clubs and buyers write
them, read against the real catalogue in the database (SQLite, and PostgreSQL when asked).

Each line names the product (by slug) and variety it must resolve to, or `-` for a name the
catalogue lacks, which is kept as typed; and the grade taken out of the phrase."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from marketplace.products.services import choose_product
from marketplace.vietnamese import fold

CORPUS = Path(__file__).parents[2] / "data" / "product_phrases.tsv"


def _lines() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle, delimiter="\t") if (row.get("phrase") or "").strip()]
    return rows


LINES = _lines()


def test_the_corpus_is_large_enough():
    assert len(LINES) >= 150
    assert sum(1 for line in LINES if line["product_slug"] == "-") >= 10


@pytest.mark.parametrize("line", LINES, ids=[f"{n:03d}-{line['phrase']}" for n, line in enumerate(LINES, 2)])
def test_phrase(session, line):
    choice = choose_product(session, line["phrase"], line.get("variety_column") or "")
    expected_slug = line["product_slug"].strip()
    if expected_slug == "-":
        assert choice.product is None, (choice.product.slug, choice.variety and choice.variety.name)
        assert choice.kept_as_typed and choice.name
        return
    got = (choice.product.slug if choice.product else None, choice.variety.name if choice.variety else "")
    assert got == (expected_slug, (line.get("variety") or "").strip())
    assert fold(choice.grade) == fold(line.get("grade") or "")  # the catalogue's spelling of the grade
