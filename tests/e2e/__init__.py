"""End-to-end tests: the real server as a subprocess, driven over HTTP, by a browser and by load."""
