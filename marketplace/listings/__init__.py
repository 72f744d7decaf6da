"""Supply listings: what a club offers, when, at what price, with which credentials and photos."""
