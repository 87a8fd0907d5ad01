"""Weather providers: the interface and report types (``base``) and their backends."""
