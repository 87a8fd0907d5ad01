"""Route modules; each exposes a Powertools ``router`` that the handler includes."""
