"""Market information (issue #20): the public price board, price alerts and the weekly market
bulletin for club boards."""
