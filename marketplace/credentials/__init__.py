"""Certificates (VietGAP, GlobalGAP, organic), OCOP ratings and planting/packing-house codes,
the staff verification workflow, and validity on a date."""
