"""Compressed answers and fingerprinted static files (issue #21): pages, JSON, styles and scripts
go out compressed when the browser accepts it, photos and tiny bodies as they are; static URLs
carry their content's fingerprint and such answers may be kept a year, others only briefly; a
signed-in person's pages are still never kept by a shared cache."""

from __future__ import annotations

import re
from html import unescape

import brotli
import pytest

from tests.clients import app_session, signed_in, without_csrf_tokens
from tests.factories import make_club


def _static_urls(client) -> list[str]:
    return [unescape(url) for url in re.findall(r'"(/static/[^"]+)"', client.get("/").get_data(as_text=True))]


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_page_is_compressed_when_the_browser_accepts_it(client, encoding):
    plain = client.get("/").get_data()
    response = client.get("/", headers={"Accept-Encoding": encoding})
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.get_data()) < len(plain) / 2
    if encoding == "br":  # the same page but for its CSRF tokens, masked anew on every page
        assert without_csrf_tokens(brotli.decompress(response.get_data())) == without_csrf_tokens(plain)


def test_a_page_is_sent_plain_to_a_browser_that_does_not_ask(client):
    response = client.get("/")
    assert "Content-Encoding" not in response.headers
    assert b"</html>" in response.get_data()


def test_json_is_compressed_and_a_tiny_body_is_not(client):
    big = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert big.status_code == 200
    assert big.headers.get("Content-Encoding") == "gzip"
    tiny = client.get("/search/suggest?q=x", headers={"Accept-Encoding": "gzip"})
    assert tiny.status_code == 200 and len(tiny.get_data()) < 500
    assert "Content-Encoding" not in tiny.headers


def test_static_urls_carry_the_files_fingerprint_and_are_kept_a_year(client):
    urls = _static_urls(client)
    assert {url.split("?")[0] for url in urls} >= {"/static/css/site.css", "/static/js/site.js"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Set-Cookie" not in response.headers


def test_styles_and_scripts_are_compressed(client):
    for url in _static_urls(client):
        if url.endswith((".css", ".js")) or ".css?" in url or ".js?" in url:
            response = client.get(url, headers={"Accept-Encoding": "br"})
            assert response.headers["Content-Encoding"] == "br"
            assert brotli.decompress(response.get_data()) == client.get(url).get_data()


def test_a_static_file_without_its_current_fingerprint_is_kept_only_briefly(client):
    for url in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")
        assert "max-age=31536000" not in response.headers.get("Cache-Control", "")


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    from marketplace.static_files import Fingerprints

    (tmp_path / "site.css").write_text("body { color: red }")
    fingerprints = Fingerprints(str(tmp_path))
    before = fingerprints.of("site.css")
    (tmp_path / "site.css").write_text("body { color: blue; }")
    assert fingerprints.of("site.css") != before
    assert fingerprints.of("../outside.css") is None
    assert fingerprints.of("missing.css") is None


def test_a_signed_in_persons_page_is_compressed_and_still_private(app):
    with app_session(app):
        _, chair = make_club()
    client = signed_in(app, chair)
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_part_of_a_file_asked_for_with_range_is_sent_as_it_is(client):
    whole = client.get("/static/css/site.css", headers={"Accept-Encoding": "identity"})
    part = client.get("/static/css/site.css", headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"})
    assert part.status_code == 206
    assert "Content-Encoding" not in part.headers
    assert part.get_data() == whole.get_data()[:100]


@pytest.mark.parametrize("path", ["/static/css/site.css", "/static/js/site.js"])
def test_compressed_and_plain_answers_have_etags_of_their_own_and_each_gets_its_304(client, path):
    """A cache must never answer one encoding for the other on If-None-Match (review leftover):
    Flask-Compress suffixes a strong ETag with the encoding and evaluates If-None-Match after it
    compressed (static files: COMPRESS_STREAMING_ENDPOINT_CONDITIONAL), so each ETag stands for
    its own bytes and revalidates only those."""
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    compressed = client.get(path, headers={"Accept-Encoding": "br"})
    assert compressed.headers["Content-Encoding"] == "br"
    plain_etag, compressed_etag = plain.headers["ETag"], compressed.headers["ETag"]
    assert plain_etag != compressed_etag and not compressed_etag.startswith("W/")
    assert "Accept-Encoding" in compressed.headers["Vary"]
    for encoding, etag in (("identity", plain_etag), ("br", compressed_etag)):
        again = client.get(path, headers={"Accept-Encoding": encoding, "If-None-Match": etag})
        assert again.status_code == 304 and again.headers["ETag"] == etag
    # The compressed bytes' ETag does not validate a plain answer: the plain body is sent, with its own.
    crossed = client.get(path, headers={"Accept-Encoding": "identity", "If-None-Match": compressed_etag})
    assert crossed.status_code == 200 and "Content-Encoding" not in crossed.headers
    assert crossed.headers["ETag"] == plain_etag and crossed.get_data() == plain.get_data()
    # A cache holding the plain bytes may keep serving them to a browser that would take br.
    held_plain = client.get(path, headers={"Accept-Encoding": "br", "If-None-Match": plain_etag})
    assert held_plain.status_code == 304 and held_plain.headers["ETag"] == plain_etag
