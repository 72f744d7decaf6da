"""gunicorn settings of `marketplace serve` (given as `--config python:marketplace.gunicorn_conf`;
GUNICORN_CMD_ARGS and the command line still add to them)."""

from __future__ import annotations

from marketplace.search import services as search


def post_worker_init(worker) -> None:
    """Each web process starts warming its search reader before it takes a request, so that its
    first search does not pay for an empty searcher (docs/performance.md, Search)."""
    with worker.wsgi.app_context():
        search.backend().start_warming()
