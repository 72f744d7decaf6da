"""Static files under fingerprinted URLs: `url_for('static', filename=…)` adds `?v=` and the first
12 hex digits of the file's SHA-256, and a request whose `v` is the file's current fingerprint is
answered with `Cache-Control: public, max-age=31536000, immutable`, so a browser (or a proxy) keeps
the stylesheet and script for a year and asks again only when a new release changes their bytes,
and so their URL. A request without `v`, or with an old one, gets Flask's short-lived answer.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
FINGERPRINT_LENGTH = 12


class Fingerprints:
    """Each static file's fingerprint, computed once per version of the file (its size and
    modification time), so that an edited file in development gets a new URL at once."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int], str]] = {}

    def of(self, filename: str) -> str | None:
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        version = (status.st_mtime_ns, status.st_size)
        known = self._known.get(filename)
        if known is not None and known[0] == version:
            return known[1]
        with open(path, "rb") as file:
            digest = hashlib.sha256(file.read()).hexdigest()[:FINGERPRINT_LENGTH]
        self._known[filename] = (version, digest)
        return digest


def init_app(app: Flask) -> None:
    fingerprints = Fingerprints(app.static_folder or "")
    app.extensions["static_fingerprints"] = fingerprints

    @app.url_defaults
    def fingerprint_static_urls(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            digest = fingerprints.of(values["filename"])
            if digest is not None:
                values["v"] = digest

    @app.after_request
    def cache_fingerprinted_files(response):
        if request.endpoint != "static" or response.status_code not in (200, 206, 304):
            return response
        version = request.args.get("v")
        if version and version == fingerprints.of((request.view_args or {}).get("filename", "")):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
        return response
