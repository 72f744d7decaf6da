"""Product taxonomy: categories, products, varieties, regional synonyms and units."""
