"""The platform-wide change log: rows written with each change (log.py, a flush hook registered
on import), and one way to follow them (follow.py) for search indexes, matching, alerts and any
later follower. The worker's job that prunes the log is registered by jobs.init_app."""

from marketplace.changes import log  # noqa: F401  (registers the flush hook with every session)
