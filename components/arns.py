"""Small pure helpers for ARNs (no resources, no Pulumi calls)."""

from __future__ import annotations


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to (``aws``, ``aws-cn`` or ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def in_region(arn: str, region: str) -> str:
    """The same ARN in another region (a global table's replica, a replicated secret)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[0] == "arn":
        raise ValueError(f"not an ARN: {arn!r}")
    parts[3] = region
    return ":".join(parts)
