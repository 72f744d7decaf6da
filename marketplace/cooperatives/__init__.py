"""Cooperatives grown from clubs (issue #18): a club's steps towards forming one, recorded by staff,
and the history of each cooperative's founding shown on the club's and the cooperative's pages."""
