"""The printed catalog's cache: a file per content hash, made once even when asked for at once,
older contents of the same catalog and language removed."""

from __future__ import annotations

import threading
import time

from marketplace.fairs.catalog_pdf import cached_pdf


def test_made_once_then_served_and_replaced_on_a_new_hash(tmp_path):
    made = []

    def make(data: bytes):
        def run() -> bytes:
            made.append(data)
            return data
        return run

    first = cached_pdf(tmp_path, "hoi-cho-vi", "a" * 24, make(b"%PDF-1"))
    assert first.read_bytes() == b"%PDF-1"
    assert cached_pdf(tmp_path, "hoi-cho-vi", "a" * 24, make(b"never")) == first and made == [b"%PDF-1"]
    english = cached_pdf(tmp_path, "hoi-cho-en", "a" * 24, make(b"%PDF-en"))
    second = cached_pdf(tmp_path, "hoi-cho-vi", "b" * 24, make(b"%PDF-2"))
    assert second.read_bytes() == b"%PDF-2" and not first.exists() and english.exists()
    assert sorted(p.name for p in tmp_path.glob("*.pdf")) == [english.name, second.name]


def test_requests_at_once_make_it_once(tmp_path):
    made = []

    def slow() -> bytes:
        made.append(1)
        time.sleep(0.3)
        return b"%PDF"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cached_pdf(tmp_path, "c-vi", "c" * 24, slow)))
               for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1] and len(set(results)) == 1 and results[0].read_bytes() == b"%PDF"
