"""Smoke suite: the chat API and web page checked over HTTP, locally or against a deployed stack.

Set ``TRAVELBOT_BASE_URL`` (e.g. the stack output ``apiUrl``) to check a deployment; without it
the suite starts the local server itself. Standard library (urllib) and pytest only.
"""
