"""Places: the gazetteer data (any populated place, country, region or island) and its lookups."""
