"""Addresses that leave the page they were made on — in mail, in a printed catalog, in a QR code —
are built on the site's configured PUBLIC_URL, never on the Host header a request came with: a
forged Host would otherwise put another site's address into a genuine mail or a cached PDF."""

from __future__ import annotations

from flask import current_app, url_for


def public_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)
