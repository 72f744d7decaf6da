"""Orders: reservations from listings and accepted offers, their states, payments and receipts."""
