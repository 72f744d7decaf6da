"""Demand posts (what buyers need) and offers (how clubs answer them, alone or pooled)."""
