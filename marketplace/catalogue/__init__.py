"""Staff work on the open catalogue: names and units people typed that the catalogue lacks,
mapped to a catalogue product (re-linking every listing and request that used them) or adopted
into the catalogue."""
