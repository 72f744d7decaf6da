"""The imports package's worker job: run the large staff imports waiting for it (imports.background).

Registered by the imports blueprint (views.py, `record_once`). One import per call, so that the
worker's other jobs (search index, mail) run between two large imports; a large import does keep
them waiting while it runs (about a minute for 50,000 rows).
"""

from __future__ import annotations

from flask import Flask

from marketplace import worker
from marketplace.imports import background


def init_app(app: Flask) -> None:
    worker.register(app, "imports", background.run_next, order=60)
