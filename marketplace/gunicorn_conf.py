"""gunicorn settings of `marketplace serve` (given as `--config python:marketplace.gunicorn_conf`;
GUNICORN_CMD_ARGS and the command line still add to them)."""

from __future__ import annotations


def post_worker_init(worker) -> None:
    """Each web process starts warming its search reader before it takes a request, so that its
    first search does not pay for an empty searcher (docs/performance.md, Search). Another app
    served with these settings (the bench's bare Flask page) has no search backend: nothing to warm."""
    backend = getattr(worker.wsgi, "extensions", {}).get("search_backend")
    if backend is not None:
        backend.start_warming()
