"""Telling people: the bell in the app, instant mail and the daily digest. Packages that send a
kind of notice register the words for it (presentation.register)."""
