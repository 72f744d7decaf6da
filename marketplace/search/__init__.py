"""The search index: Vietnamese analysis, the Whoosh schema, building, swapping and checking.

The database is the source of truth; the index is derived from it and can always be rebuilt
(`marketplace search reindex`) and compared (`marketplace search check`).
"""
