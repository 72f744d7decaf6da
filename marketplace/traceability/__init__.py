"""Traceability (issue #18): lots from the orchard to the buyer, their append-only events, the
lots each was made from and went into, the lots an order delivered, the public trace page and the
labels that lead to it."""
