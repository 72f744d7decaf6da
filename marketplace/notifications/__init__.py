"""Telling people: the bell in the app, instant mail and the daily digest, and Zalo (ZNS) and SMS
to a confirmed phone, each user choosing per topic. Packages that send a kind of notice register
the words for it (presentation.register)."""
