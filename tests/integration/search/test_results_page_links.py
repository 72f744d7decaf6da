"""The links of the /search page (search/views.py `_url_with`): each keeps the search as typed,
changes one parameter (or drops it) and goes back to page 1, except the page links themselves."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from marketplace.dates import today_in_vietnam
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import NO_PRICE


def _document(n: int, kind: str, title: str) -> dict:
    day = today_in_vietnam().toordinal()
    return {
        "doc_id": f"{kind}:{900_000 + n}", "type": kind, "object_id": 900_000 + n, "ref": "", "org_id": "1",
        "org_name": "Hội quán", "kind": "club", "title": title, "name": title.lower(), "org": "hoi quan",
        "body": "", "place": "", "category": "fruit", "commune_code": "", "province_code": "",
        "state": "live", "live_until": day + 30, "window_from": day, "window_to": day + 30,
        "price": NO_PRICE, "published": 1_700_000_000 + n, "fingerprint": f"{n}"}


def _links(html: str) -> dict[str, dict[str, list[str]]]:
    """Each /search link's text → its parameters."""
    found = {}
    for href, text in re.findall(r'<a href="(/search\?[^"]*)"[^>]*>(.*?)</a>', html, re.S):
        found[re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", text))).strip()] = \
            parse_qs(urlsplit(unescape(href)).query)
    return found


def _page(app, client, monkeypatch, documents, query: str) -> dict[str, dict[str, list[str]]]:
    backend = WhooshBackend(None)
    backend.rebuild(documents)
    monkeypatch.setitem(app.extensions, "search_backend", backend)
    response = client.get("/search?" + query)
    assert response.status_code == 200
    return _links(response.get_data(as_text=True))


def test_type_links_change_the_type_keep_the_words_and_go_back_to_page_one(app, client, monkeypatch):
    documents = [_document(n, "listing", f"Xoài loại {n}") for n in range(45)]
    documents += [_document(100 + n, "demand", f"Cần mua xoài {n}") for n in range(3)]
    links = _page(app, client, monkeypatch, documents, "q=xoai&page=2&lang=en")
    everything = next(params for text, params in links.items() if text.startswith("All"))
    assert everything == {"q": ["xoai"], "lang": ["en"]}  # no page, no type
    demand = next(params for text, params in links.items() if text.startswith("Buyer requests"))
    assert demand == {"q": ["xoai"], "lang": ["en"], "type": ["demand"]}
    assert links["← Previous"] == {"q": ["xoai"], "lang": ["en"], "page": ["1"]}
    assert links["Next →"] == {"q": ["xoai"], "lang": ["en"], "page": ["3"]}


def test_did_you_mean_replaces_the_words_and_keeps_the_filters(app, client, monkeypatch):
    links = _page(app, client, monkeypatch, [_document(1, "listing", "Xoài cát Chu")],
                  "q=xoaii+catt&type=listing&page=2&lang=en")
    corrected = [params for params in links.values() if params.get("q") != ["xoaii catt"]
                 and "type" in params and "page" not in params]
    assert corrected == [{"q": ["xoài cát"], "type": ["listing"], "lang": ["en"]}]
