"""Sentiment analysis: the provider interface and its implementations."""
