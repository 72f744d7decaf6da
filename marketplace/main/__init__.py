"""Public pages that belong to no single domain: home, directory, product catalogue, health."""
