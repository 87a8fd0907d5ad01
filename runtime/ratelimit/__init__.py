"""Per-IP rate limiting: the token-bucket interface (``base``), the in-process bucket
(``memory``), the bucket shared by every Lambda instance in DynamoDB (``dynamodb``) and the
``factory`` that picks one from the settings."""

from runtime.ratelimit.base import BucketPolicy, RateDecision, RateLimiter

__all__ = ["BucketPolicy", "RateDecision", "RateLimiter"]
