"""Backup and restore: one archive file with the database dump, the photo files and a manifest
of row counts and checksums that a restore checks (`marketplace backup` / `marketplace restore`).

- `checksums.py`: every table's row count and a checksum of its rows in a stable order.
- `archive.py`: the archive format (manifest, members) and reading it back safely.
- `databases.py`: dumping and loading each backend (SQLite's online backup API, pg_dump/psql).
- `services.py`: the two use cases, used by the commands.
The search index is not backed up: it is derived, and a restore rebuilds it.
"""
