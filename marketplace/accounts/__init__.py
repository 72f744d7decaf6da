"""Users, organisations (clubs, cooperatives, buyers, agencies), memberships, roles, API tokens."""
