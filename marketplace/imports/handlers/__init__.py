"""One module per kind of sheet, each registering its function with `run.handles`:
organisations, credentials (certificates and planting codes, one handler for both), listings and
demand; `goods` holds what listings and demand rows share. `imports.services` imports them all."""
