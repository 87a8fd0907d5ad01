"""Natural-language understanding: the provider interface and its implementations."""
