"""What a scan of a certificate may be: a PDF judged from its content (header, end, pages), never its name."""

from __future__ import annotations

import zlib

import pytest

from marketplace.credentials import evidence
from marketplace.credentials.evidence import MAX_PDF_PAGES, ScanRejected, inspect_pdf, is_pdf_upload
from tests.documents import pdf_document


@pytest.mark.parametrize("object_stream", [False, True])
@pytest.mark.parametrize("pages", [1, 3])
def test_a_pdf_is_counted_page_by_page_even_in_compressed_object_streams(pages, object_stream):
    assert inspect_pdf(pdf_document(pages, object_stream=object_stream)) == pages


@pytest.mark.parametrize(("data", "key"), [
    (b"", "empty"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "not_a_pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(100), "not_a_pdf"),
    (b"  %PDF-1.7 with something before the header", "not_a_pdf"),
    (pdf_document(2)[:-400], "damaged_pdf"),  # cut short on a slow network: no end marker
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "damaged_pdf"),  # no page at all
    (pdf_document(MAX_PDF_PAGES + 1), "too_many_pages"),
])
def test_what_is_not_a_sane_pdf_is_refused_with_its_reason(data, key):
    with pytest.raises(ScanRejected) as refused:
        inspect_pdf(data)
    assert refused.value.key == key


def test_a_pdf_over_the_size_cap_is_refused_before_it_is_read():
    with pytest.raises(ScanRejected) as refused:
        inspect_pdf(pdf_document(1) + b"%" * 200, max_bytes=100)
    assert refused.value.key == "too_large"


def test_a_compressed_stream_that_inflates_to_gigabytes_is_read_only_so_far(monkeypatch):
    """A zip bomb in an object stream: inflating stops at the module's budget, whatever it holds."""
    inflated = []
    real = zlib.decompressobj

    class Counting:
        def __init__(self):
            self.inner = real()

        def decompress(self, data, max_length=0):
            out = self.inner.decompress(data, max_length)
            inflated.append(len(out))
            return out

    monkeypatch.setattr(evidence.zlib, "decompressobj", Counting)
    bomb = zlib.compress(b"\0" * 64 * 1024 * 1024, 9)
    document = pdf_document(1).replace(b"trailer", b"9 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\n"
                                       b"stream\n" + bomb + b"\nendstream\nendobj\ntrailer")
    assert inspect_pdf(document) == 1
    assert sum(inflated) <= evidence._MAX_INFLATED


@pytest.mark.parametrize(("data", "name", "mimetype", "expected"), [
    (b"%PDF-1.7", "IMG_2031.jpg", "image/jpeg", True),  # the content says so, whatever the name
    (b"<html>", "giay-chung-nhan.pdf", "text/html", True),  # checked as a PDF, and refused as one
    (b"<html>", "scan", "application/pdf", True),
    (b"\xff\xd8\xff", "IMG_2031.JPG", "image/jpeg", False),
])
def test_what_is_checked_as_a_pdf(data, name, mimetype, expected):
    assert is_pdf_upload(data, name, mimetype) is expected
