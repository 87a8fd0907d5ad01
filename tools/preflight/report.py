"""One prerequisite's verdict, and the printed report (``python -m tools.preflight STACK``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TextIO


class Status(StrEnum):
    """``ok``: met. ``missing``: the first ``pulumi up`` would fail or misbehave. ``unknown``:
    could not be checked from here (the detail says why, the fix how to check by hand)."""

    OK = "ok"
    MISSING = "missing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Check:
    """A prerequisite, what was found, and what to do when it is not met."""

    cloud: str
    name: str
    status: Status
    detail: str
    fix: str = ""


def ok(cloud: str, name: str, detail: str) -> Check:
    """A met prerequisite."""
    return Check(cloud, name, Status.OK, detail)


def missing(cloud: str, name: str, detail: str, fix: str) -> Check:
    """An unmet prerequisite and its fix."""
    return Check(cloud, name, Status.MISSING, detail, fix)


def unknown(cloud: str, name: str, detail: str, fix: str) -> Check:
    """A prerequisite that could not be checked, and how to check it by hand."""
    return Check(cloud, name, Status.UNKNOWN, detail, fix)


def render(stack: str, checks: Sequence[Check], out: TextIO) -> None:
    """Print one line per check (status, cloud, name, detail) and the fix under it."""
    counts = {status: sum(c.status == status for c in checks) for status in Status}
    out.write(f"Preflight for stack {stack}: ")
    out.write(", ".join(f"{counts[s]} {s}" for s in Status) + "\n")
    for check in checks:
        out.write(f"  {check.status:<8} {check.cloud:<6} {check.name}: {check.detail}\n")
        if check.fix and check.status is not Status.OK:
            out.write(f"  {'':<8} {'':<6} fix: {check.fix}\n")
