"""Pages for trade-promotion staff and administrators (overview, users and roles)."""
