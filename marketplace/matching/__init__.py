"""Matching: for every demand post the listings that can serve it, and for every listing the
demand it can serve — ranked (scoring.py), explained (reasons) and kept current (services.py)."""
